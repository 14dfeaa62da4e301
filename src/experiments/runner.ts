/**
 * Runs an experiment: checks the input, expands the sweep, runs every (sweep point, seed) replication inline or on
 * worker threads, and collects a ResultSet. Replications are independent and deterministic in (params, seed), and
 * results are assembled in job order, so the output is identical whatever the worker count.
 */
import type { Experiment, ObservableSpec } from "./experiment";
import { replicationFailure, runJobs, RunFailedError, type Executor } from "./executor";
import { checkInput, type ParamInput, type ParamSpecs, type ParamValues } from "./params";
import { ResultSet, type Replication } from "./results";
import { checkPlan } from "./rules";

export interface RunOptions {
  /** Replications per sweep point (default 5). */
  seeds?: number;
  /** First seed; replication i uses seedBase + i (default 1). Claim tests use seeds the notebooks never do. */
  seedBase?: number;
  /** Worker threads (default, and at most: the machine's cores, at most one per job; 1 runs inline). */
  workers?: number;
  /** Collect each replication's chart detail. */
  detail?: boolean;
  /** Called after each replication with (done, total). */
  onProgress?: (done: number, total: number) => void;
  /**
   * Where the replications run (never changes a result): the local pool by default, an Executor, or
   * "redis://[user:password@]host:port" / "rediss://..." for workers started with `mmsim worker` (see executor.ts).
   */
  executor?: Executor | string;
  /** The most replications (sweep points x seeds) the run may have: a bigger one is refused before any runs. */
  maxReplications?: number;
}

export interface Job {
  experiment: string;
  point: number;
  params: Record<string, unknown>;
  seed: number;
  detail: boolean;
  /** Where a worker loads a non-built-in experiment from (Experiment.module). */
  module?: string;
}

export interface JobResult {
  index: number;
  values?: Record<string, number>;
  detail?: unknown;
  error?: string;
}

/**
 * The seeds a run uses: `seedBase`, `seedBase + 1`, ... (`seeds` of them).
 *
 * @example
 * seedList({ seeds: 3, seedBase: 10 }); // [10, 11, 12]
 */
export function seedList(options: RunOptions): number[] {
  const n = options.seeds ?? 5;
  const base = options.seedBase ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > 10_000)
    throw new RangeError(`seeds must be an integer in [1, 10000], got ${n}`);
  if (!Number.isSafeInteger(base) || base < 0)
    throw new RangeError(`seedBase must be a non-negative integer, got ${base}`);
  // Compared without computing the last seed, which past 2^53 would round.
  if (base > Number.MAX_SAFE_INTEGER - (n - 1))
    throw new RangeError(
      `seedBase ${base} with ${n} seeds makes the last seed ${BigInt(base) + BigInt(n - 1)}, past the largest safe ` +
        `integer ${Number.MAX_SAFE_INTEGER}: seedBase must be at most ${Number.MAX_SAFE_INTEGER - (n - 1)}`,
    );
  return Array.from({ length: n }, (_, i) => base + i);
}

/**
 * Runs every sweep point of `input` on `options.seeds` seeds, on the worker pool (or inline with `workers: 1`), and
 * collects the results. Nothing is returned until every replication succeeded; bad input fails before any runs.
 *
 * @example
 * const rs = await runExperiment(findExperiment("lock-contention"), { threads: [2, 8, 32] }, { seeds: 5 });
 * rs.stat("meanWaitNs", { threads: 8 }); // { mean, ci95, n, sd }
 */
export async function runExperiment<S extends ParamSpecs, D, O extends string>(
  exp: Experiment<S, D, O>,
  input: ParamInput<S> = {} as ParamInput<S>,
  options: RunOptions = {},
): Promise<ResultSet<S, D, O>> {
  const plan = checkInput(exp.params, input as Record<string, unknown>);
  const seeds = seedList(options);
  // Before anything runs: the run's size, then every sweep point against the experiment's rules.
  const points = checkPlan(exp, plan, seeds.length, options.maxReplications, undefined, Object.keys(input));
  const jobs: Job[] = [];
  points.forEach((params, point) => {
    for (const seed of seeds)
      jobs.push({
        experiment: exp.id,
        point,
        params,
        seed,
        detail: options.detail ?? false,
        ...(exp.module === undefined ? {} : { module: exp.module }),
      });
  });
  const t0 = Date.now();
  const results = await runJobs(exp, jobs, options);
  const replications: Array<Replication<S, D>> = jobs.map((job, i) => {
    const r = results[i];
    if (r.error !== undefined) {
      throw new RunFailedError(replicationFailure(exp.id, job, r.error));
    }
    return {
      point: job.point,
      params: job.params as ParamValues<S>,
      seed: job.seed,
      values: r.values!,
      detail: r.detail as D | undefined,
    };
  });
  return new ResultSet<S, D, O>(exp.id, plan, points, seeds, exp.observables, replications, Date.now() - t0);
}

/** Runs one job; shared by the inline path and the worker. */
export function runJob(exp: Experiment<any, any>, job: Job, index: number): JobResult {
  try {
    const r = exp.scenario(job.params as never, job.seed, { detail: job.detail });
    for (const [name, spec] of Object.entries(exp.observables as Record<string, ObservableSpec>)) {
      if (typeof r.values[name] !== "number") throw new Error(`scenario did not report observable '${name}'`);
      if (spec.samples !== undefined && typeof r.values[spec.samples] !== "number")
        throw new Error(`scenario did not report '${spec.samples}', the sample count of observable '${name}'`);
    }
    return { index, values: r.values, detail: job.detail ? r.detail : undefined };
  } catch (e) {
    return { index, error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Marks input that only the run-time check sees (a test of the checks, input read from a file): it is not checked
 * against the experiment's parameter types at compile time, only by runExperiment when it runs.
 *
 * @example
 * await assert.rejects(runExperiment(exp, unchecked({ thread: 3 })), /did you mean 'threads'/);
 */
export function unchecked(input: Record<string, unknown>): any {
  return input;
}
