/**
 * Sweep chart: observables across a swept parameter, each as a line with its 95% confidence interval drawn as error
 * bars or as a shaded band (quantile bands: give p50, p90, p99 as series). Series without a CI column (a closed form,
 * say) can be dashed.
 */
import type { VegaLiteChart } from "../chart";
import {
  baseSpec,
  droppedNote,
  LOG_SCALE,
  NUMBER_FORMAT,
  referenceLayer,
  rowsOf,
  SERIES_FIELD,
  seriesColor,
  type AxisOptions,
  type ChartOptions,
  type ReferencePoints,
  type RowSource,
} from "./common";

export interface SweepSeries {
  /** Column holding the value (a mean over seeds). */
  y: string;
  /** Column holding the 95% CI half-width (ResultSet names it `<y>Ci95`); omit for exact curves. */
  ci?: string;
  /** Legend entry (default: the column name). */
  label?: string;
  /** Dashed line without points: for closed forms and other exact curves. */
  dashed?: boolean;
}

export interface SweepChartOptions extends ChartOptions {
  /** Rows: a ResultSet or an array of records. */
  rows: RowSource;
  /** Column of the swept parameter (x axis). */
  x: string;
  xAxis?: AxisOptions;
  /** Label of the y axis; put the unit in it. */
  yAxis?: AxisOptions;
  series: ReadonlyArray<SweepSeries>;
  /** A second parameter that splits every series into one line per value (e.g. "holdNs"). */
  groupBy?: string;
  /** How to draw the 95% CI: "bars" (error bars, default) or "band" (shaded area). */
  errors?: "bars" | "band";
  /** Published points to overlay. */
  reference?: ReferencePoints;
}

/** Builds a sweep chart. */
export function sweepChart(options: SweepChartOptions): VegaLiteChart {
  if (options.series.length === 0) throw new RangeError("sweepChart: series is empty; give at least one {y, ci?}");
  const rows = rowsOf(options.rows);
  const columns = new Set(rows.flatMap((r) => Object.keys(r)));
  for (const name of [options.x, options.groupBy, ...options.series.flatMap((s) => [s.y, s.ci])]) {
    if (name !== undefined && rows.length > 0 && !columns.has(name)) {
      throw new RangeError(`sweepChart: no column '${name}'; columns: ${[...columns].join(", ")}`);
    }
  }
  const xTitle = options.xAxis?.label ?? options.x;
  const yTitle = options.yAxis?.label ?? options.series.map((s) => s.label ?? s.y).join(", ");
  const xLog = options.xAxis?.log ?? false;
  const yLog = options.yAxis?.log ?? false;
  let dropped = 0;
  const values: Array<Record<string, unknown>> = [];
  for (const s of options.series) {
    for (const r of rows) {
      const x = Number(r[options.x]);
      const y = Number(r[s.y]);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if ((xLog && x <= 0) || (yLog && y <= 0)) {
        dropped++;
        continue;
      }
      const name = (s.label ?? s.y) + (options.groupBy ? `, ${options.groupBy}=${String(r[options.groupBy])}` : "");
      const ci = s.ci === undefined ? NaN : Number(r[s.ci]);
      const v: Record<string, unknown> = { x, y, [SERIES_FIELD]: name, dashed: s.dashed === true };
      if (Number.isFinite(ci)) {
        // On a log axis a band reaching zero cannot be drawn: clip its low end to a tenth of the value.
        v.lo = yLog ? Math.max(y - ci, y / 10) : y - ci;
        v.hi = y + ci;
        v.ci = ci;
      }
      values.push(v);
    }
  }
  const xEnc = { field: "x", type: "quantitative", title: xTitle, scale: xLog ? LOG_SCALE : { zero: false } };
  // Waits, rates and counts are not negative: start such an axis at 0 rather than at a "nice" negative bound that
  // rounding noise (a closed form giving -4e-13, say) would otherwise pull in.
  const ys = values.flatMap((v) => [v.y as number, (v.lo as number | undefined) ?? NaN]).filter(Number.isFinite);
  const maxAbs = Math.max(0, ...ys.map(Math.abs));
  const yScale = yLog ? LOG_SCALE : Math.min(...ys) >= -1e-9 * maxAbs ? { domainMin: 0 } : { zero: false };
  const color = seriesColor(
    values.map((v) => v[SERIES_FIELD] as string),
    options.reference,
  );
  const tooltip = [
    { field: SERIES_FIELD, type: "nominal", title: "series" },
    { field: "x", type: "quantitative", title: xTitle, format: NUMBER_FORMAT },
    { field: "y", type: "quantitative", title: "value", format: NUMBER_FORMAT },
    { field: "ci", type: "quantitative", title: "± 95% CI", format: NUMBER_FORMAT },
  ];
  const withCi = { filter: "isValid(datum.lo)" };
  const layers: Array<Record<string, unknown>> = [];
  if ((options.errors ?? "bars") === "band") {
    layers.push({
      transform: [withCi],
      mark: { type: "area", opacity: 0.2 },
      encoding: {
        x: xEnc,
        y: { field: "lo", type: "quantitative", title: yTitle, scale: yScale },
        y2: { field: "hi" },
        color,
      },
    });
  } else {
    layers.push({
      transform: [withCi],
      mark: { type: "errorbar", ticks: true },
      encoding: {
        x: xEnc,
        y: { field: "lo", type: "quantitative", title: yTitle, scale: yScale },
        y2: { field: "hi" },
        color,
      },
    });
  }
  const yEnc = { field: "y", type: "quantitative", title: yTitle, scale: yScale };
  layers.push({
    transform: [{ filter: "!datum.dashed" }],
    mark: { type: "line", point: true, strokeWidth: 2 },
    encoding: { x: xEnc, y: yEnc, color, tooltip },
  });
  if (options.series.some((s) => s.dashed)) {
    layers.push({
      transform: [{ filter: "datum.dashed" }],
      mark: { type: "line", strokeDash: [6, 4], strokeWidth: 2 },
      encoding: { x: xEnc, y: yEnc, color, tooltip },
    });
  }
  const spec = { ...baseSpec(options), layer: [{ data: { values }, layer: layers }] as Array<Record<string, unknown>> };
  if (options.reference) spec.layer.push(referenceLayer(options.reference, xTitle, yTitle, xLog, yLog, color));
  const caption =
    options.caption ??
    `${yTitle} against ${xTitle}: ${options.series.map((s) => s.label ?? s.y).join("; ")}` +
      `${options.series.some((s) => s.ci) ? `; 95% CIs as ${(options.errors ?? "bars") === "band" ? "bands" : "error bars"}` : ""}` +
      `${options.reference ? `; ${options.reference.label ?? "published"} points` : ""}${droppedNote(dropped)}`;
  return { kind: "vega-lite", spec, caption };
}
