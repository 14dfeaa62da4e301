/**
 * A chart is data plus a caption; `show` turns it into one output bundle that renders everywhere:
 *
 * - Vega-Lite charts: application/vnd.vegalite.v5+json (interactive in JupyterLab, Notebook 7 and VS Code), an SVG
 *   rendered in the kernel (what nbconvert, GitHub and headless runs show), and a one-line text/plain caption.
 * - Plotly charts: application/vnd.plotly.v1+json (JupyterLab through the plotly wheel's extension, VS Code), an SVG of
 *   an equivalent Vega-Lite sketch where the builder provides one, and the caption.
 *
 * No text/html goes into a chart bundle: JupyterLab ranks HTML above its Vega renderer, and untrusted HTML shows blank.
 */
import { displayBundle, type MimeBundle } from "./bundle";
import { escapeHtml } from "./html";
import { renderVegaLiteSvg, VEGA_LITE_MIME, type VegaLiteSpec } from "./vega-render";

/** The MIME type of plotly figures (JupyterLab's plotly extension, VS Code). */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";
/** The MIME type of the SVG rendered in the kernel (nbconvert, GitHub, headless runs). */
export const SVG_MIME = "image/svg+xml";

/**
 * A chart drawn by Vega-Lite: the spec (with the caption under its title and the alt text as its description) and
 * the caption. Built by sweepChart, cdfChart, heatmapChart or barChart; shown with `await show(chart)`.
 */
export interface VegaLiteChart {
  kind: "vega-lite";
  /** The Vega-Lite v5 spec, as JupyterLab, Notebook 7 and VS Code render it. */
  spec: VegaLiteSpec;
  /** One line saying what the chart shows; the text/plain form and the report's figure caption. */
  caption: string;
}

/** A plotly figure as plotly.js takes it: `Plotly.newPlot(div, figure.data, figure.layout)`. */
export interface PlotlyFigure {
  /** The traces. */
  data: Array<Record<string, unknown>>;
  /** The layout (title, axes, legend, size). */
  layout: Record<string, unknown>;
}

/** A chart drawn by plotly (timelines: zoom and pan matter on long traces), with a Vega-Lite static fallback. */
export interface PlotlyChart {
  kind: "plotly";
  /** The plotly figure. */
  figure: PlotlyFigure;
  /** One line saying what the chart shows. */
  caption: string;
  /**
   * The same data as a Vega-Lite spec, rendered to SVG in the kernel as the static fallback: plotly itself has no
   * browser-free static renderer. Without it the fallback is the caption alone.
   */
  fallback?: VegaLiteSpec;
}

export type Chart = VegaLiteChart | PlotlyChart;

/**
 * The chart's title, as the builder recorded it.
 * @example chartTitle(sweepChart({title: "Wait", rows, x: "threads", y: "meanWaitNs"})) // "Wait"
 */
export function chartTitle(chart: Chart): string | undefined {
  const meta = (chart.kind === "vega-lite" ? chart.spec : chart.fallback)?.usermeta as
    { mmsim?: { title?: string | null } } | undefined;
  return meta?.mmsim?.title ?? undefined;
}

/**
 * Gives an SVG its alt text: `role="img"`, an aria-label and a <title> (what screen readers announce and browsers show
 * on hover).
 * @example withAltText(svg, chartAltText(chart))
 */
export function withAltText(svg: string, alt: string): string {
  const text = escapeHtml(alt);
  return svg.replace(/^<svg\b([^>]*)>/, `<svg$1 role="img" aria-label="${text}"><title>${text}</title>`);
}

/**
 * The alt text of a chart: its title and caption.
 * @example chartAltText(chart) // "Mutex wait against thread count. wait (ns) against threads: ..."
 */
export function chartAltText(chart: Chart): string {
  const title = chartTitle(chart);
  return title ? `${title}. ${chart.caption}` : chart.caption;
}

/**
 * The MIME bundle of a chart: its spec or figure, the SVG rendered now (with alt text), and the caption.
 * @example const bundle = await chartBundle(sweepChart({rows, x: "threads", y: "meanWaitNs"}))
 */
export async function chartBundle(chart: Chart): Promise<MimeBundle> {
  const alt = chartAltText(chart);
  if (chart.kind === "vega-lite") {
    const { svg } = await renderVegaLiteSvg(chart.spec);
    return { [VEGA_LITE_MIME]: chart.spec, [SVG_MIME]: withAltText(svg, alt), "text/plain": chart.caption };
  }
  const bundle: MimeBundle = { [PLOTLY_MIME]: chart.figure };
  if (chart.fallback) bundle[SVG_MIME] = withAltText((await renderVegaLiteSvg(chart.fallback)).svg, alt);
  bundle["text/plain"] = chart.caption;
  return bundle;
}

/**
 * Shows a chart as one notebook output. Await it: the SVG is rendered asynchronously, and an output sent after its
 * cell has finished would land in the wrong place.
 * @example await show(sweepChart({rows: sweep, x: "threads", y: "meanWaitNs", color: "holdNs"}))
 */
export async function show(chart: Chart): Promise<void> {
  displayBundle(await chartBundle(chart));
}
