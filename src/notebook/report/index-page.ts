/** reports/index.html: every notebook with its latest status and its last good report's parameters, seeds, date and version. */
import { escapeHtml } from "../html";
import type { RunRecord } from "../ipynb";
import { describeSeeds, formatValue } from "./html-report";
import { documentStart } from "./style";

/** What reports/<name>.status.json holds about a notebook's latest run. */
export interface NotebookStatus {
  /** The notebook's file name. */
  file: string;
  title: string;
  status: "ok" | "failed";
  /** ISO date of the latest run. */
  date: string;
  /** Why the latest run failed. */
  error?: string;
  /** The run behind the report in reports/ (the latest successful one). */
  lastGood?: RunRecord;
  /** The report's file name, when there is one. */
  report?: string;
}

export function indexHtml(statuses: ReadonlyArray<NotebookStatus>, version: string, generated: string): string {
  const rows = statuses
    .map((s) => {
      const g = s.lastGood;
      const link = s.report && g ? `<a href="${escapeHtml(s.report)}">${escapeHtml(s.title)}</a>` : escapeHtml(s.title);
      const params = g
        ? Object.entries(g.parameters)
            .map(([k, v]) => `${escapeHtml(k)}=${escapeHtml(formatValue(v))}`)
            .join("<br>")
        : "";
      const status =
        s.status === "ok"
          ? `<span class="mmsim-status-ok">ok</span>`
          : `<span class="mmsim-status-failed">failed</span> <small>${escapeHtml(s.date)}</small><pre class="mmsim-error">${escapeHtml(s.error ?? "")}</pre>` +
            (g
              ? `<small>showing the last good report, from ${escapeHtml(g.date)}</small>`
              : "<small>no report yet</small>");
      return (
        `<tr data-notebook="${escapeHtml(s.file)}" data-status="${s.status}"><td>${link}<br><small>${escapeHtml(s.file)}</small></td><td>${status}</td>` +
        `<td><small>${params}</small></td><td>${g ? escapeHtml(describeSeeds(g.parameters) || "-") : ""}</td>` +
        `<td>${g ? escapeHtml(g.date) : ""}</td><td>${g ? escapeHtml(g.version) : ""}</td><td>${g ? `${g.durationS.toFixed(1)} s` : ""}</td></tr>`
      );
    })
    .join("\n");
  const failed = statuses.filter((s) => s.status === "failed").length;
  return `${documentStart("mmsim reports", version)}
<header class="mmsim-header">
<h1>mmsim reports</h1>
<p>${statuses.length} notebook${statuses.length === 1 ? "" : "s"}, ${failed === 0 ? "all ran" : `<span class="mmsim-status-failed">${failed} failed</span>`}; mmsim ${escapeHtml(version)}; index written ${escapeHtml(generated)}.</p>
</header>
<main>
<table class="mmsim-index">
<thead><tr><th>notebook</th><th>status</th><th>parameters</th><th>seeds</th><th>run date</th><th>mmsim</th><th>took</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</main>
<footer>Rebuild with <code>npx mmsim report</code>; rerun one notebook with other parameters with
<code>npx mmsim run notebooks/&lt;name&gt;.ipynb -p name value --html out.html</code>.</footer>
</body>
</html>
`;
}
