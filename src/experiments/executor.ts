/**
 * Where the replications of a run execute. runExperiment plans the jobs (one per sweep point and seed, in a fixed
 * order) and hands them to an Executor, which returns one result per job in the same order; the result set is built
 * from them the same way whatever ran them, so an executor never changes a result.
 *
 * Two kinds exist: the local one (inline, or the shared worker-thread pool of worker-pool.ts) and the distributed one
 * (distributed/redis-executor.ts: BullMQ on Redis, workers started with `mmsim worker`). The distributed one is loaded
 * only when a run names it, so neither bullmq nor ioredis is ever loaded on the local path.
 */
import * as os from "node:os";
import type { Experiment } from "./experiment";
import { findExperiment } from "./registry";
import { runJob, type Job, type JobResult } from "./runner";
import { runOnWorkers } from "./worker-pool";

export type ProgressFn = (done: number, total: number) => void;

export interface Executor {
  /** What runs the jobs, for messages: "local", "redis://host:6379" (never a password). */
  readonly description: string;
  /**
   * Runs every job of `exp` and resolves with their results in job order (`results[i]` answers `jobs[i]`, with
   * `index` i). `onProgress(done, total)` is called once per finished job. A job whose scenario threw comes back as a
   * result with `error` (the runner names it), or the executor rejects early with replicationFailure()'s message.
   */
  run(exp: Experiment<any, any>, jobs: Job[], onProgress?: ProgressFn): Promise<JobResult[]>;
}

/** A distributed executor the caller opened and must close (every connection it holds). */
export interface ClosableExecutor extends Executor {
  close(): Promise<void>;
}

/**
 * A run that failed for a reason outside its input and its model (Redis went away, a worker could not take a job):
 * the CLI prints the message alone and exits 1.
 */
export class RunFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunFailedError";
  }
}

/** The message a failed replication fails its run with, wherever it ran. */
export function replicationFailure(experiment: string, job: Job, error: string): string {
  return `${experiment}: replication with seed ${job.seed} at ${JSON.stringify(job.params)} failed: ${error}`;
}

/**
 * The local executor: inline when there is one worker or one job, or when the experiment is neither in the registry
 * nor names its `module` (a worker thread loads experiments by id or from their module, so one defined in a notebook
 * cell runs in the notebook's thread); otherwise
 * on the shared pool with at most `workers` threads (default: the machine's cores).
 */
export function localExecutor(workers?: number): Executor {
  const maxWorkers = localWorkers(workers);
  return {
    description: "local",
    async run(exp, jobs, onProgress) {
      // A worker loads a built-in experiment by id and another from its module; one with neither runs inline.
      const loadable = findExperiment(exp.id) === exp || exp.module !== undefined;
      const inline = maxWorkers === 1 || jobs.length <= 1 || !loadable;
      if (!inline) return runOnWorkers(jobs, Math.min(maxWorkers, jobs.length), onProgress);
      return jobs.map((job, i) => {
        const r = runJob(exp, job, i);
        onProgress?.(i + 1, jobs.length);
        return r;
      });
    },
  };
}

/**
 * The worker threads a local run may use: `workers` (default: the machine's cores), capped at the cores (more
 * threads than cores only add memory: 256 of them on 2 cores peaked at 3 GB).
 */
export function localWorkers(workers?: number, cores: number = os.availableParallelism()): number {
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1))
    throw new RangeError(`workers must be an integer >= 1, got ${workers}`);
  return Math.min(workers ?? cores, cores);
}

/** True for the executor URLs mmsim knows: redis://... and rediss://... (TLS). */
export function isExecutorUrl(spec: string): boolean {
  return /^rediss?:\/\//i.test(spec);
}

/**
 * Opens the executor a URL names: `redis://[user:password@]host[:port][/db]` or `rediss://...` for TLS. Loads
 * bullmq and ioredis on first use. The caller closes it.
 */
export function openExecutor(url: string): ClosableExecutor {
  if (!isExecutorUrl(url))
    throw new RangeError(
      `executor ${JSON.stringify(url)} is not allowed; expected redis://[user:password@]host[:port] or rediss://... (TLS)`,
    );
  const { openRedisExecutor } =
    require("./distributed/redis-executor") as typeof import("./distributed/redis-executor");
  return openRedisExecutor(url);
}

/**
 * Runs a run's jobs where its options say: `executor` (an Executor, or a URL opened for this run and closed after
 * it) or else the local pool with `workers` threads.
 */
export async function runJobs(
  exp: Experiment<any, any>,
  jobs: Job[],
  options: { executor?: Executor | string; workers?: number; onProgress?: ProgressFn },
): Promise<JobResult[]> {
  const spec = options.executor;
  if (spec === undefined) return localExecutor(options.workers).run(exp, jobs, options.onProgress);
  if (typeof spec !== "string") return spec.run(exp, jobs, options.onProgress);
  const executor = openExecutor(spec);
  try {
    return await executor.run(exp, jobs, options.onProgress);
  } finally {
    await executor.close();
  }
}
