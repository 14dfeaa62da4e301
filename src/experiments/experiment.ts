/**
 * What an experiment declares: its parameters, its scenario (one replication: parameters and a seed in, observables
 * out), its observables, and the claims from its thread, each decided by running the experiment.
 */
import type { Claim } from "./claims/claim";
import type { ParamSpecs, ParamValues } from "./params";

export type { Verdict } from "./claims/rule";
export type { Claim, RuleClaim } from "./claims/claim";

/** One number a replication reports. */
export interface ObservableSpec {
  /** Unit, also carried in the name (writerWaitP99Ns is in ns). */
  unit: string;
  /** What it measures, in one sentence. */
  description: string;
  /**
   * For a quantile (or any statistic of many samples): the name of the value in `ReplicationResult.values` that
   * counts the samples behind it in each replication, e.g. `samples: "lockWaits"`. It may be another observable or
   * an extra value the scenario reports; result rows then carry `<name>Samples`, the fewest samples behind any
   * replication's value at that point, so a p99 of 40 samples is seen for what it is.
   */
  samples?: string;
}

/** One replication's output: a number per observable, and optionally detail for charts (histograms, traces). */
export interface ReplicationResult<D = unknown> {
  /** Every declared observable, plus any sample counts they name. */
  values: Record<string, number>;
  detail?: D;
}

export interface ScenarioOptions {
  /** Collect chart detail (CDF points, timelines); off for claim checks and CLI runs. */
  detail?: boolean;
}

/**
 * An experiment: typed parameters `S`, chart detail `D` and observable names `O`. Build one with
 * `defineExperiment`, which infers all three.
 */
export interface Experiment<S extends ParamSpecs = ParamSpecs, D = unknown, O extends string = string> {
  /** Lower-case words joined by '-', unique: the id the CLI, the registry and the workers know it by. */
  id: string;
  title: string;
  /** The thread it answers, as a file name in ../shared/seeds (or a description). */
  thread: string;
  /** Which kernel version and functions the model follows. */
  kernel: string;
  /** Rules that tie parameters together (rules.ts), checked on every sweep point before anything runs. */
  rules?: ReadonlyArray<import("./rules").ParamRule<S>>;
  params: S;
  observables: { readonly [K in O]: ObservableSpec };
  /** One replication. Must be deterministic in (params, seed). */
  scenario(params: ParamValues<S>, seed: number, options: ScenarioOptions): ReplicationResult<D>;
  claims: Array<Claim<S, any>>;
  /**
   * For an experiment defined outside mmsim (a notebook's own): the file that exports it, so worker threads can
   * load it (`module: __filename` in that file; a .ts file beside a notebook works). Without it, such an
   * experiment runs inline, on one thread.
   */
  module?: string;
}

/** Any experiment, whatever its types: what the CLI and the workers handle. */
export type AnyExperiment = Experiment<any, any, any>;

/** The parameter specs of an experiment type. */
export type ParamsOf<E> = E extends Experiment<infer S, any, any> ? S : never;
/** The detail type of an experiment type. */
export type DetailOf<E> = E extends Experiment<any, infer D, any> ? D : never;
/** The observable names of an experiment type. */
export type ObservableOf<E> = E extends Experiment<any, any, infer O> ? O : never;

/**
 * Declares an experiment, keeping its parameter, detail and observable types for the scenario, the claims and
 * whoever runs it: a misspelt parameter or observable name is then a compile error.
 *
 * @example
 * export const myLock = defineExperiment({
 *   id: "my-lock", title: "...", thread: "...", kernel: "kernel/locking/qspinlock.c (6.6)",
 *   params: { cpus: integer({ unit: "count", default: 8, min: 1, max: 512, description: "...", source: "assumption" }) },
 *   observables: { waitMeanNs: { unit: "ns", description: "Mean wait for the lock." } },
 *   scenario: (p, seed) => ({ values: { waitMeanNs: simulate(p, seed) } }),
 *   claims: [],
 * });
 */
export function defineExperiment<S extends ParamSpecs, D = unknown, O extends string = string>(
  e: Experiment<S, D, O>,
): Experiment<S, D, O> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(e.id)) throw new RangeError(`experiment id '${e.id}': use lower-case words and '-'`);
  const observables = e.observables as Record<string, ObservableSpec>;
  for (const name of Object.keys(observables)) {
    if (name in e.params) throw new Error(`${e.id}: '${name}' is both a parameter and an observable`);
    const samples = observables[name].samples;
    if (samples !== undefined && (samples === name || samples in e.params))
      throw new Error(`${e.id}: observable '${name}' names '${samples}' as its sample count; name a reported value`);
  }
  const ids = new Set<string>();
  for (const c of e.claims) {
    if (ids.has(c.id)) throw new Error(`${e.id}: two claims are called '${c.id}'`);
    ids.add(c.id);
    // A claim is data decided by the one rule; the old form that decided by its own evaluate() is no longer run.
    if (typeof (c as { test?: unknown }).test !== "function" || typeof c.runs !== "object" || c.runs === null)
      throw new Error(
        `${e.id}: claim '${c.id}' has no runs and test; state it with defineClaim (see src/experiments/claims/vocabulary.ts)`,
      );
  }
  return e;
}
