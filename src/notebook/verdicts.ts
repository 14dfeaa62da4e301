/**
 * The verdict table: each claim of a thread, who made it, what the experiment decided and the numbers that decided
 * it. One output carries three forms: text/html (the table, and the plain text in a collapsed, copyable block),
 * text/plain (the 72-column text of `mmsim claims <id> --format text`, for a mailing-list reply) and
 * application/vnd.mmsim.verdicts+json (the object `mmsim claims <id> --format json` prints, which the report index
 * reads).
 */
import {
  claimsReport,
  claimsText,
  groupNumbers,
  reportNumberText,
  VERDICTS_MIME,
  type ClaimVerdict,
  type ReportNumber,
} from "../experiments/claims";
import { crossoverText } from "../experiments/claims/sentences";
import { displayBundle, type MimeBundle } from "./bundle";
import { escapeHtml } from "./html";

export { VERDICTS_MIME };

const COLORS: Record<string, string> = {
  holds: "#1a7f37",
  fails: "#cf222e",
  depends: "#9a6700",
  undecided: "#57606a",
};

const left = ' style="text-align:left;vertical-align:top"';

/**
 * The verdicts as one display bundle: HTML table (class "mmsim-verdicts"), 72-column text, and the JSON report.
 *
 * @example
 * const bundle = verdictBundle(await evaluateClaims(exp, { seeds: 5 }));
 * bundle["application/vnd.mmsim.verdicts+json"].claims[0].verdict; // "holds"
 */
export function verdictBundle(list: ReadonlyArray<ClaimVerdict>): MimeBundle {
  const report = claimsReport(list);
  const text = claimsText(list);
  const rows = report.claims.map((c) => {
    const color = COLORS[c.verdict] ?? "#57606a";
    const recorded =
      c.expected && c.expected !== c.verdict ? ` <small>(recorded: ${escapeHtml(c.expected)})</small>` : "";
    const rule = c.rule === "one-rule" ? "" : `<br><small>rule: ${escapeHtml(c.rule)}</small>`;
    const item = (n: ReportNumber, label: string) =>
      `${label}<b>${escapeHtml(reportNumberText(n).replace(/ \(.*$/, ""))}</b> ` +
      `<small>${escapeHtml(reportNumberText(n).replace(/^[^(]*/, ""))}</small> ` +
      `<span style="color:${COLORS[n.verdict]}">${n.verdict}</span>`;
    const numbers =
      c.numbers.length > 0
        ? '<ul style="margin:0;padding-left:1.2em">' +
          groupNumbers(c.numbers)
            .map((g) =>
              g.numbers.length === 1
                ? `<li>${item(g.numbers[0], `${g.numbers[0].case ? `<i>${escapeHtml(g.numbers[0].case)}</i>: ` : ""}${escapeHtml(g.test)}: `)}</li>`
                : `<li>${escapeHtml(g.test)}:<ul style="margin:0;padding-left:1.2em">` +
                  g.numbers.map((n) => `<li>${item(n, `<i>${escapeHtml(n.case ?? "")}</i>: `)}</li>`).join("") +
                  "</ul></li>",
            )
            .concat(c.crossovers.map((x) => `<li>crossover: ${escapeHtml(crossoverText(x))}</li>`))
            .join("") +
          "</ul>"
        : escapeHtml(c.detail);
    const note = c.note ? `<br><small>${escapeHtml(c.note)}</small>` : "";
    return (
      `<tr><td${left}><b>${escapeHtml(c.id)}</b><br><small>${escapeHtml(c.statement)}</small></td>` +
      `<td${left}>${escapeHtml(c.who)}</td>` +
      `<td${left}><b style="color:${color}">${escapeHtml(c.verdict)}</b>${recorded}${rule}</td>` +
      `<td${left}>${numbers}${note}</td></tr>`
    );
  });
  const html =
    `<table class="mmsim-table mmsim-verdicts"><thead><tr><th${left}>claim</th><th${left}>who</th>` +
    `<th${left}>verdict</th><th style="text-align:left;vertical-align:top;min-width:22em">deciding numbers (mean ± 95% CI)</th></tr></thead><tbody>${rows.join("")}</tbody></table>` +
    `<details class="mmsim-verdicts-text"><summary>As plain text (72 columns, for a mailing-list reply)</summary>` +
    `<pre>${escapeHtml(text)}</pre></details>`;
  return { "text/html": html, "text/plain": text, [VERDICTS_MIME]: report };
}

/**
 * Shows the verdicts of `evaluateClaims(...)` (of one experiment, or several concatenated) as one output.
 *
 * @example
 * verdicts(await evaluateClaims(exp, { seeds: params.seeds, seedBase: params.seedBase, onProgress: progress("claims") }));
 */
export function verdicts(list: ReadonlyArray<ClaimVerdict>): void {
  if (list.length === 0) throw new RangeError("verdicts: no claims to show");
  displayBundle(verdictBundle(list));
}
