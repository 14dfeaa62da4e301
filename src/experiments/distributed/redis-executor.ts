/**
 * The distributed executor: a run's replications become jobs of a BullMQ queue of its own ("run-<id>") on Redis,
 * `mmsim worker` processes on any machine compute them with the local pool's code (runJob on worker threads), and the
 * results are gathered in job order, so the result set is the one a local run builds. See protocol.ts for what lives
 * in Redis and docs in README.md ("Sweeps on other machines").
 *
 * Faults, as the tests check them: a worker killed mid-job loses nothing (BullMQ's stalled-job check on the other
 * workers puts its job back; each result is counted once, by job id); a replication that throws fails the run with
 * the same message as locally, at once, and the other jobs are withdrawn; Redis unreachable for longer than
 * `reconnectGraceMs` fails the run; SIGINT and SIGTERM withdraw the run's jobs before the process ends. However a run
 * ends, its queue, descriptor and refusals are removed (a run whose submitter died is removed by the first worker
 * that sees its descriptor expire).
 */
import * as os from "node:os";
import { Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import type { Experiment } from "../experiment";
import type { ClosableExecutor, ProgressFn } from "../executor";
import { replicationFailure, RunFailedError } from "../executor";
import { findExperiment } from "../registry";
import type { Job, JobResult } from "../runner";
import { codeIdentity } from "./code-identity";
import {
  ANNOUNCE_CHANNEL,
  decodeResult,
  HEARTBEAT_MS,
  newRunId,
  PREFIX,
  queueName,
  refusedKey,
  removeRunKeys,
  RUN_TTL_MS,
  runKey,
  RUNS_KEY,
  type JobData,
  type JobReturn,
  type RunDescriptor,
} from "./protocol";
import { RedisConnection, timeout } from "./redis-connection";
import { ioredisOptions, parseRedisUrl, type RedisTarget } from "./redis-url";

export interface RedisExecutorOptions {
  /** Where notices go (queued, refusals, summary); default: stderr, prefixed "mmsim: ". */
  log?: (line: string) => void;
  /** How long Redis may be unreachable before a run fails (default 5000 ms). */
  reconnectGraceMs?: number;
}

/** A run ended by SIGINT or SIGTERM; its jobs were withdrawn from Redis. */
export class RunCancelledError extends Error {
  constructor(
    readonly signal: NodeJS.Signals,
    message: string,
  ) {
    super(message);
    this.name = "RunCancelledError";
  }
}

export function openRedisExecutor(url: string, options: RedisExecutorOptions = {}): RedisExecutor {
  return new RedisExecutor(parseRedisUrl(url), options);
}

export class RedisExecutor implements ClosableExecutor {
  readonly description: string;
  private connection: RedisConnection | null = null;
  private connecting: Promise<RedisConnection> | null = null;
  readonly log: (line: string) => void;
  readonly graceMs: number;

  constructor(
    readonly target: RedisTarget,
    options: RedisExecutorOptions = {},
  ) {
    this.description = target.display;
    this.log = options.log ?? ((line) => process.stderr.write(`mmsim: ${line}\n`));
    this.graceMs = options.reconnectGraceMs ?? 5000;
  }

  async run(exp: Experiment<any, any>, jobs: Job[], onProgress?: ProgressFn): Promise<JobResult[]> {
    if (findExperiment(exp.id) !== exp)
      throw new RunFailedError(
        `${exp.id}: this experiment is not one of mmsim's registered experiments (defined in a notebook?); workers ` +
          `run only registered experiments, by id. Run it without an executor.`,
      );
    if (jobs.length === 0) return [];
    const connection = await this.connect();
    return new QueueRun(this, connection, exp, jobs, onProgress).execute();
  }

  /** Closes the connection. Call it when no run of this executor is in progress. */
  async close(): Promise<void> {
    const c = this.connection ?? (this.connecting ? await this.connecting.catch(() => null) : null);
    this.connection = null;
    this.connecting = null;
    c?.disconnect();
  }

  private connect(): Promise<RedisConnection> {
    if (this.connection) return Promise.resolve(this.connection);
    this.connecting ??= (async () => {
      const c = new RedisConnection(this.target, `mmsim-submit:${os.hostname()}:${process.pid}`);
      try {
        await c.connect();
      } finally {
        this.connecting = null;
      }
      this.connection = c;
      return c;
    })();
    return this.connecting;
  }
}

/** Runs in progress in this process, for the signal handler. */
const active = new Set<QueueRun>();
let signalsInstalled = false;

function onSignal(signal: NodeJS.Signals): void {
  // Ours is the only listener: the signal's default action (ending the process) is only deferred until the jobs are
  // withdrawn, and taken then. Otherwise (a notebook kernel's interrupt handler, say) the rejected run is the answer.
  const deferredDefault = process.listenerCount(signal) === 1;
  const runs = [...active];
  for (const r of runs) if (r.cancel(signal)) r.executor.log(r.cancelMessage(signal));
  void Promise.all(runs.map((r) => r.cleaned)).then(() => {
    if (!deferredDefault) return;
    uninstallSignals();
    process.kill(process.pid, signal);
  });
}

function installSignals(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

function uninstallSignals(): void {
  if (!signalsInstalled) return;
  signalsInstalled = false;
  process.removeListener("SIGINT", onSignal);
  process.removeListener("SIGTERM", onSignal);
}

/** One run on the queue: submit, watch, gather, clean up. */
class QueueRun {
  private readonly id: string;
  private readonly results: Array<JobResult | undefined>;
  private done = 0;
  private readonly byWorker = new Map<string, number>();
  private readonly refusals = new Set<string>();
  private settled = false;
  private resolve!: (r: JobResult[]) => void;
  private reject!: (e: Error) => void;
  private readonly finished: Promise<JobResult[]>;
  private markCleaned!: () => void;
  readonly cleaned: Promise<void>;
  private queue: Queue | null = null;
  private events: QueueEvents | null = null;
  private eventsClient: Redis | null = null;
  private timers: NodeJS.Timeout[] = [];
  private lagging = 0;
  private announced = false;

  constructor(
    readonly executor: RedisExecutor,
    private readonly connection: RedisConnection,
    private readonly exp: Experiment<any, any>,
    private readonly jobs: Job[],
    private readonly onProgress?: ProgressFn,
  ) {
    this.id = newRunId(exp.id);
    this.results = new Array(jobs.length);
    this.finished = new Promise<JobResult[]>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.finished.catch(() => {});
    this.cleaned = new Promise<void>((r) => (this.markCleaned = r));
  }

  async execute(): Promise<JobResult[]> {
    active.add(this);
    installSignals();
    const t0 = Date.now();
    const submitting = this.submit();
    submitting.catch((e: Error) => this.fail(e));
    try {
      const results = await this.finished;
      const workers = [...this.byWorker].map(([w, n]) => `${w} x${n}`).join(", ");
      this.executor.log(
        `run ${this.id}: ${this.jobs.length} replications on ${this.byWorker.size} worker(s) (${workers}) in ` +
          `${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
      return results;
    } finally {
      // A submission still in flight (cancelled while adding jobs) finishes first, so nothing lands after the cleanup.
      await Promise.race([submitting.catch(() => {}), timeout(5000, "").catch(() => {})]);
      await this.cleanup();
      active.delete(this);
      if (active.size === 0) uninstallSignals();
      this.markCleaned();
    }
  }

  /** Ends the run with an error (the first one wins). */
  fail(e: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(e);
  }

  /** Cancels the run if it is still going; true if it was. */
  cancel(signal: NodeJS.Signals): boolean {
    if (this.settled) return false;
    this.fail(new RunCancelledError(signal, this.cancelMessage(signal)));
    return true;
  }

  cancelMessage(signal: NodeJS.Signals): string {
    const left = this.jobs.length - this.done;
    return `run ${this.id} cancelled by ${signal}: its ${left} unfinished replications are withdrawn from ${this.executor.description}`;
  }

  private async submit(): Promise<void> {
    const redis = this.connection.client;
    const descriptor: RunDescriptor = {
      id: this.id,
      experiment: this.exp.id,
      jobs: this.jobs.length,
      identity: codeIdentity(),
      submitter: `${os.hostname()}:${process.pid}`,
      created: new Date().toISOString(),
    };
    this.watch();
    const name = queueName(this.id);
    this.queue = new Queue(name, { connection: redis, prefix: PREFIX });
    this.queue.on("error", () => {});
    // Its blocking connection is ours, so it can be dropped however the run ends (BullMQ's own close and disconnect
    // wait for a server that may be gone, and its reconnect timers would keep the process alive).
    this.eventsClient = new Redis(ioredisOptions(this.connection.target, `mmsim-events:${this.id}`));
    this.eventsClient.on("error", () => {});
    // A short blocking read: BullMQ keeps a watchdog timer of the read's length, which would hold the process open.
    this.events = new QueueEvents(name, { connection: this.eventsClient, prefix: PREFIX, blockingTimeout: 1000 });
    this.events.on("error", () => {});
    this.events.on("completed", ({ jobId, returnvalue }) => this.completed(jobId, returnvalue));
    this.events.on("failed", ({ jobId, failedReason }) => this.failed(jobId, failedReason));
    await this.events.waitUntilReady();
    // Jobs first, then the announcement: a worker that joins finds them all.
    for (let start = 0; start < this.jobs.length; start += 1000) {
      if (this.settled) return;
      await this.queue.addBulk(
        this.jobs.slice(start, start + 1000).map((job, k) => ({
          name: "replication",
          data: { index: start + k, job } satisfies JobData,
          opts: { jobId: `p${start + k}`, attempts: 1, removeOnComplete: false, removeOnFail: false },
        })),
      );
    }
    if (this.settled) return;
    await redis.set(runKey(this.id), JSON.stringify(descriptor), "PX", RUN_TTL_MS);
    await redis.sadd(RUNS_KEY, this.id);
    await redis.publish(ANNOUNCE_CHANNEL, this.id);
    this.announced = true;
    this.executor.log(
      `run ${this.id}: ${this.jobs.length} replications of ${this.exp.id} queued on ${this.executor.description}`,
    );
  }

  /** Heartbeat, connection watchdog, refusals and a check that no completion event was missed. */
  private watch(): void {
    const redis = this.connection.client;
    const every = (ms: number, f: () => Promise<void> | void) => {
      const t = setInterval(() => {
        if (!this.settled) Promise.resolve(f()).catch(() => {});
      }, ms);
      this.timers.push(t);
    };
    every(250, () => {
      const since = this.connection.downSince;
      if (since !== null && Date.now() - since > this.executor.graceMs)
        this.fail(
          new RunFailedError(
            `lost the connection to Redis at ${this.executor.description} (${this.connection.lastError || "closed"}) ` +
              `and it did not come back within ${this.executor.graceMs / 1000} s; run ${this.id} failed after ` +
              `${this.done} of ${this.jobs.length} replications, and nothing was written`,
          ),
        );
    });
    every(HEARTBEAT_MS, async () => {
      if (!this.announced || this.connection.downSince !== null) return;
      // Refreshes the descriptor; a missing one means the run was removed (it expired, or someone deleted it).
      if ((await redis.pexpire(runKey(this.id), RUN_TTL_MS)) === 0)
        this.fail(
          new RunFailedError(
            `run ${this.id} vanished from ${this.executor.description} (its descriptor expired or was deleted)`,
          ),
        );
    });
    every(1000, async () => {
      if (this.connection.downSince !== null) return;
      const refused = await redis.hgetall(refusedKey(this.id));
      for (const [worker, why] of Object.entries(refused)) {
        if (this.refusals.has(worker)) continue;
        this.refusals.add(worker);
        this.executor.log(`warning: worker ${worker} refused run ${this.id}: ${why}`);
      }
    });
    every(2000, async () => {
      if (!this.queue || this.connection.downSince !== null) return;
      // BullMQ's event stream is trimmed to about 10,000 events: a submitter that fell behind could miss some.
      const c = await this.queue.getJobCounts("completed", "failed");
      const behind = c.completed + c.failed > this.done;
      this.lagging = behind ? this.lagging + 1 : 0;
      if (this.lagging < 2) return;
      for (const job of await this.queue.getJobs(["failed"], 0, -1)) this.failed(String(job.id), job.failedReason);
      for (const job of await this.queue.getJobs(["completed"], 0, -1)) this.completed(String(job.id), job.returnvalue);
    });
  }

  private indexOf(jobId: string): number | null {
    const m = /^p(\d+)$/.exec(jobId);
    const i = m ? Number(m[1]) : NaN;
    return Number.isInteger(i) && i < this.jobs.length ? i : null;
  }

  private completed(jobId: string, value: unknown): void {
    const i = this.indexOf(jobId);
    if (i === null || this.settled || this.results[i] !== undefined) return;
    let ret: JobReturn;
    let r: JobResult;
    try {
      ret = (typeof value === "string" ? JSON.parse(value) : value) as JobReturn;
      r = decodeResult(ret.result);
    } catch (e) {
      return this.fail(
        new RunFailedError(`run ${this.id}: job ${jobId} came back unreadable (${(e as Error).message})`),
      );
    }
    if (r.error !== undefined)
      return this.fail(new RunFailedError(replicationFailure(this.exp.id, this.jobs[i], r.error)));
    this.results[i] = { ...r, index: i };
    this.done++;
    this.byWorker.set(ret.worker, (this.byWorker.get(ret.worker) ?? 0) + 1);
    try {
      this.onProgress?.(this.done, this.jobs.length);
    } catch (e) {
      return this.fail(e instanceof Error ? e : new Error(String(e)));
    }
    if (this.done === this.jobs.length) {
      this.settled = true;
      this.resolve(this.results as JobResult[]);
    }
  }

  private failed(jobId: string, reason: string): void {
    const i = this.indexOf(jobId);
    if (i === null || this.settled || this.results[i] !== undefined) return;
    const job = this.jobs[i];
    const hint = /stalled/i.test(reason) ? " (its workers died while running it: out of memory?)" : "";
    this.fail(
      new RunFailedError(
        `${this.exp.id}: replication with seed ${job.seed} at ${JSON.stringify(job.params)} was not computed: ${reason}${hint}`,
      ),
    );
  }

  /** Removes everything the run put in Redis; bounded in time, since Redis may be the reason the run ended. */
  private async cleanup(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.settled = true;
    const redis = this.connection.client;
    const up = this.connection.downSince === null;
    if (up)
      try {
        await Promise.race([
          (async () => {
            // Jobs first, while the workers still hold the run (a worker that leaves removes the queue's keys,
            // which obliterate must not see half-gone), then the announcement, then whatever a worker wrote since.
            await this.queue?.obliterate({ force: true });
            await redis.srem(RUNS_KEY, this.id);
            await redis.publish(ANNOUNCE_CHANNEL, this.id);
            await removeRunKeys(redis, this.id);
          })(),
          timeout(5000, "cleanup timed out"),
        ]);
      } catch (e) {
        this.executor.log(
          `warning: could not remove run ${this.id} from ${this.executor.description} (${(e as Error).message}); ` +
            `workers remove it when its descriptor expires`,
        );
      }
    const closeOrDrop = async (x: Queue | QueueEvents | null) => {
      if (!x) return;
      // Neither close() nor disconnect() returns while the server is unreachable: bounded, then abandoned (the
      // connections are dropped with the executor's own).
      const bounded = (p: Promise<void>, ms: number) => Promise.race([p, timeout(ms, "timed out")]);
      await bounded(x.close(), up ? 2000 : 100).catch(() => bounded(x.disconnect(), 100).catch(() => {}));
    };
    await Promise.all([closeOrDrop(this.events), closeOrDrop(this.queue)]);
    this.eventsClient?.disconnect();
  }
}
