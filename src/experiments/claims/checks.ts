/**
 * Checks: the verbs that decide measures by the one rule (rule.ts) and combine the decisions. Each returns a
 * Finding: the verdict, the test in words with its threshold, and the deciding numbers, so that the text a reader
 * sees and the comparison the code makes come from the same values.
 */
import {
  allVerdict,
  anyVerdict,
  decideRange,
  decideSide,
  everyCaseVerdict,
  someCaseVerdict,
  type Side,
  type Verdict,
} from "./rule";
import { describeMatch, summarize, type Measure, type MeasureSummary } from "./measures";
import { num } from "./numbers";

/** Where the verdict of a swept claim switches, between two swept values. */
export interface Crossover {
  /** The swept parameter. */
  axis: string;
  /** Last value (in sweep order) decided `from`, and the first decided `to` after it. */
  after: number;
  before: number;
  from: Verdict;
  to: Verdict;
  /** Where the deciding measure's mean meets the threshold, by linear interpolation (single comparisons only). */
  estimate?: number;
  /** In reports: the case the swept claim sits in ("missNs=90"), when it sits in one. */
  case?: string;
}

/** A decided check: what was tested, the verdict, and the numbers it rests on. */
export interface Finding {
  verdict: Verdict;
  /** The test in words, thresholds included: "lockWaitMeanNs ... >= 5". */
  test: string;
  kind: "compare" | "range" | "never" | "always" | "all" | "any" | "cases" | "crossover" | "free-form";
  /** The deciding number (comparisons, never, always). */
  measure?: MeasureSummary;
  side?: Side;
  threshold?: number;
  range?: readonly [number, number];
  /** Why a check is undecided, or what else a reader should know. */
  note?: string;
  /** The parts of a conjunction, disjunction or claim over cases. */
  parts?: Finding[];
  /** The case a part of `overCases` or `crossover` decides, in words ("cpus=16"). */
  case?: string;
  /** The same case as values ({ cpus: 16 }): an object case as it is, a swept value under its axis name. */
  at?: Record<string, unknown>;
  /** `overCases`: "every" case must hold, or "some" case suffices. */
  quantifier?: "every" | "some";
  /** `crossover`: where the verdict switches along the swept axis. */
  crossovers?: Crossover[];
}

/** Options every comparison takes. */
export interface CheckOptions {
  /** Names the measure in verdict texts instead of its own label. */
  label?: string;
}

function missingNote(s: MeasureSummary): string | undefined {
  if (s.missingSeeds.length > 0)
    return `no value on seed${s.missingSeeds.length > 1 ? "s" : ""} ${s.missingSeeds.join(", ")} (${s.n} of ${s.seeds})`;
  if (!Number.isFinite(s.ci95)) return `fewer than two seeds (${s.n})`;
  return undefined;
}

function compare(m: Measure, side: Side, threshold: number, options: CheckOptions = {}): Finding {
  if (!Number.isFinite(threshold)) throw new RangeError(`threshold of '${m.label}' must be finite, got ${threshold}`);
  const s = summarize(m);
  if (options.label) s.label = options.label;
  const note = missingNote(s);
  return {
    verdict: note ? "undecided" : decideSide(s.lo, s.hi, side, threshold),
    test: `${s.label} ${side} ${num(threshold)}`,
    kind: "compare",
    measure: s,
    side,
    threshold,
    note,
  };
}

/**
 * Holds when the measure's whole 95% CI is at or above `threshold`; fails when it is wholly below.
 *
 * @example
 * atLeast(pairedRatio(rs, "lockWaitMeanNs", { missPlacement: "inside" }, { missPlacement: "outside" }), 2);
 */
export function atLeast(m: Measure, threshold: number, options?: CheckOptions): Finding {
  return compare(m, ">=", threshold, options);
}

/**
 * Holds when the measure's whole 95% CI is at or below `threshold`; fails when it is wholly above.
 *
 * @example
 * atMost(pairedRatio(rs, "writerWaitMaxNs", { faultIntervalUs: 5 }, { faultIntervalUs: 200 }), 4);
 */
