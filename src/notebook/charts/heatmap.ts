/** Heatmap: a value over two parameters (e.g. a crossover between two policies), as colored cells with labels. */
import type { VegaLiteChart } from "../chart";
import type { VegaLiteSpec } from "../vega-render";
import {
  chartSpec,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  distinctLabels,
  requireColumns,
  rowsOf,
  type ChartOptions,
  type RowSource,
} from "./common";
import { formatNumber, unitOfLabel, withUnit } from "./format";
import { LEGEND_TITLE_FONT_SIZE } from "./legend";
import { axisTitle, estimateTextWidth } from "./text";

export interface HeatmapOptions extends ChartOptions {
  /**
   * Long-format rows: one per cell.
   * @example rows: cells
   */
  rows: RowSource;
  /**
   * Column for the x axis (ordered categories, numbers in numeric order).
   * @example x: "agingPerMinute"
   */
  x: string;
  /**
   * Column for the y axis (ordered categories, largest at the top).
   * @example y: "guestShare"
   */
  y: string;
  /**
   * Column giving each cell's color.
   * @example value: "refaultRatio"
   */
  value: string;
  /**
   * Title of the x axis (default: the column name).
   * @example xLabel: "proactive aging passes per minute"
   */
  xLabel?: string;
  /**
   * Title of the y axis (default: the column name).
   * @example yLabel: "guest share of memory"
   */
  yLabel?: string;
  /**
   * Legend title; put the unit in trailing parentheses, and tooltips show it.
   * @example valueLabel: "mean wait (ns)"
   */
  valueLabel?: string;
  /**
   * Logarithmic color scale (values must be positive; others are left blank).
   * @example logColor: true
   */
  logColor?: boolean;
  /**
   * A diverging scheme centered on this value (e.g. 0 for a difference, 1 for a ratio); the color domain always
   * includes it.
   * @example divergingAt: 1
   */
  divergingAt?: number;
  /**
   * Print each cell's value, dark on light cells and light on dark ones (default true).
   * @example labels: false
   */
  labels?: boolean;
}

/**
 * Builds a heatmap.
 * @example heatmapChart({rows: cells, x: "agingPerMinute", y: "guestShare", value: "refaultRatio", divergingAt: 1})
 */
export function heatmapChart(options: HeatmapOptions): VegaLiteChart {
  const source = rowsOf(options.rows);
  requireColumns("heatmapChart", source, [options.x, options.y, options.value]);
  const xTitle = options.xLabel ?? options.x;
  const yTitle = options.yLabel ?? options.y;
  const vTitle = options.valueLabel ?? options.value;
  const unit = unitOfLabel(options.valueLabel);
  const finite = source
    .map((r) => Number(r[options.value]))
    .filter((v) => Number.isFinite(v) && (!options.logColor || v > 0));
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  const mid = options.divergingAt;
  if (mid !== undefined) {
    // The midpoint must lie inside the domain (vega warns otherwise, and the scheme would not be centered on it).
    lo = Math.min(lo, mid);
    hi = Math.max(hi, mid);
  }
  if (lo === hi) hi = lo + (lo === 0 ? 1 : Math.abs(lo) * 0.01);
  const scale: Record<string, unknown> =
    mid !== undefined
      ? { scheme: "redblue", domain: [lo, hi], domainMid: mid, reverse: true }
      : { scheme: "viridis", domain: [lo, hi] };
  if (options.logColor) scale.type = "log";
  const position = (v: number) => {
    const f = options.logColor ? Math.log : (t: number) => t;
    if (mid !== undefined) {
      const below = v <= mid;
      const span = below ? f(mid) - f(lo) : f(hi) - f(mid);
      return span > 0 ? (f(v) - f(mid)) / span : 0; // -1 .. 1 around the midpoint
    }
    return (f(v) - f(lo)) / (f(hi) - f(lo) || 1); // 0 .. 1
  };
  const rows = source.map((r) => {
    const v = Number(r[options.value]);
    const t = Number.isFinite(v) ? position(v) : 0;
    // Dark text on light cells: the middle of a diverging scheme and the yellow end of viridis.
    const light = mid !== undefined ? Math.abs(t) < 0.45 : t > 0.62;
    return {
      x: String(r[options.x]),
      y: String(r[options.y]),
      v: Number.isFinite(v) ? v : null,
      text: Number.isFinite(v) ? formatNumber(v, 3) : "",
      tv: Number.isFinite(v) ? withUnit(formatNumber(v), unit) : "no value",
      ink: light ? "black" : "white",
    };
  });
  const xOrder = distinctLabels(source.map((r) => r[options.x]));
  const yOrder = distinctLabels(source.map((r) => r[options.y])).reverse();
  const width = options.width ?? DEFAULT_WIDTH;
  const height = options.height ?? DEFAULT_HEIGHT;
  const xEnc = { field: "x", type: "ordinal", title: axisTitle(xTitle, width), sort: xOrder, axis: { labelAngle: 0 } };
  const yEnc = { field: "y", type: "ordinal", title: axisTitle(yTitle, height), sort: yOrder };
  const layers: VegaLiteSpec[] = [
    {
      mark: { type: "rect" },
      encoding: {
        x: xEnc,
        y: yEnc,
        color: {
          field: "v",
          type: "quantitative",
          title: vTitle,
          scale,
          legend: { titleLimit: estimateTextWidth(vTitle, LEGEND_TITLE_FONT_SIZE) + 4 },
        },
        tooltip: [
          { field: "x", type: "nominal", title: xTitle },
          { field: "y", type: "nominal", title: yTitle },
          { field: "tv", type: "nominal", title: vTitle },
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
        text: { field: "text" },
        color: {
          field: "ink",
          type: "nominal",
          scale: { domain: ["black", "white"], range: ["black", "white"] },
          legend: null,
        },
      },
    });
  }
  const caption =
    options.caption ??
    `${vTitle} over ${xTitle} and ${yTitle}${mid !== undefined ? `; colors diverge at ${formatNumber(mid)}` : ""}`;
  const body = {
    data: { values: rows },
    width,
    height,
    layer: layers,
  };
  return { kind: "vega-lite", spec: chartSpec(options, caption, body), caption };
}
