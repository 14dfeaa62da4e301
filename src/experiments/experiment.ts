/**
 * What an experiment declares: its parameters, its scenario (one replication: parameters and a seed in, observables
 * out), its observables, and the claims from its thread, each decided by running the experiment.
 */
import type { ParamInput, ParamSpecs, ParamValues } from "./params";
import type { ResultSet } from "./results";

export interface ObservableSpec {
  /** Unit, also carried in the name (writerWaitP99Ns is in ns). */
  unit: string;
  description: string;
}

/** One replication's output: a number per observable, and optionally detail for charts (histograms, traces). */
export interface ReplicationResult<D = unknown> {
  values: Record<string, number>;
  detail?: D;
}

export interface ScenarioOptions {
  /** Collect chart detail (CDF points, timelines); off for claim checks and CLI runs. */
  detail?: boolean;
}

export type Verdict = "holds" | "fails" | "depends";

export interface ClaimOutcome {
  verdict: Verdict;
  /** What the numbers were, in one or two sentences with the confidence intervals. */
  detail: string;
  /** The rows the decision rests on. */
  evidence?: Array<Record<string, unknown>>;
}

export interface ClaimContext<S extends ParamSpecs> {
  /** Runs the experiment with these overrides on the context's seeds. */
  run(input: ParamInput<S>): Promise<ResultSet<S>>;
  /** Replications per sweep point. */
  seeds: number;
}

export interface Claim<S extends ParamSpecs> {
  id: string;
  /** Who argued it, e.g. "Oliver Upton". */
  who: string;
  /** The claim as a checkable proposition about the observables. */
  statement: string;
  /**
   * What this model decides at its defaults. The test suite checks the claim on seeds the notebooks never use and
   * fails if the decision differs: a change that flips a verdict must be deliberate.
   */
  expected: Verdict;
  evaluate(ctx: ClaimContext<S>): Promise<ClaimOutcome>;
}

export interface Experiment<S extends ParamSpecs = ParamSpecs, D = unknown> {
  id: string;
  title: string;
  /** The thread it answers, as a file name in ../shared/seeds. */
  thread: string;
  /** Which kernel version and functions the model follows. */
  kernel: string;
  /** Rules that tie parameters together (rules.ts), checked on every sweep point before anything runs. */
  rules?: ReadonlyArray<import("./rules").ParamRule<S>>;
  params: S;
  observables: Record<string, ObservableSpec>;
  /** One replication. Must be deterministic in (params, seed). */
  scenario(params: ParamValues<S>, seed: number, options: ScenarioOptions): ReplicationResult<D>;
  claims: Array<Claim<S>>;
}

/** Declares an experiment, keeping its parameter types for the scenario and claims. */
export function defineExperiment<S extends ParamSpecs, D = unknown>(e: Experiment<S, D>): Experiment<S, D> {
  for (const name of Object.keys(e.observables)) {
    if (name in e.params) throw new Error(`${e.id}: '${name}' is both a parameter and an observable`);
  }
  return e;
}