export function atMost(m: Measure, threshold: number, options?: CheckOptions): Finding {
  return compare(m, "<=", threshold, options);
}

/**
 * Holds when the whole CI is strictly above `threshold` ("the paired difference excludes 0": `above(d, 0)`).
 *
 * @example
 * above(pairedDifference(rs, "faultRetries", { zapRatePerSec: 300 }, { zapRatePerSec: 30 }), 0);
 */
export function above(m: Measure, threshold: number, options?: CheckOptions): Finding {
  return compare(m, ">", threshold, options);
}

/**
 * Holds when the whole CI is strictly below `threshold`.
 *
 * @example
 * below(pairedDifference(observable(rs, "guestMeanGen"), observable(rs, "hostMeanGen")), 0);
 */
export function below(m: Measure, threshold: number, options?: CheckOptions): Finding {
  return compare(m, "<", threshold, options);
}

/**
 * Holds when the whole CI lies inside [min, max]; fails when it lies wholly outside; undecided when it straddles an
 * end. "Within 5% of b" is `within(pairedRatio(a, b), 0.95, 1.05)`.
 *
 * @example
 * within(pairedRatio(rs, "tabOpenP95Ms", { policy: "walk-notify" }, { policy: "base" }), 0.9, 1.1);
 */
export function within(m: Measure, min: number, max: number, options: CheckOptions = {}): Finding {
  if (!(min <= max)) throw new RangeError(`within '${m.label}': min ${min} is above max ${max}`);
  const s = summarize(m);
  if (options.label) s.label = options.label;
  const note = missingNote(s);
  return {
    verdict: note ? "undecided" : decideRange(s.lo, s.hi, min, max),
    test: `${s.label} in [${num(min)}, ${num(max)}]`,
    kind: "range",
    measure: s,
    range: [min, max],
    note,
  };
}

/**
 * A count that must be zero on every seed (violations, stale translations): decided by counterexample, not by the
 * CI. Holds when every replication reports 0, fails when any reports more.
 *
 * @example
 * never(observable(rs, "writerBoundViolations", { lockKind: "qrwlock" }));
 */
export function never(m: Measure, options: CheckOptions = {}): Finding {
  const s = summarize(m);
  if (options.label) s.label = options.label;
  const nonzero = m.values.filter((v) => Number.isFinite(v) && v !== 0).length;
  const note = s.missingSeeds.length > 0 ? missingNote(s) : undefined;
  return {
    verdict: nonzero > 0 ? "fails" : note ? "undecided" : "holds",
    test: `${s.label} = 0 on every seed`,
    kind: "never",
    measure: s,
    note: nonzero > 0 ? `nonzero on ${nonzero} of ${s.seeds} seeds` : note,
  };
}

/**
 * A count that must be positive on every seed (a race that must show up): holds when every replication reports
 * more than 0, fails when any reports 0 or less.
 *
 * @example
 * always(observable(rs, "staleTranslations", { protocol: "flush-at-start" }));
 */
export function always(m: Measure, options: CheckOptions = {}): Finding {
  const s = summarize(m);
  if (options.label) s.label = options.label;
  const zero = m.values.filter((v) => Number.isFinite(v) && v <= 0).length;
  const note = s.missingSeeds.length > 0 ? missingNote(s) : undefined;
  return {
    verdict: zero > 0 ? "fails" : note ? "undecided" : "holds",
    test: `${s.label} > 0 on every seed`,
    kind: "always",
    measure: s,
    note: zero > 0 ? `zero on ${zero} of ${s.seeds} seeds` : note,
  };
}

/**
 * Every part must hold: fails if any part fails, holds only when all hold.
 *
 * @example
 * allOf(atLeast(highMean, 5), atLeast(highP99, 5), atMost(lowMean, 1));
 */
export function allOf(...parts: Finding[]): Finding {
  return { verdict: allVerdict(parts.map((p) => p.verdict)), test: "all of", kind: "all", parts };
}

