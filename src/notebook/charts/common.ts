/** Pieces the chart builders share: row sources, axis titles, scales, the reference-point layer. */
import { VEGA_LITE_SCHEMA, type VegaLiteSpec } from "../vega-render";

/** Rows as plain objects: a ResultSet (its `rows`), or any array of records. */
export type RowSource =
  ReadonlyArray<Record<string, unknown>> | { readonly rows: ReadonlyArray<Record<string, unknown>> };

export function rowsOf(source: RowSource): ReadonlyArray<Record<string, unknown>> {
  return Array.isArray(source) ? source : (source as { rows: ReadonlyArray<Record<string, unknown>> }).rows;
}

/** Options every chart takes. */
export interface ChartOptions {
  /** Title above the chart. */
  title?: string;
  /** Plot width in pixels (default 560). */
  width?: number;
  /** Plot height in pixels (default 320). */
  height?: number;
  /** The one-line caption (text/plain and the report's figure caption); a default is derived from the data. */
  caption?: string;
}

/** An axis: which field it shows and how to label it. */
export interface AxisOptions {
  /** Axis title; the field name when omitted. Put the unit in it: "mean wait (ns)". */
  label?: string;
  /** Logarithmic scale. Points at or below zero cannot be drawn on it and are dropped (the caption says so). */
  log?: boolean;
}

/**
 * Published numbers to overlay on simulated curves: drawn as black-edged diamonds in the same axes, in the legend under
 * `label`, each with a tooltip naming its source.
 */
export interface ReferencePoints {
  points: ReadonlyArray<ReferencePoint>;
  /** Legend entry (default "published"). */
  label?: string;
}

export interface ReferencePoint {
  x: number;
  y: number;
  /** Where the number comes from: a message id, URL, or paper. */
  source: string;
  /** Conditions or remarks shown in the tooltip. */
  note?: string;
}

export function baseSpec(options: ChartOptions): VegaLiteSpec {
  const spec: VegaLiteSpec = { $schema: VEGA_LITE_SCHEMA };
  if (options.title) spec.title = options.title;
  spec.width = options.width ?? 560;
  spec.height = options.height ?? 320;
  spec.config = {
    font: "Helvetica, Arial, sans-serif",
    legend: { orient: "right", symbolOpacity: 1 },
    view: { stroke: "#ddd" },
  };
  return spec;
}

/** Field name shared by series in a chart's color legend. */
export const SERIES_FIELD = "series";

/**
 * The color encoding of series: legend in the order the series were given (published points last), the same
 * explicit domain in every layer so that the layers share one legend.
 */
export function seriesColor(names: ReadonlyArray<string>, ref: ReferencePoints | undefined): Record<string, unknown> {
  const domain = [...new Set(names)];
  if (ref) domain.push(ref.label ?? "published");
  return { field: SERIES_FIELD, type: "nominal", title: null, scale: { domain } };
}

/** A log scale ends at the data (a "nice" one would run on to the next power of ten). */
export const LOG_SCALE = { type: "log", nice: false } as const;

export function referenceLayer(
  ref: ReferencePoints,
  xTitle: string,
  yTitle: string,
  xLog: boolean,
  yLog: boolean,
  color: Record<string, unknown>,
): VegaLiteSpec {
  const label = ref.label ?? "published";
  const values = ref.points
    .filter((p) => (!xLog || p.x > 0) && (!yLog || p.y > 0))
    .map((p) => ({ x: p.x, y: p.y, [SERIES_FIELD]: label, source: p.source, note: p.note ?? "" }));
  return {
    data: { values },
    mark: { type: "point", shape: "diamond", filled: true, size: 110, stroke: "black", strokeWidth: 0.8, opacity: 1 },
    encoding: {
      x: { field: "x", type: "quantitative", title: xTitle },
      y: { field: "y", type: "quantitative", title: yTitle },
      color,
      tooltip: [
        { field: "source", type: "nominal", title: "source" },
        { field: "x", type: "quantitative", title: xTitle },
        { field: "y", type: "quantitative", title: yTitle },
        { field: "note", type: "nominal", title: "note" },
      ],
    },
  };
}

/** "3 points at or below zero not drawn on the log axis" when some were dropped. */
export function droppedNote(dropped: number): string {
  return dropped > 0 ? ` (${dropped} point${dropped === 1 ? "" : "s"} at or below zero not drawn on the log axis)` : "";
}

/** Tooltip formats: three significant digits keep the numbers readable. */
export const NUMBER_FORMAT = ".4~g";
