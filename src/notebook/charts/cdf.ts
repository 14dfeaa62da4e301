/** CDF chart: the distribution of one or more series, as step lines with a legend. */
import type { VegaLiteChart } from "../chart";
import {
  baseSpec,
  droppedNote,
  LOG_SCALE,
  NUMBER_FORMAT,
  referenceLayer,
  SERIES_FIELD,
  seriesColor,
  type AxisOptions,
  type ChartOptions,
  type ReferencePoints,
} from "./common";

export interface CdfPoint {
  /** The value (x). */
  value: number;
  /** Fraction of samples at or below `value`, in [0, 1] (y). */
  fraction: number;
}

export interface CdfSeries {
  /** Legend entry. */
  name: string;
  /** Points in increasing `value`, as Histogram.cdf() returns them. */
  points: ReadonlyArray<CdfPoint>;
}

export interface CdfChartOptions extends ChartOptions {
  series: ReadonlyArray<CdfSeries>;
  /** The value axis, e.g. {label: "wait (ns)", log: true}. */
  x?: AxisOptions;
  /** Published points (value, fraction) to overlay. */
  reference?: ReferencePoints;
  /** At most this many points per series are drawn (evenly thinned, keeping both ends); default 1000. */
  maxPoints?: number;
}

function thin<T>(points: ReadonlyArray<T>, max: number): ReadonlyArray<T> {
  if (points.length <= max) return points;
  const out: T[] = [];
  const step = (points.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * step)]);
  return out;
}

/** Builds a CDF chart of `series`. */
export function cdfChart(options: CdfChartOptions): VegaLiteChart {
  if (options.series.length === 0) throw new RangeError("cdfChart: series is empty; give at least one {name, points}");
  const xTitle = options.x?.label ?? "value";
  const yTitle = "fraction of samples ≤ x";
  const log = options.x?.log ?? false;
  let dropped = 0;
  const values: Array<Record<string, unknown>> = [];
  for (const s of options.series) {
    for (const p of thin(s.points, options.maxPoints ?? 1000)) {
      if (log && p.value <= 0) {
        dropped++;
        continue;
      }
      values.push({ [SERIES_FIELD]: s.name, value: p.value, fraction: p.fraction });
    }
  }
  const color = seriesColor(
    options.series.map((s) => s.name),
    options.reference,
  );
  const layers: Array<Record<string, unknown>> = [
    {
      data: { values },
      mark: { type: "line", interpolate: "step-after", strokeWidth: 2 },
      encoding: {
        x: { field: "value", type: "quantitative", title: xTitle, scale: log ? LOG_SCALE : { zero: true } },
        y: { field: "fraction", type: "quantitative", title: yTitle, scale: { domain: [0, 1] } },
        color,
        tooltip: [
          { field: SERIES_FIELD, type: "nominal", title: "series" },
          { field: "value", type: "quantitative", title: xTitle, format: NUMBER_FORMAT },
          { field: "fraction", type: "quantitative", title: "fraction", format: ".3f" },
        ],
      },
    },
  ];
  if (options.reference) layers.push(referenceLayer(options.reference, xTitle, yTitle, log, false, color));
  const caption =
    options.caption ??
    `CDF of ${xTitle}: ${options.series.map((s) => s.name).join("; ")}${options.reference ? `; ${options.reference.label ?? "published"} points` : ""}${droppedNote(dropped)}`;
  return { kind: "vega-lite", spec: { ...baseSpec(options), layer: layers }, caption };
}