/**
 * Some part must hold: holds if any part holds, fails only when all fail.
 *
 * @example
 * anyOf(atLeast(p95Ratio, 2), atLeast(p99Ratio, 2));
 */
export function anyOf(...parts: Finding[]): Finding {
  return { verdict: anyVerdict(parts.map((p) => p.verdict)), test: "any of", kind: "any", parts };
}

/** Options of `overCases` and `crossover`. */
export interface CasesOptions<C> {
  /** "every" (default): the claim is made for each case, and depends when it holds in some and fails in others.
   * "some": the claim is that some case exists; it holds as soon as one case holds. */
  quantifier?: "every" | "some";
  /** The case's name in verdict texts (default: its parameters, "cpus=16, missNs=90"). */
  caseName?: (c: C) => string;
  /** The case as values for `findingRows` (default: an object case itself, else { value: c }). */
  caseValues?: (c: C) => Record<string, unknown>;
}

function caseValuesOf(c: unknown): Record<string, unknown> {
  return typeof c === "object" && c !== null ? { ...(c as Record<string, unknown>) } : { value: c };
}

function caseNameOf(c: unknown): string {
  return typeof c === "object" && c !== null ? describeMatch(c as Record<string, unknown>) : String(c);
}

/**
 * One check per named case. With the default quantifier "every", the claim holds when it holds in every case, fails
 * when it fails in some and holds in none, and **depends** when it holds in some cases and fails in others, naming
 * them.
 *
 * @example
 * overCases("each fault interval", [50, 200, 1000], (faultIntervalUs) =>
 *   atLeast(pairedRatio(rs, "evictedPagesPerSec", { faultIntervalUs, agingLock: "write" },
 *     { faultIntervalUs, agingLock: "lockless" }), 0.9), { caseName: (f) => `faultIntervalUs=${f}` });
 */
export function overCases<C>(
  what: string,
  cases: readonly C[],
  decide: (c: C) => Finding,
  options: CasesOptions<C> = {},
): Finding {
  if (cases.length === 0) throw new RangeError(`overCases '${what}': no cases`);
  const name = options.caseName ?? caseNameOf;
  const at = options.caseValues ?? caseValuesOf;
  const parts = cases.map((c) => ({ ...decide(c), case: name(c), at: at(c) }));
  const quantifier = options.quantifier ?? "every";
  const verdicts = parts.map((p) => p.verdict);
  return {
    verdict: quantifier === "every" ? everyCaseVerdict(verdicts) : someCaseVerdict(verdicts),
    test: what,
    kind: "cases",
    quantifier,
    parts,
  };
}

/** The interpolated point where a single comparison's mean meets its threshold, between two swept values. */
function interpolate(x0: number, a: Finding, x1: number, b: Finding): number | undefined {
  if (a.kind !== "compare" || b.kind !== "compare" || a.threshold !== b.threshold) return undefined;
  const y0 = a.measure!.mean;
  const y1 = b.measure!.mean;
  if (!Number.isFinite(y0) || !Number.isFinite(y1) || y0 === y1) return undefined;
  const x = x0 + ((a.threshold! - y0) * (x1 - x0)) / (y1 - y0);
  return Number.isFinite(x) ? Number(x.toPrecision(3)) : undefined;
}

/**
 * A claim along one swept parameter, with the crossover located: decided like `overCases`, and every switch
 * between holds and fails (undecided points in between are skipped) is reported between the two swept values that
 * bracket it, with an interpolated estimate when each point is a single comparison.
 *
 * @example
 * crossover("cpus", [2, 4, 8, 16, 32], (cpus) => atLeast(amplification(cpus), 2));
 * // depends: fails up to cpus=8, holds from cpus=16 (estimate 11.2)
 */
