/**
 * Measures: the per-seed numbers a claim is decided on. A measure is one value per seed, aligned with the seeds of
 * the runs it comes from, so that two variants run on the same seeds (common random numbers) compare seed by seed:
 * the paired ratio or difference has a far narrower CI than the two means it comes from.
 *
 * Build them from a claim's runs with `observable`, `pairedRatio`, `pairedDifference` and `perSeed`; decide them
 * with the checks of checks.ts (`atLeast`, `atMost`, `within`, ...).
 */
import { meanCi95 } from "../../sim/stats/replication";
import type { ParamSpecs, ParamValues } from "../params";
import type { ResultSet } from "../results";

/** One value per seed of some quantity, with what it is in words. */
export interface Measure {
  /** What is measured: "lockWaitMeanNs, missPlacement=inside / outside, at cpus=16". */
  readonly label: string;
  /** One value per seed, in seed order; NaN where a replication gave no value. */
  readonly values: readonly number[];
  /** The seeds, in the same order. */
  readonly seeds: readonly number[];
  /** Unit of the values ("ns", "fraction"); none for ratios. */
  readonly unit?: string;
}

/** A measure's mean, its 95% CI and how many seeds stand behind it. */
export interface MeasureSummary {
  label: string;
  unit?: string;
  mean: number;
  /** Half-width of the 95% CI (NaN with fewer than two finite values). */
  ci95: number;
  /** mean - ci95 and mean + ci95: the interval the rule compares. */
  lo: number;
  hi: number;
  /** Seeds with a finite value. */
  n: number;
  /** Seeds asked for. */
  seeds: number;
  /** Seeds whose value was NaN or infinite (they make a check undecided). */
  missingSeeds: number[];
}

/** Parameter values naming one sweep point of a run (any subset that picks exactly one point). */
export type Match<S extends ParamSpecs> = Partial<ParamValues<S>>;

/**
 * Mean, CI and seed count of a measure.
 *
 * @example
 * summarize({ label: "x", values: [1, 2, 3], seeds: [1, 2, 3] }); // { mean: 2, ci95: 2.48, lo: -0.48, ... }
 */
export function summarize(m: Measure): MeasureSummary {
  const s = meanCi95(m.values);
  const missingSeeds = m.seeds.filter((_, i) => !Number.isFinite(m.values[i]));
  const ci95 = s.n >= 2 ? s.ci95 : NaN;
  return {
    label: m.label,
    unit: m.unit,
    mean: s.mean,
    ci95,
    lo: s.mean - ci95,
    hi: s.mean + ci95,
    n: s.n,
    seeds: m.values.length,
    missingSeeds,
  };
}

/**
 * "cpus=16, missNs=1000": a sweep point in words.
 *
 * @example
 * describeMatch({ cpus: 16, missNs: 1000 }); // "cpus=16, missNs=1000"
 */
export function describeMatch(match: Record<string, unknown>): string {
  return Object.entries(match)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(", ");
}

function isMeasure(x: unknown): x is Measure {
  const m = x as Measure;
  return typeof m === "object" && m !== null && typeof m.label === "string" && Array.isArray(m.values);
}

/**
 * The per-seed values of one observable at one sweep point of a run.
 *
 * @example
 * observable(runs.main, "lockWaitMeanNs", { cpus: 16, missNs: 0 });
 */
export function observable<S extends ParamSpecs, O extends string>(
  rs: ResultSet<S, any, O>,
  name: O,
  at: Match<S> = {},
  label?: string,
): Measure {
  const where = describeMatch(at as Record<string, unknown>);
  return {
    label: label ?? (where ? `${name} at ${where}` : name),
    values: rs.samples(name, at),
    seeds: rs.seeds,
    unit: rs.observables[name]?.unit,
  };
}

/** Labels two points of one observable, naming what they share once: "x, a=1 / a=2, at b=3". */
function pairLabel(name: string, a: Record<string, unknown>, b: Record<string, unknown>, op: string): string {
  const common: Record<string, unknown> = {};
  const onlyA: Record<string, unknown> = {};
  const onlyB: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a)) (k in b && b[k] === v ? common : onlyA)[k] = v;
  for (const [k, v] of Object.entries(b)) if (!(k in common)) onlyB[k] = v;
  const shared = describeMatch(common);
  return `${name}, ${describeMatch(onlyA) || "(all)"} ${op} ${describeMatch(onlyB) || "(all)"}${shared ? `, at ${shared}` : ""}`;
}

