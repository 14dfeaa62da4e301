/**
 * Pieces the chart builders share: row sources, the options every chart takes, the spec frame (title, caption,
 * alt text, fonts), colors, published reference points, and the checks that name a missing column.
 *
 * Specs are written to mean the same on every vega-lite 5.x a front end ships (JupyterLab 4.6 bundles 5.6.1, the
 * project renders with 5.23): scales, ticks, paddings and stacking are stated explicitly rather than left to defaults
 * that moved between versions, and composite marks (errorbar, errorband) are avoided for plain rules, ticks and areas.
 */
import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from "../vega-render";
import { LEGEND_LABEL_FONT_SIZE, LEGEND_TITLE_FONT_SIZE } from "./legend";
import { wrapText } from "./text";

export type { AxisOptions } from "./scales";

/**
 * Rows as plain objects, one per observation ("long format"): a ResultSet (its `rows`), or any array of records.
 * @example rows: await mm.runExperiment(exp, {threads: [1, 2, 4], holdNs: [100, 400]})
 */
export type RowSource =
  ReadonlyArray<Record<string, unknown>> | { readonly rows: ReadonlyArray<Record<string, unknown>> };

/** The rows of a RowSource. */
export function rowsOf(source: RowSource): ReadonlyArray<Record<string, unknown>> {
  return Array.isArray(source) ? source : (source as { rows: ReadonlyArray<Record<string, unknown>> }).rows;
}

/** Options every chart takes. */
export interface ChartOptions {
  /**
   * Title above the chart (wrapped to the chart's width).
   * @example {title: "Mutex wait against thread count"}
   */
  title?: string;
  /**
   * Plot width in pixels (default 560; per panel in a faceted chart).
   * @example {width: 260}
   */
  width?: number;
  /**
   * Plot height in pixels (default 320; per panel in a faceted chart).
   * @example {height: 200}
   */
  height?: number;
  /**
   * What the chart shows, in a sentence: drawn under the title (so Lab, nbconvert and GitHub show it), the
   * text/plain form, the report's figure caption and, with the title, the image's alt text. A default is derived
   * from the data.
   * @example {caption: "p99 wait per lock kind; 95% CIs as bands"}
   */
  caption?: string;
}

export const DEFAULT_WIDTH = 560;
export const DEFAULT_HEIGHT = 320;
const TITLE_FONT_SIZE = 13;
const CAPTION_FONT_SIZE = 11;
const CAPTION_COLOR = "#57606a";
export const AXIS_LABEL_FONT_SIZE = 11;

/** Colors in order of first use (vega's tableau10); published points are drawn black. */
export const PALETTE = [
  "#4c78a8",
  "#f58518",
  "#e45756",
  "#72b7b2",
  "#54a24b",
  "#eeca3b",
  "#b279a2",
  "#ff9da6",
  "#9d755d",
  "#bab0ac",
];
export const REFERENCE_COLOR = "#222222";

/** Dash patterns for strokeDash encodings, in order; the first is solid. */
export const DASHES: number[][] = [
  [1, 0],
  [6, 4],
  [2, 2],
  [8, 3, 2, 3],
  [12, 4],
  [3, 5],
];
/** The dash of exact curves (closed forms). */
export const EXACT_DASH = [6, 4];

/** The alt text of a chart: its title and caption. */
export function altText(title: string | undefined, caption: string): string {
  return title ? `${title}. ${caption}` : caption;
}

/**
 * The frame of every spec: schema, title with the caption as its subtitle, alt text (description), fonts. `body`
 * holds the data, marks and encodings; `wrapWidth` is the width the title and caption wrap to.
 */
