/** Grouped bar chart: a value per category, side by side per group, with optional 95% CI error bars. */
import type { VegaLiteChart } from "../chart";
import { baseSpec, NUMBER_FORMAT, rowsOf, type ChartOptions, type RowSource } from "./common";

export interface BarChartOptions extends ChartOptions {
  rows: RowSource;
  /** Column naming each bar's category (x axis). */
  category: string;
  /** Column with the bar height. */
  value: string;
  /** Column splitting each category into side-by-side bars, one color per value. */
  group?: string;
  /** Column with the 95% CI half-width of `value`. */
  ci?: string;
  categoryLabel?: string;
  /** Label of the value axis; put the unit in it. */
  valueLabel?: string;
  groupLabel?: string;
  /** Logarithmic value axis. */
  log?: boolean;
}

export function barChart(options: BarChartOptions): VegaLiteChart {
  const cTitle = options.categoryLabel ?? options.category;
  const vTitle = options.valueLabel ?? options.value;
  const gTitle = options.groupLabel ?? options.group ?? "";
  const values = rowsOf(options.rows).map((r) => {
    const v = Number(r[options.value]);
    const ci = options.ci ? Number(r[options.ci]) : NaN;
    const row: Record<string, unknown> = {
      c: String(r[options.category]),
      v,
      g: options.group ? String(r[options.group]) : "",
    };
    if (Number.isFinite(ci)) Object.assign(row, { lo: v - ci, hi: v + ci, ci });
    return row;
  });
  const x = { field: "c", type: "nominal", title: cTitle, sort: null, axis: { labelAngle: 0 } };
  const xOffset = options.group ? { xOffset: { field: "g", type: "nominal", sort: null } } : {};
  const yScale = options.log ? { type: "log" } : { zero: true };
  const layers: Array<Record<string, unknown>> = [
    {
      mark: { type: "bar" },
      encoding: {
        x,
        ...xOffset,
        y: { field: "v", type: "quantitative", title: vTitle, scale: yScale },
        ...(options.group ? { color: { field: "g", type: "nominal", title: gTitle, sort: null } } : {}),
        tooltip: [
          { field: "c", type: "nominal", title: cTitle },
          ...(options.group ? [{ field: "g", type: "nominal", title: gTitle }] : []),
          { field: "v", type: "quantitative", title: vTitle, format: NUMBER_FORMAT },
          ...(options.ci ? [{ field: "ci", type: "quantitative", title: "± 95% CI", format: NUMBER_FORMAT }] : []),
        ],
      },
    },
  ];
  if (options.ci) {
    layers.push({
      transform: [{ filter: "isValid(datum.lo)" }],
      mark: { type: "errorbar", ticks: true },
      encoding: {
        x,
        ...xOffset,
        y: { field: "lo", type: "quantitative", title: vTitle, scale: yScale },
        y2: { field: "hi" },
      },
    });
  }
  const caption =
    options.caption ??
    `${vTitle} per ${cTitle}${options.group ? ` and ${gTitle}` : ""}${options.ci ? ", with 95% CI error bars" : ""}`;
  return { kind: "vega-lite", spec: { ...baseSpec(options), data: { values }, layer: layers }, caption };
}
