/**
 * The one rule every claim is decided by, and how decisions combine.
 *
 * A claim compares a measured quantity with a threshold. The quantity is known only up to its 95% confidence
 * interval over seeds (Student's t, src/sim/stats/replication.ts), so:
 *   - it **holds** when the whole interval lies on the claimed side of the threshold,
 *   - it **fails** when the whole interval lies on the other side,
 *   - it is **undecided** otherwise (more seeds, or longer runs, would decide it), and
 *   - a claim over several named cases **depends** when it holds in some and fails in others.
 * Counts of violations (stale translations, a writer over its bound) are the exception, decided by counterexample:
 * one replication that shows one is enough (`never`, `always`).
 */

/** What a claim, or one part of it, was decided to be. */
export type Verdict = "holds" | "fails" | "depends" | "undecided";

/** Every verdict, in the order tables list them. */
export const VERDICTS: readonly Verdict[] = ["holds", "fails", "depends", "undecided"];

/** Which side of a threshold a claim puts its quantity on. */
export type Side = ">=" | ">" | "<=" | "<";

/**
 * The rule for one interval [lo, hi] against one threshold.
 *
 * @example
 * decideSide(6.9, 7.7, ">=", 5); // "holds": the whole CI is at or above 5
 * decideSide(0.9, 1.1, "<=", 1); // "undecided": the CI straddles 1
 */
export function decideSide(lo: number, hi: number, side: Side, threshold: number): Verdict {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || Number.isNaN(threshold)) return "undecided";
  switch (side) {
    case ">=":
      return lo >= threshold ? "holds" : hi < threshold ? "fails" : "undecided";
    case ">":
      return lo > threshold ? "holds" : hi <= threshold ? "fails" : "undecided";
    case "<=":
      return hi <= threshold ? "holds" : lo > threshold ? "fails" : "undecided";
    case "<":
      return hi < threshold ? "holds" : lo >= threshold ? "fails" : "undecided";
  }
}

/**
 * The rule for an interval against a range [min, max]: holds inside, fails when the CI misses the range entirely.
 *
 * @example
 * decideRange(0.97, 1.02, 0.9, 1.1); // "holds"
 */
export function decideRange(lo: number, hi: number, min: number, max: number): Verdict {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return "undecided";
  if (lo >= min && hi <= max) return "holds";
  if (hi < min || lo > max) return "fails";
  return "undecided";
}

/**
 * A conjunction: fails if any part fails; otherwise depends if any part depends, undecided if any part is
 * undecided, and holds only when every part holds.
 *
 * @example
 * allVerdict(["holds", "undecided"]); // "undecided"
 */
export function allVerdict(parts: readonly Verdict[]): Verdict {
  if (parts.length === 0) throw new RangeError("a conjunction of no parts decides nothing");
  if (parts.includes("fails")) return "fails";
  if (parts.includes("depends")) return "depends";
  if (parts.includes("undecided")) return "undecided";
  return "holds";
}

/**
 * A disjunction: holds if any part holds; otherwise depends if any part depends, undecided if any part is
 * undecided, and fails only when every part fails.
 *
 * @example
 * anyVerdict(["fails", "holds"]); // "holds"
 */
export function anyVerdict(parts: readonly Verdict[]): Verdict {
  if (parts.length === 0) throw new RangeError("a disjunction of no parts decides nothing");
  if (parts.includes("holds")) return "holds";
  if (parts.includes("depends")) return "depends";
  if (parts.includes("undecided")) return "undecided";
  return "fails";
}

/**
 * A claim made for every one of several named cases: holds if it holds in each, fails if it fails in some case and
 * holds in none, depends when it holds in some cases and fails in others (a case that itself depends counts as
 * both), undecided otherwise.
 *
 * @example
 * everyCaseVerdict(["holds", "fails", "holds"]); // "depends"
 * everyCaseVerdict(["holds", "undecided"]); // "undecided"
 */
export function everyCaseVerdict(parts: readonly Verdict[]): Verdict {
  if (parts.length === 0) throw new RangeError("a claim over no cases decides nothing");
  const someHold = parts.some((v) => v === "holds" || v === "depends");
  const someFail = parts.some((v) => v === "fails" || v === "depends");
  if (someHold && someFail) return "depends";
  if (someFail) return "fails";
  if (parts.every((v) => v === "holds")) return "holds";
  return "undecided";
}

/**
 * A claim that some case exists ("there is a fault rate at which ..."): holds if it holds in any case, fails if it
 * fails in every case, undecided otherwise.
 *
 * @example
 * someCaseVerdict(["fails", "undecided"]); // "undecided"
 */
export function someCaseVerdict(parts: readonly Verdict[]): Verdict {
  if (parts.length === 0) throw new RangeError("a claim over no cases decides nothing");
  if (parts.some((v) => v === "holds" || v === "depends")) return "holds";
  if (parts.every((v) => v === "fails")) return "fails";
  return "undecided";
}