export function chartSpec(
  options: ChartOptions,
  caption: string,
  body: VegaLiteSpec,
  wrapWidth: number = options.width ?? DEFAULT_WIDTH,
): VegaLiteSpec {
  const width = Math.max(320, wrapWidth);
  const captionLines = wrapText(caption, width, CAPTION_FONT_SIZE);
  // Without a title the caption takes its place (vega draws no subtitle under an empty title).
  const title: Record<string, unknown> = options.title
    ? {
        text: wrapText(options.title, width, TITLE_FONT_SIZE),
        subtitle: captionLines,
        fontSize: TITLE_FONT_SIZE,
        subtitleFontSize: CAPTION_FONT_SIZE,
        subtitleColor: CAPTION_COLOR,
        subtitlePadding: 4,
      }
    : { text: captionLines, fontSize: CAPTION_FONT_SIZE, fontWeight: "normal", color: CAPTION_COLOR };
  Object.assign(title, { anchor: "start", offset: 8 });
  return {
    $schema: VEGA_LITE_SCHEMA,
    title,
    description: altText(options.title, caption),
    ...body,
    config: {
      font: "Helvetica, Arial, sans-serif",
      legend: {
        symbolOpacity: 1,
        labelFontSize: LEGEND_LABEL_FONT_SIZE,
        titleFontSize: LEGEND_TITLE_FONT_SIZE,
      },
      axis: { labelFontSize: AXIS_LABEL_FONT_SIZE, titleFontSize: AXIS_LABEL_FONT_SIZE },
      header: { labelFontSize: AXIS_LABEL_FONT_SIZE, titleFontSize: AXIS_LABEL_FONT_SIZE },
      view: { stroke: "#ddd" },
    },
    // Reports take the caption from here and show it as HTML under the live chart instead of as a subtitle.
    usermeta: { mmsim: { caption, title: options.title ?? null } },
  };
}

/**
 * Published numbers to overlay on simulated curves: drawn as black-edged diamonds in the same axes, in the legend under
 * `label`, each with a tooltip naming its source.
 * @example reference: {label: "published (LKML)", points: [{x: 8, y: 150, source: "<msg-id@example>"}]}
 */
export interface ReferencePoints {
  /**
   * The published numbers.
   * @example points: [{x: 32, y: 1661, source: "https://lore.kernel.org/...", note: "arm64, write lock"}]
   */
  points: ReadonlyArray<ReferencePoint>;
  /**
   * Legend entry (default "published").
   * @example label: "published arm64 (James)"
   */
  label?: string;
}

/**
 * One published number.
 * @example {x: 8, y: 150, source: "<msg-id@example>", note: "8 vCPUs"}
 */
export interface ReferencePoint {
  /** Its x, in the chart's x units. */
  x: number;
  /** Its y, in the chart's y units. */
  y: number;
  /** Where the number comes from: a message id, URL, or paper. */
  source: string;
  /** Conditions or remarks shown in the tooltip. */
  note?: string;
}

/** The mark of published points. */
export const REFERENCE_MARK = {
  type: "point",
  shape: "diamond",
  filled: true,
  size: 110,
  stroke: "black",
  strokeWidth: 0.8,
  opacity: 1,
} as const;

/** Throws naming the first of `names` that no row has, with the columns there are. */
export function requireColumns(
  builder: string,
  rows: ReadonlyArray<Record<string, unknown>>,
  names: ReadonlyArray<string | undefined>,
): void {
  if (rows.length === 0) return;
  const columns = new Set(rows.flatMap((r) => Object.keys(r)));
  for (const name of names) {
    if (name !== undefined && !columns.has(name))
      throw new RangeError(`${builder}: no column '${name}'; columns: ${[...columns].join(", ")}`);
  }
}

/** Distinct values of a column as display strings, numbers in numeric order, others in order of appearance. */
export function distinctLabels(values: ReadonlyArray<unknown>): string[] {
  const seen = [...new Set(values.filter((v) => v !== undefined && v !== null))];
  if (seen.length > 0 && seen.every((v) => typeof v === "number")) (seen as number[]).sort((a, b) => a - b);
  return [...new Set(seen.map(String))];
}

/** A color scale over `domain` (PALETTE in order), published points black. */
export function colorScale(domain: ReadonlyArray<string>, referenceLabel?: string): Record<string, unknown> {
  return {
    domain: [...domain],
    range: domain.map((d, i) => (d === referenceLabel ? REFERENCE_COLOR : PALETTE[i % PALETTE.length])),
  };
}
