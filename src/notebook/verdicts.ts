/** The verdict table: each claim of a thread, who made it, and what the experiment decided. */
import type { ClaimVerdict } from "../experiments/claims";
import { formatTable } from "../cli/format";
import { displayBundle, type MimeBundle } from "./bundle";
import { escapeHtml } from "./html";

const COLORS: Record<string, string> = { holds: "#1a7f37", fails: "#cf222e", depends: "#9a6700" };

/** HTML (class "mmsim-verdicts") and text forms of the verdict table. */
export function verdictBundle(verdicts: ReadonlyArray<ClaimVerdict>): MimeBundle {
  const rows = verdicts.map((v) => {
    const color = COLORS[v.verdict] ?? "#57606a";
    const expected =
      v.expected && v.expected !== v.verdict ? ` <small>(expected: ${escapeHtml(v.expected)})</small>` : "";
    return (
      `<tr><td style="text-align:left"><b>${escapeHtml(v.id)}</b><br><small>${escapeHtml(v.statement)}</small></td>` +
      `<td style="text-align:left">${escapeHtml(v.who)}</td>` +
      `<td style="text-align:left"><b style="color:${color}">${escapeHtml(v.verdict)}</b>${expected}</td>` +
      `<td style="text-align:left">${escapeHtml(v.detail)}</td></tr>`
    );
  });
  const html =
    `<table class="mmsim-table mmsim-verdicts"><thead><tr><th style="text-align:left">claim</th><th style="text-align:left">who</th>` +
    `<th style="text-align:left">verdict</th><th style="text-align:left">detail</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
  const text = formatTable(
    verdicts.map((v) => ({ claim: v.id, who: v.who, verdict: v.verdict, detail: v.detail })),
    ["claim", "who", "verdict", "detail"],
  );
  return { "text/html": html, "text/plain": text };
}

/** Shows the verdict table of `evaluateClaims(...)`. */
export function verdicts(list: ReadonlyArray<ClaimVerdict>): void {
  if (list.length === 0) throw new RangeError("verdicts: no claims to show");
  displayBundle(verdictBundle(list));
}
