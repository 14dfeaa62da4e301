/**
 * mmsim's notebook toolkit, as notebooks import it: `import { show, sweepChart, table } from "mmsim/notebook"`.
 *
 * Display: `show(chart)` (await it), `table(rows)`, `markdown(text)`, `verdicts(list)`, `progress(label)`.
 * Charts (pure data, shown with `show`), from long-format rows with encodings by column: sweepChart (x, y, color,
 * strokeDash, facet; CIs from `<y>Ci95`, as error bars or bands), cdfChart, heatmapChart, barChart, timelineChart
 * (plotly Gantt of Trace.intervals(), overlapping intervals in sub-lanes); sweep and CDF charts overlay published
 * points.
 * Running notebooks: runNotebook (papermill-style parameters) and reportAll (every notebook to reports/).
 *
 * Chart libraries (vega, vega-lite) are loaded on first render, never by the CLI or worker threads.
 */
export {
  displayBundle,
  inKernel,
  newDisplayId,
  type MimeBundle,
  type BundleOptions,
  type DisplayWriter,
} from "./bundle";
export {
  show,
  chartBundle,
  chartAltText,
  chartTitle,
  PLOTLY_MIME,
  SVG_MIME,
  type Chart,
  type VegaLiteChart,
  type PlotlyChart,
  type PlotlyFigure,
} from "./chart";
export { renderVegaLiteSvg, VEGA_LITE_MIME, type VegaLiteSpec, type RenderedSvg } from "./vega-render";
export type { ChartOptions, AxisOptions, ReferencePoints, ReferencePoint, RowSource } from "./charts/common";
export { cdfChart, type CdfChartOptions, type CdfSeries, type CdfPoint } from "./charts/cdf";
export {
  sweepChart,
  MEASURE,
  type SweepChartOptions,
  type SweepSeries,
  type Measure,
  type ChannelColumn,
} from "./charts/sweep";
export { heatmapChart, type HeatmapOptions } from "./charts/heatmap";
export { barChart, type BarChartOptions } from "./charts/bars";
export { timelineChart, type TimelineOptions, type TimelineInterval } from "./charts/timeline";
export {
  table,
  tableHtml,
  tableText,
  tableBundle,
  type TableSource,
  type TableOptions,
  type DataFrameLike,
} from "./table";
export { markdown } from "./markdown";
export { verdicts, verdictBundle } from "./verdicts";
export { progress, type Progress, type ProgressOptions } from "./progress";
export { experimentInput } from "./experiment-input";
export { checkParameters } from "./overrides";
// What runs notebooks and writes reports is host-side: `mmsim/host` (src/notebook/host.ts), never loaded by a cell.
