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

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";
export const SVG_MIME = "image/svg+xml";

export interface VegaLiteChart {
  kind: "vega-lite";
  spec: VegaLiteSpec;
  /** One line saying what the chart shows; the text/plain form and the report's figure caption. */
  caption: string;
}

/** A plotly figure as plotly.js takes it: `Plotly.newPlot(div, figure.data, figure.layout)`. */
export interface PlotlyFigure {
  data: Array<Record<string, unknown>>;
  layout: Record<string, unknown>;
}

export interface PlotlyChart {
  kind: "plotly";
  figure: PlotlyFigure;
  caption: string;
  /**
   * The same data as a Vega-Lite spec, rendered to SVG in the kernel as the static fallback: plotly itself has no
   * browser-free static renderer. Without it the fallback is the caption alone.
   */
  fallback?: VegaLiteSpec;
}

export type Chart = VegaLiteChart | PlotlyChart;

/** The chart's title, as the spec or figure states it. */
export function chartTitle(chart: Chart): string | undefined {
  const meta = (chart.kind === "vega-lite" ? chart.spec : chart.fallback)?.usermeta as
    { mmsim?: { title?: string | null } } | undefined;
  return meta?.mmsim?.title ?? undefined;
}

/**
 * Gives an SVG its alt text: `role="img"`, an aria-label and a <title> (what screen readers announce and browsers show
 * on hover), from the chart's title and caption.
 */
export function withAltText(svg: string, alt: string): string {
  const text = escapeHtml(alt);
  return svg.replace(/^<svg\b([^>]*)>/, `<svg$1 role="img" aria-label="${text}"><title>${text}</title>`);
}

/** The alt text of a chart: its title and caption. */
export function chartAltText(chart: Chart): string {
  const title = chartTitle(chart);
  return title ? `${title}. ${chart.caption}` : chart.caption;
}

/** The MIME bundle of a chart (SVG rendered now). */
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
 * Shows a chart as one notebook output. Await it (`await show(chart)`): the SVG is rendered asynchronously, and an
 * output sent after its cell has finished would land in the wrong place.
 */
export async function show(chart: Chart): Promise<void> {
  displayBundle(await chartBundle(chart));
}
