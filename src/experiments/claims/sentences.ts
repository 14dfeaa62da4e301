/** Findings in words: the one-paragraph detail of a verdict, and the indented lines of the text report. */
import type { Crossover, Finding } from "./checks";
import { meanCi, num } from "./numbers";

/** "between cpus=8 (fails) and cpus=12 (holds), about 10.3". */
export function crossoverText(c: Crossover): string {
  return (
    `${c.case ? `${c.case}: ` : ""}${c.from} at ${c.axis}=${num(c.after)}, ${c.to} from ${c.axis}=${num(c.before)}` +
    (c.estimate === undefined ? "" : ` (crosses near ${num(c.estimate)})`)
  );
}

/** The numbers of one comparison: "7.31 ± 0.41, 5 seeds". */
export function numbersText(f: Finding): string {
  const m = f.measure;
  if (!m) return "";
  const seeds = m.n === m.seeds ? `${m.seeds} seeds` : `${m.n} of ${m.seeds} seeds`;
  if (f.kind === "never" || f.kind === "always") return `mean ${num(m.mean)} over ${seeds}`;
  return `${meanCi(m)}, ${seeds}`;
}

/** Which cases of a claim over cases held, failed or stayed undecided: "holds in 6 of 9, fails in 3 (cpus=2, ...)". */
export function casesSummary(f: Finding): string {
  const parts = f.parts ?? [];
  const out: string[] = [];
  for (const v of ["holds", "fails", "depends", "undecided"]) {
    const cases = parts.filter((p) => p.verdict === v).map((p) => p.case ?? "?");
    if (cases.length === 0) continue;
    out.push(
      `${v} in ${cases.length === parts.length ? "all" : cases.length} of ${parts.length}${cases.length <= 3 && cases.length < parts.length ? ` (${cases.join("; ")})` : ""}`,
    );
  }
  return out.join(", ");
}

/**
 * A finding as one paragraph: each comparison with its numbers and verdict; cases summarised, with crossovers.
 *
 * @example
 * findingSentence(atLeast(m, 2)); // "lockWaitMeanNs, ... >= 2: 3.1 ± 0.2, 5 seeds: holds"
 */
export function findingSentence(f: Finding): string {
  switch (f.kind) {
    case "compare":
    case "range":
    case "never":
    case "always":
      return `${f.test}: ${numbersText(f)}${f.note ? ` (${f.note})` : ""}: ${f.verdict}`;
    case "all":
    case "any":
      return (f.parts ?? []).map(findingSentence).join(f.kind === "all" ? "; " : "; or ");
    case "cases":
    case "crossover": {
      const head = `${f.test}${f.quantifier === "some" ? " (some case)" : ""}: ${casesSummary(f)}`;
      const cross = (f.crossovers ?? []).map(crossoverText);
      const each = (f.parts ?? []).map((p) => `[${p.case}] ${findingSentence(p)}`).join("; ");
      return `${head}${cross.length ? `; ${cross.join("; ")}` : ""}. ${each}`;
    }
    case "free-form":
      return `${f.test}: ${f.verdict}${(f.parts ?? []).length ? ` (${f.parts!.map((p) => `${p.test}: ${numbersText(p)}`).join("; ")})` : ""}`;
  }
}
