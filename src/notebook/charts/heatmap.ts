/** Heatmap: a value over two parameters (e.g. a crossover between two policies), as colored cells with labels. */
import type { VegaLiteChart } from "../chart";
import { baseSpec, NUMBER_FORMAT, rowsOf, type ChartOptions, type RowSource } from "./common";

export interface HeatmapOptions extends ChartOptions {
  rows: RowSource;
  /** Column for the x axis (treated as ordered categories). */
  x: string;
  /** Column for the y axis (ordered categories, largest at the top). */
  y: string;
  /** Column giving each cell's color. */
  value: string;
  xLabel?: string;
  yLabel?: string;
  /** Legend title; put the unit in it. */
  valueLabel?: string;
  /** Logarithmic color scale (values must be positive). */
  logColor?: boolean;
  /** A diverging scheme centered on this value (e.g. 0 for a difference, 1 for a ratio). */
  divergingAt?: number;
  /** Print each cell's value (default true). */
  labels?: boolean;
}

export function heatmapChart(options: HeatmapOptions): VegaLiteChart {
  const rows = rowsOf(options.rows).map((r) => ({ x: r[options.x], y: r[options.y], v: r[options.value] }));
  const xTitle = options.xLabel ?? options.x;
  const yTitle = options.yLabel ?? options.y;
  const vTitle = options.valueLabel ?? options.value;
  const scale: Record<string, unknown> =
    options.divergingAt !== undefined
      ? { scheme: "redblue", domainMid: options.divergingAt, reverse: true }
      : { scheme: "viridis" };
  if (options.logColor) scale.type = "log";
  const xEnc = { field: "x", type: "ordinal", title: xTitle, sort: "ascending" };
  const yEnc = { field: "y", type: "ordinal", title: yTitle, sort: "descending" };
  const layers: Array<Record<string, unknown>> = [
    {
      mark: { type: "rect" },
      encoding: {
        x: xEnc,
        y: yEnc,
        color: { field: "v", type: "quantitative", title: vTitle, scale },
        tooltip: [
          { field: "x", type: "ordinal", title: xTitle },
          { field: "y", type: "ordinal", title: yTitle },
          { field: "v", type: "quantitative", title: vTitle, format: NUMBER_FORMAT },
        ],
      },
    },
  ];
  if (options.labels ?? true) {
    layers.push({
      mark: { type: "text", fontSize: 10 },
      encoding: {
        x: xEnc,
        y: yEnc,
        text: { field: "v", type: "quantitative", format: ",.3~r" },
        color: { value: "white" },
      },
    });
  }
  const caption = options.caption ?? `${vTitle} over ${xTitle} and ${yTitle}`;
  return { kind: "vega-lite", spec: { ...baseSpec(options), data: { values: rows }, layer: layers }, caption };
}
