/**
 * A claim as data: who made it, the statement, the named values its statement and its test share, the runs it
 * needs, and the test that decides it from those runs by the one rule. `defineClaim` builds the statement from the
 * values, so a threshold is written once.
 * There is no other form: a claim that decided by its own `evaluate()` code is refused by defineExperiment.
 */
import type { ParamInput, ParamSpecs } from "../params";
import type { ResultSet } from "../results";
import type { Finding } from "./checks";
import type { Verdict } from "./rule";

/** How a claim is decided: by the one rule, or by the free-form escape somewhere in its test (marked as such). */
export type ClaimRule = "one-rule" | "free-form";

/** The runs a claim needs, by name: each a parameter input of its experiment (lists sweep). */
export type ClaimRuns<S extends ParamSpecs, R extends string> = { readonly [K in R]: ParamInput<S> };

/** The result sets of those runs, by the same names. */
export type ClaimResults<S extends ParamSpecs, R extends string, O extends string = string> = {
  readonly [K in R]: ResultSet<S, any, O>;
};

/** A claim decided by the one rule (built with `defineClaim`). */
export interface RuleClaim<
  S extends ParamSpecs = ParamSpecs,
  O extends string = string,
  V = any,
  R extends string = string,
> {
  rule: "one-rule";
  id: string;
  /** Who argued it, e.g. "Matthew Wilcox". */
  who: string;
  /** The claim as a checkable proposition, built from `values`. */
  statement: string;
  /** Every number the statement and the test share: thresholds, swept values, fixed parameters. */
  values: V;
  /** The runs the test needs. Runs with the same input and seeds are run once and shared across claims. */
  runs: ClaimRuns<S, R>;
  /** Decides the claim from its runs: a Finding built with the checks (atLeast, within, overCases, ...). */
  test(results: ClaimResults<S, R, O>, values: V): Finding;
  /**
   * What this model decides at its defaults. The test suite decides the claim on seeds the notebooks never use and
   * fails if the decision differs: a change that flips a verdict must be deliberate.
   */
  expected: Verdict;
  /** Shown with the verdict: what changed, what the claim leaves out. */
  note?: string;
}

/** What `defineClaim` takes: the statement and the runs as functions of the named values. */
export interface ClaimSpec<S extends ParamSpecs, O extends string, V, R extends string> {
  id: string;
  who: string;
  values: V;
  statement: (values: V) => string;
  runs: (values: V) => ClaimRuns<S, R>;
  test: (results: ClaimResults<S, R, O>, values: V) => Finding;
  expected: Verdict;
  note?: string;
}

/** The experiment a claim belongs to, as far as typing the claim needs: its parameters (and observables). */
export interface ClaimSubject<S extends ParamSpecs, O extends string> {
  params: S;
  observables?: { readonly [K in O]: unknown };
}

/**
 * Declares a claim of an experiment. `values` names every threshold and swept value once; `statement` and `runs`
 * are built from them and `test` decides with them, so the text and the check cannot drift apart.
 *
 * @example
 * const missOutside = defineClaim({ params: spinlockConvoyParams }, {
 *   id: "miss-outside",
 *   who: "Matthew Wilcox",
 *   values: { cpus: 16, missNs: 1000, cut: 2 },
 *   statement: (v) => `Taking the ${v.missNs} ns miss before the lock cuts the mean wait at ${v.cpus} CPUs ${v.cut}x.`,
 *   runs: (v) => ({ main: { cpus: v.cpus, missNs: v.missNs, missPlacement: ["inside", "outside"] } }),
 *   test: (r, v) =>
 *     atLeast(pairedRatio(r.main, "lockWaitMeanNs", { missPlacement: "inside" }, { missPlacement: "outside" }), v.cut),
 *   expected: "holds",
 * });
 */
export function defineClaim<S extends ParamSpecs, O extends string, V, R extends string>(
  subject: ClaimSubject<S, O>,
  spec: ClaimSpec<S, O, V, R>,
): RuleClaim<S, O, V, R> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(spec.id))
    throw new RangeError(`claim id '${spec.id}': use lower-case words joined by '-'`);
  const runs = spec.runs(spec.values);
  const names = Object.keys(runs);
  if (names.length === 0) throw new RangeError(`claim '${spec.id}': declares no runs`);
  for (const [name, input] of Object.entries(runs) as Array<[string, Record<string, unknown>]>)
    for (const k of Object.keys(input))
      if (!(k in subject.params))
        throw new RangeError(
          `claim '${spec.id}', run '${name}': unknown parameter '${k}'; parameters: ${Object.keys(subject.params).join(", ")}`,
        );
  return {
    rule: "one-rule",
    id: spec.id,
    who: spec.who,
    statement: spec.statement(spec.values),
    values: spec.values,
    runs,
    test: spec.test,
    expected: spec.expected,
    ...(spec.note === undefined ? {} : { note: spec.note }),
  };
}

/** Any claim an experiment lists. */
export type Claim<S extends ParamSpecs = ParamSpecs, O extends string = string> = RuleClaim<S, O, any, any>;
