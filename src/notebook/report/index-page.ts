/**
 * reports/index.html answers the question first: per notebook, the verdicts of its last good run (claim, who,
 * verdict), then its latest status, the run date, the seeds, and its parameters folded away.
 */
import { escapeHtml } from "../html";
import type { RunRecord } from "../ipynb";
import { describeSeeds, formatValue, timeHtml } from "./html-report";
import { documentStart } from "./style";
import { verdictSummaryHtml, type VerdictsPayload } from "./verdicts";

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
  /** The verdicts that run showed (application/vnd.mmsim.verdicts+json outputs), when it showed any. */
  verdicts?: VerdictsPayload[];
  /** The report's file name, when there is one. */
  report?: string;
}

function parametersHtml(parameters: Record<string, unknown>): string {
  const entries = Object.entries(parameters);
  if (entries.length === 0) return "";
  const list = entries.map(([k, v]) => `${escapeHtml(k)}=${escapeHtml(formatValue(v))}`).join("<br>");
  return `<details class="mmsim-params-list"><summary>${entries.length} parameter${entries.length === 1 ? "" : "s"}</summary><small>${list}</small></details>`;
}

export function indexHtml(statuses: ReadonlyArray<NotebookStatus>, version: string, generated: string): string {
  const rows = statuses
    .map((s) => {
      const g = s.lastGood;
      const link = s.report && g ? `<a href="${escapeHtml(s.report)}">${escapeHtml(s.title)}</a>` : escapeHtml(s.title);
      const status =
        s.status === "ok"
          ? `<span class="mmsim-status-ok">ok</span>`
          : `<span class="mmsim-status-failed">failed</span> <small>${s.date ? timeHtml(s.date) : ""}</small><pre class="mmsim-error">${escapeHtml(s.error ?? "")}</pre>` +
            (g
              ? `<small>showing the last good report, from ${timeHtml(g.date)}</small>`
              : "<small>no report yet</small>");
      return (
        `<tr data-notebook="${escapeHtml(s.file)}" data-status="${s.status}"><td>${link}<br><small>${escapeHtml(s.file)}</small></td>` +
        `<td class="mmsim-index-verdicts">${g ? verdictSummaryHtml(s.verdicts) : ""}</td>` +
        `<td>${status}</td>` +
        `<td>${g ? `${timeHtml(g.date)}<br><small>took ${g.durationS.toFixed(1)} s, mmsim ${escapeHtml(g.version)}</small>` : ""}</td>` +
        `<td>${g ? escapeHtml(describeSeeds(g.parameters) || "-") : ""}</td>` +
        `<td>${g ? parametersHtml(g.parameters) : ""}</td></tr>`
      );
    })
    .join("\n");
  const failed = statuses.filter((s) => s.status === "failed").length;
  return `${documentStart("mmsim reports", version)}
<header class="mmsim-header">
<h1>mmsim reports</h1>
<p>${statuses.length} notebook${statuses.length === 1 ? "" : "s"}, ${failed === 0 ? "all ran" : `<span class="mmsim-status-failed">${failed} failed</span>`}; mmsim ${escapeHtml(version)}; index written ${timeHtml(generated)}.</p>
</header>
<main>
<table class="mmsim-index">
<thead><tr><th>notebook</th><th>verdicts</th><th>status</th><th>run</th><th>seeds</th><th>parameters</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</main>
<footer>Rebuild with <code>npx mmsim report</code> (<code>--pdf</code> also writes reports/&lt;name&gt;.pdf); rerun one
notebook with other parameters with <code>npx mmsim run notebooks/&lt;name&gt;.ipynb -p name value --html out.html</code>.</footer>
</body>
</html>
`;
}
