/** CDF chart: the distribution of one or more series, as step lines with a legend. */
import type { VegaLiteChart } from "../chart";
import type { VegaLiteSpec } from "../vega-render";
import {
  chartSpec,
  colorScale,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  REFERENCE_MARK,
  type AxisOptions,
  type ChartOptions,
  type ReferencePoints,
} from "./common";
import { formatNumber, unitOfLabel, withUnit } from "./format";
import { legendLayout } from "./legend";
import { resolveAxis } from "./scales";
import { axisTitle } from "./text";

/** One point of a CDF. */
export interface CdfPoint {
  /** The value (x). */
  value: number;
  /** Fraction of samples at or below `value`, in [0, 1] (y). */
  fraction: number;
}

/**
 * One distribution.
 * @example {name: "fifo", points: histogram.cdf()}
 */
export interface CdfSeries {
  /** Legend entry. */
  name: string;
  /** Points in increasing `value`, as Histogram.cdf() returns them. */
  points: ReadonlyArray<CdfPoint>;
}

export interface CdfChartOptions extends ChartOptions {
  /**
   * The distributions, one step line each.
   * @example series: [{name: "fifo", points: fifo.cdf()}, {name: "ticket", points: ticket.cdf()}]
   */
  series: ReadonlyArray<CdfSeries>;
  /**
   * The value axis; a log axis over values that include 0 becomes symmetric-log.
   * @example x: {label: "wait (ns)", log: true}
   */
  x?: AxisOptions;
  /**
   * Published points (value, fraction) to overlay.
   * @example reference: {points: [{x: 1.2, y: 0.5, source: "LKML", note: "median"}]}
   */
  reference?: ReferencePoints;
  /**
   * At most this many points per series are drawn (evenly thinned, keeping both ends); default 1000.
   * @example maxPoints: 300
   */
  maxPoints?: number;
}

function thin<T>(points: ReadonlyArray<T>, max: number): ReadonlyArray<T> {
  if (points.length <= max) return points;
  const out: T[] = [];
  const step = (points.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * step)]);
  return out;
}

/**
 * Builds a CDF chart of `series`.
 * @example cdfChart({title: "Wait for the mutex", x: {label: "wait (ns)", log: true}, series: [{name: "fifo", points}]})
 */
export function cdfChart(options: CdfChartOptions): VegaLiteChart {
  if (options.series.length === 0) throw new RangeError("cdfChart: series is empty; give at least one {name, points}");
  const names = options.series.map((s) => s.name);
  if (new Set(names).size !== names.length)
    throw new RangeError(`cdfChart: two series share a name: ${names.join(", ")}`);
  const xTitle = options.x?.label ?? "value";
  const xUnit = options.x?.unit ?? unitOfLabel(options.x?.label);
  const yTitle = "fraction of samples ≤ x";
  const width = options.width ?? DEFAULT_WIDTH;
  const refLabel = options.reference ? (options.reference.label ?? "published") : undefined;
  const domain = [...names, ...(refLabel ? [refLabel] : [])];
  const legend = legendLayout(domain, null, width);
  const drawn = new Map(domain.map((d, i) => [d, legend.labels[i]]));
  const values: Array<Record<string, unknown>> = [];
  for (const s of options.series) {
    for (const p of thin(s.points, options.maxPoints ?? 1000)) {
      if (!Number.isFinite(p.value) || !Number.isFinite(p.fraction)) continue;
      values.push({
        kind: "sim",
        series: drawn.get(s.name),
        value: p.value,
        fraction: p.fraction,
        tx: withUnit(formatNumber(p.value), xUnit),
        ty: formatNumber(p.fraction, 3),
      });
    }
  }
  for (const p of options.reference?.points ?? []) {
    values.push({
      kind: "ref",
      series: drawn.get(refLabel!),
      value: p.x,
      fraction: p.y,
      source: p.source,
      note: p.note ?? "",
      tx: withUnit(formatNumber(p.x), xUnit),
      ty: formatNumber(p.y, 3),
    });
  }
  const x = resolveAxis("x", options.x, { points: values.map((v) => v.value as number) }, width);
  const xEnc = {
    field: "value",
    type: "quantitative",
    title: axisTitle(xTitle, width),
    scale: x.scale,
    axis: x.axis,
    stack: null,
  };
  const yEnc = { field: "fraction", type: "quantitative", title: yTitle, scale: { domain: [0, 1] }, stack: null };
  const color = {
    field: "series",
    type: "nominal",
    title: null,
    scale: colorScale(legend.labels, refLabel === undefined ? undefined : drawn.get(refLabel)),
    legend: legend.legend,
  };
  const layers: VegaLiteSpec[] = [
    {
      transform: [{ filter: "datum.kind === 'sim'" }],
      mark: { type: "line", interpolate: "step-after", strokeWidth: 2 },
      encoding: {
        x: xEnc,
        y: yEnc,
        color,
        tooltip: [
          { field: "series", type: "nominal", title: "series" },
          { field: "tx", type: "nominal", title: xTitle },
          { field: "ty", type: "nominal", title: "fraction ≤ x" },
        ],
      },
    },
  ];
  if (refLabel) {
    layers.push({
      transform: [{ filter: "datum.kind === 'ref'" }],
      mark: REFERENCE_MARK,
      encoding: {
        x: xEnc,
        y: yEnc,
        color,
        tooltip: [
          { field: "source", type: "nominal", title: "source" },
          { field: "tx", type: "nominal", title: xTitle },
          { field: "ty", type: "nominal", title: "fraction" },
          { field: "note", type: "nominal", title: "note" },
        ],
      },
    });
  }
  const caption =
    options.caption ??
    `CDF of ${xTitle}: ${names.join("; ")}${refLabel ? `; ${refLabel} points` : ""}` +
      `${x.kind === "symlog" ? "; x axis symmetric-log (linear near 0)" : ""}${legend.note ? `; ${legend.note}` : ""}`;
  const body = { data: { values }, width, height: options.height ?? DEFAULT_HEIGHT, layer: layers };
  return { kind: "vega-lite", spec: chartSpec(options, caption, body), caption };
}