function checkAligned(what: string, a: Measure, b: Measure): void {
  if (a.seeds.length !== b.seeds.length || a.seeds.some((s, i) => s !== b.seeds[i]))
    throw new RangeError(
      `${what}: '${a.label}' and '${b.label}' come from different seeds (${a.seeds.length} vs ${b.seeds.length}); ` +
        "paired measures need the same seeds",
    );
}

function paired(
  what: string,
  op: string,
  f: (x: number, y: number) => number,
  args: unknown[],
  unitOf: (a: Measure) => string | undefined,
): Measure {
  let a: Measure;
  let b: Measure;
  let label: string | undefined;
  if (isMeasure(args[0])) {
    [a, b] = args as [Measure, Measure];
    if (!isMeasure(b)) throw new TypeError(`${what}: expected two measures`);
    label = (args[2] as { label?: string } | undefined)?.label ?? `(${a.label}) ${op} (${b.label})`;
  } else {
    const [rs, name, ma, mb, options] = args as [
      ResultSet<any, any, string>,
      string,
      Record<string, unknown>,
      Record<string, unknown>,
      { label?: string } | undefined,
    ];
    a = observable(rs, name, ma as Match<any>);
    b = observable(rs, name, mb as Match<any>);
    label = options?.label ?? pairLabel(name, ma, mb, op);
  }
  checkAligned(what, a, b);
  return { label, values: a.values.map((x, i) => f(x, b.values[i])), seeds: a.seeds, unit: unitOf(a) };
}

/** Options of the paired measures. */
export interface PairOptions {
  /** The measure's name in verdict texts (default: built from the observable and the two points). */
  label?: string;
}

/** The two forms of a paired measure: one observable at two points of a run, or two measures of the same seeds. */
export interface PairedMeasure {
  <S extends ParamSpecs, O extends string>(
    rs: ResultSet<S, any, O>,
    name: O,
    a: Match<S>,
    b: Match<S>,
    options?: PairOptions,
  ): Measure;
  (a: Measure, b: Measure, options?: PairOptions): Measure;
}

/**
 * a / b per seed: how many times one variant's value the other's is, paired on common random numbers.
 *
 * @example
 * pairedRatio(runs.main, "lockWaitMeanNs", { missPlacement: "inside" }, { missPlacement: "outside" });
 * pairedRatio(observable(rs, "guestEvictIdleS", at), observable(rs, "hostEvictIdleS", at)); // two observables
 */
export const pairedRatio: PairedMeasure = (...args: unknown[]) =>
  paired(
    "pairedRatio",
    "/",
    (x, y) => x / y,
    args,
    () => undefined,
  );

/**
 * a - b per seed, in the observable's unit, paired on common random numbers.
 *
 * @example
 * pairedDifference(runs.main, "staleTranslations", { faultRatePerSec: 200_000 }, { faultRatePerSec: 20_000 });
 */
export const pairedDifference: PairedMeasure = (...args: unknown[]) =>
  paired(
    "pairedDifference",
    "-",
    (x, y) => x - y,
    args,
    (a) => a.unit,
  );

/**
 * Any per-seed function of measures that share their seeds: the measure a claim needs when it is neither a ratio
 * nor a difference (a cost per unit, a change in wall time, a peak over a sweep).
 *
 * @example
 * // How many times its own cost a miss adds to the mean wait:
 * perSeed("mean-wait amplification at cpus=16", [withMiss, withoutMiss], (w, w0) => (w - w0) / missNs);
 */
export function perSeed(
  label: string,
  measures: readonly Measure[],
  f: (...values: number[]) => number,
  unit?: string,
): Measure {
  if (measures.length === 0) throw new RangeError(`perSeed '${label}': no measures`);
  for (const m of measures.slice(1)) checkAligned(`perSeed '${label}'`, measures[0], m);
  const seeds = measures[0].seeds;
  return { label, values: seeds.map((_, i) => f(...measures.map((m) => m.values[i]))), seeds, unit };
}
