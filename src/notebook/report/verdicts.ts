/**
 * The verdicts an executed notebook shows, read back from its outputs for the reports: the verdicts display bundle
 * carries `application/vnd.mmsim.verdicts+json`, the same object `mmsim claims <id> --format json` prints (the shared
 * contract in issues/PARALLEL.md), beside its HTML table and its text/plain (72-column) form.
 */
import { escapeHtml } from "../html";
import type { Notebook } from "../ipynb";

/** The MIME type of the verdicts payload. */
export const VERDICTS_MIME = "application/vnd.mmsim.verdicts+json";

/** One claim as decided. */
export interface ClaimSummary {
  id: string;
  who: string;
  statement?: string;
  /** "holds", "fails", "undecided", "depends", ... */
  verdict: string;
  [key: string]: unknown;
}

/** One verdicts payload: the claims of one experiment as one run decided them. */
export interface VerdictsPayload {
  /** The experiment id, or the ids when the payload spans several experiments. */
  experiment: string | string[];
  version?: string;
  commit?: string;
  seeds?: unknown;
  claims: ClaimSummary[];
}

function isPayload(v: unknown): v is VerdictsPayload {
  const p = v as VerdictsPayload;
  return typeof v === "object" && v !== null && Array.isArray(p.claims);
}

/** Every verdicts payload among the notebook's outputs, in order. */
export function notebookVerdicts(nb: Notebook): VerdictsPayload[] {
  const out: VerdictsPayload[] = [];
  for (const c of nb.cells) {
    for (const o of c.outputs ?? []) {
      const payload = o.data?.[VERDICTS_MIME];
      if (isPayload(payload)) out.push(payload);
    }
  }
  return out;
}

/** The CSS class of a verdict word (colors in style.ts). */
export function verdictClass(verdict: string): string {
  return `mmsim-verdict mmsim-verdict-${/^[a-z-]+$/.test(verdict) ? verdict : "other"}`;
}

/** A compact table of claims (claim, who, verdict) for the index; "no verdicts" when there are none. */
export function verdictSummaryHtml(payloads: ReadonlyArray<VerdictsPayload> | undefined): string {
  const claims = (payloads ?? []).flatMap((p) => p.claims);
  if (claims.length === 0) return `<p class="mmsim-no-verdicts">no verdicts</p>`;
  const rows = claims
    .map(
      (c) =>
        `<tr><td title="${escapeHtml(c.statement ?? "")}">${escapeHtml(c.id)}</td><td>${escapeHtml(c.who)}</td>` +
        `<td><span class="${verdictClass(c.verdict)}">${escapeHtml(c.verdict)}</span></td></tr>`,
    )
    .join("");
  return `<table class="mmsim-verdict-summary"><thead><tr><th>claim</th><th>who</th><th>verdict</th></tr></thead><tbody>${rows}</tbody></table>`;
}