export function crossover(
  axis: string,
  values: readonly number[],
  decide: (x: number) => Finding,
  options: Pick<CasesOptions<number>, "quantifier"> = {},
): Finding {
  const f = overCases(`along ${axis}`, values, decide, {
    ...options,
    caseName: (x) => `${axis}=${x}`,
    caseValues: (x) => ({ [axis]: x }),
  });
  const decided = f.parts!.map((p, i) => ({ x: values[i], p })).filter((d) => d.p.verdict !== "undecided");
  const crossovers: Crossover[] = [];
  for (let i = 1; i < decided.length; i++) {
    const a = decided[i - 1];
    const b = decided[i];
    if (a.p.verdict === b.p.verdict) continue;
    const estimate = interpolate(a.x, a.p, b.x, b.p);
    crossovers.push({
      axis,
      after: a.x,
      before: b.x,
      from: a.p.verdict,
      to: b.p.verdict,
      ...(estimate === undefined ? {} : { estimate }),
    });
  }
  return { ...f, kind: "crossover", crossovers };
}

/**
 * The escape for the few claims the rule cannot state (a property of a whole curve, a fitted parameter): the code
 * decides the verdict and says why, and the measures it looked at are reported beside it. The output marks such
 * claims `rule: "free-form"`.
 *
 * @example
 * freeForm("holds", "the curve is flat past its knee", [observable(rs, "faultsPerSec", { threads: 80 })]);
 */
export function freeForm(verdict: Verdict, why: string, measures: readonly Measure[] = []): Finding {
  return {
    verdict,
    test: why,
    kind: "free-form",
    parts: measures.map((m) => {
      const s = summarize(m);
      return { verdict, test: s.label, kind: "free-form" as const, measure: s };
    }),
  };
}

/**
 * Every finding in a tree, depth first (the tree itself first), with the cases it sits in.
 *
 * @example
 * walkFindings(verdict.finding!, (f, cases) => f.measure && console.log(cases.join(" / "), f.test, f.verdict));
 */
export function walkFindings(f: Finding, visit: (f: Finding, path: string[]) => void, path: string[] = []): void {
  visit(f, path);
  for (const p of f.parts ?? []) walkFindings(p, visit, p.case ? [...path, p.case] : path);
}

/**
 * True when some part of the tree was decided by code instead of the rule (`freeForm`).
 *
 * @example
 * usesFreeForm(verdict.finding!); // false for a claim wholly on the one rule
 */
export function usesFreeForm(f: Finding): boolean {
  let found = false;
  walkFindings(f, (x) => {
    if (x.kind === "free-form") found = true;
  });
  return found;
}

/** One deciding number of a finding as a row: the case's values, then the measure and the test. */
export interface FindingRow {
  [column: string]: unknown;
  /** The case path in words ("missNs=90 / cpus=8"), "" at the top. */
  case: string;
  test: string;
  verdict: Verdict;
  /** The measure's mean and 95% CI half-width (the `<y>Ci95` convention the chart builders read). */
  mean: number;
  meanCi95: number;
  n: number;
  /** The threshold it was compared with, or the range's ends. */
  threshold?: number;
  min?: number;
  max?: number;
}

/**
 * The deciding numbers of a finding as rows a chart builder or `table` takes: one per comparison, with the values
 * of the cases it sits in as columns (a crossover's axis, an overCases object's parameters).
 *
 * @example
 * await show(sweepChart({ rows: findingRows(verdict.finding!), x: "cpus", series: [{ y: "mean", ci: "meanCi95" },
 *   { y: "threshold", dashed: true }] }));
 */
export function findingRows(f: Finding): FindingRow[] {
  const rows: FindingRow[] = [];
  const visit = (x: Finding, at: Record<string, unknown>, path: string[]) => {
    const here = { ...at, ...(x.at ?? {}) };
    const where = x.case ? [...path, x.case] : path;
    if (x.measure)
      rows.push({
        ...here,
        case: where.join(" / "),
        test: x.test,
        verdict: x.verdict,
        mean: x.measure.mean,
        meanCi95: x.measure.ci95,
        n: x.measure.n,
        ...(x.threshold === undefined ? {} : { threshold: x.threshold }),
        ...(x.range === undefined ? {} : { min: x.range[0], max: x.range[1] }),
      });
    for (const p of x.parts ?? []) visit(p, here, where);
  };
  visit(f, {}, []);
  return rows;
}
