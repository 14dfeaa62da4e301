/** The reports' stylesheet and document head (inline: reports are single files). */
import { escapeHtml } from "../html";

export const REPORT_CSS = `
body { font: 15px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; max-width: 980px; margin: 0 auto; padding: 0 20px 40px; }
header.mmsim-header { border-bottom: 1px solid #d0d7de; margin-bottom: 16px; padding: 12px 0; }
.mmsim-crumb { color: #57606a; margin: 0 0 6px; font-size: 13px; }
dl.mmsim-run { display: grid; grid-template-columns: max-content auto; gap: 2px 12px; margin: 0 0 8px; font-size: 13px; }
dl.mmsim-run dt { color: #57606a; }
dl.mmsim-run dd { margin: 0; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; vertical-align: top; }
thead th { background: #f6f8fa; }
table.mmsim-params caption { text-align: left; color: #57606a; font-size: 13px; }
table.mmsim-params th { text-align: left; font-weight: 600; background: #f6f8fa; }
tr.mmsim-overridden td { background: #fff8c5; }
pre { background: #f6f8fa; padding: 8px 10px; overflow-x: auto; font-size: 12.5px; border-radius: 4px; }
pre.mmsim-stderr { background: #fff5f5; }
pre.mmsim-error { background: #ffebe9; color: #82071e; }
details.mmsim-code summary { cursor: pointer; color: #57606a; font-size: 12.5px; }
details.mmsim-code pre { margin-top: 4px; }
.mmsim-outputs { margin: 6px 0 14px; }
figure.mmsim-chart { margin: 10px 0; }
figure.mmsim-chart figcaption { color: #57606a; font-size: 13px; }
figure.mmsim-chart .mmsim-fignum { font-weight: 600; color: #1f2328; }
figure.mmsim-chart img.mmsim-fallback { max-width: 100%; height: auto; }
figure.mmsim-chart .mmsim-live svg { max-width: 100%; height: auto; }
figure.mmsim-rendered .mmsim-fallback { display: none; }
.mmsim-status-ok { color: #1a7f37; font-weight: 600; }
.mmsim-status-failed { color: #cf222e; font-weight: 600; }
.mmsim-verdict { font-weight: 600; }
.mmsim-verdict-holds { color: #1a7f37; }
.mmsim-verdict-fails { color: #cf222e; }
.mmsim-verdict-depends { color: #9a6700; }
.mmsim-verdict-undecided, .mmsim-verdict-other { color: #57606a; }
.mmsim-no-verdicts { color: #57606a; font-style: italic; margin: 0; white-space: nowrap; }
table.mmsim-index { width: 100%; }
body:has(table.mmsim-index) { max-width: 1240px; }
table.mmsim-index time { white-space: nowrap; }
td.mmsim-index-verdicts { min-width: 16em; }
table.mmsim-verdict-summary { margin: 0; }
table.mmsim-verdict-summary td, table.mmsim-verdict-summary th { padding: 1px 6px; font-size: 12.5px; }
.mmsim-report-verdicts h2 { font-size: 15px; margin: 8px 0 4px; }
.mmsim-copyable { margin: 6px 0; }
.mmsim-copy-bar { display: flex; justify-content: space-between; align-items: center; font-size: 12px; color: #57606a; }
button.mmsim-copy { font-size: 12px; padding: 1px 8px; cursor: pointer; }
pre.mmsim-verdicts-text { margin-top: 2px; white-space: pre; }
details.mmsim-params-list summary { cursor: pointer; color: #57606a; font-size: 12.5px; }
footer { margin-top: 32px; color: #57606a; font-size: 12.5px; border-top: 1px solid #d0d7de; padding-top: 8px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  /* Charts fit the page width; a figure, a table or a verdict block is never split across pages. */
  figure.mmsim-chart, table, .mmsim-copyable, .mmsim-verdicts-output, pre { break-inside: avoid; page-break-inside: avoid; }
  figure.mmsim-chart img, figure.mmsim-chart .mmsim-live svg { max-width: 100% !important; height: auto !important; }
  figure.mmsim-plotly .mmsim-live { zoom: var(--mmsim-print-zoom, 1); }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  .mmsim-html table { width: 100%; max-width: 100%; }
  th, td { overflow-wrap: break-word; }
  pre { white-space: pre-wrap; overflow: visible; }
  pre.mmsim-verdicts-text { white-space: pre; font-size: 8.5pt; }
  details.mmsim-code:not([open]), .vega-embed > details, .vega-actions, .modebar, button.mmsim-copy { display: none !important; }
  a { color: inherit; text-decoration: none; }
}
`;

/** Everything up to and including <body>, shared by the reports and the index. */
export function documentStart(title: string, version: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="mmsim ${escapeHtml(version)}">
<title>${escapeHtml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>`;
}
