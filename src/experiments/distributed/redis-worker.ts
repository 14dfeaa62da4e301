/**
 * `mmsim worker`: takes replications from every active run on a Redis server and computes them with the local
 * pool's code (runJob on the shared worker-thread pool), so the main thread stays free to renew BullMQ's job locks
 * however long a replication takes.
 *
 * It joins only runs whose code identity (version, commit, Node major, compiled-code fingerprint) equals its own, and
 * refuses the others with a message both in its log and in the run (the submitter prints it). A job carries only an
 * experiment id, parameters and a seed; the worker runs registered experiments only and checks the parameters
 * against the experiment's schema first, so nothing on the queue is ever executed as code.
 */
import * as os from "node:os";
import { Queue, Worker, type Job as BullJob } from "bullmq";
import type { Redis } from "ioredis";
import { checkInput, type ParamSpec } from "../params";
import { checkRules } from "../rules";
import { findExperiment } from "../registry";
import type { Job } from "../runner";
import { runOnWorkers } from "../worker-pool";
import { codeIdentity, describeIdentity, identityMismatch } from "./code-identity";
import {
  ANNOUNCE_CHANNEL,
  encodeResult,
  MAX_STALLS,
  parseDescriptor,
  POLL_MS,
  PREFIX,
  queueName,
  refusedKey,
  removeRunKeys,
  runKey,
  RUNS_KEY,
  type JobData,
  type JobReturn,
  type RunDescriptor,
} from "./protocol";
import { RedisConnection } from "./redis-connection";
import { ioredisOptions, parseRedisUrl } from "./redis-url";

export interface WorkerServiceOptions {
  url: string;
  /** Replications computed at once (worker threads). */
  concurrency: number;
  /** BullMQ job lock in ms; also the interval of the stalled-job check this worker runs for the others. */
  lockMs: number;
  /** Log every replication. */
  verbose?: boolean;
  log: (line: string) => void;
}

export class WorkerService {
  readonly name = `${os.hostname()}:${process.pid}`;
  private readonly connection: RedisConnection;
  private readonly joined = new Map<string, Worker<JobData, JobReturn>>();
  private readonly refused = new Set<string>();
  private readonly errors = new Set<string>();
  private pollTimer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private pollAgain = false;
  private subscriber: Redis | null = null;
  private stopped = false;
  private running = 0;

  constructor(private readonly options: WorkerServiceOptions) {
    const target = parseRedisUrl(options.url);
    this.connection = new RedisConnection(target, `mmsim-worker:${this.name}`, (up, why) =>
      options.log(
        up ? `reconnected to ${target.display}` : `lost the connection to ${target.display} (${why}); reconnecting`,
      ),
    );
  }

  get display(): string {
    return this.connection.target.display;
  }

  async start(): Promise<void> {
    await this.connection.connectPatiently((why) => this.options.log(`waiting for Redis at ${this.display} (${why})`));
    this.options.log(
      `worker ${this.name} ready on ${this.display}: ${describeIdentity(codeIdentity())}, concurrency ` +
        `${this.options.concurrency}, lock ${this.options.lockMs} ms`,
    );
    // A run's start and end are also announced on a channel, so the worker polls at once instead of at the next
    // tick: small runs (a claim check runs many) would otherwise wait up to POLL_MS each.
    this.subscriber = this.connection.client.duplicate();
    this.subscriber.on("error", () => {});
    this.subscriber.on("message", () => this.pollNow());
    await this.subscriber.subscribe(ANNOUNCE_CHANNEL).catch(() => {});
    await this.pollNow();
  }

  /** Polls now, or right after the poll in progress; then every POLL_MS. */
  private pollNow(): Promise<void> {
    if (this.polling) {
      this.pollAgain = true;
      return this.polling;
    }
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.polling = (async () => {
      do {
        this.pollAgain = false;
        if (this.stopped) return;
        try {
          await this.poll();
        } catch (e) {
          this.once(`poll: ${(e as Error).message}`);
        }
      } while (this.pollAgain);
    })().finally(() => {
      this.polling = null;
      if (!this.stopped) this.pollTimer = setTimeout(() => void this.pollNow(), POLL_MS);
    });
    return this.polling;
  }

  /**
   * Stops taking jobs. `graceful` lets the running replications finish and report first (bounded: a result that
   * cannot be delivered, Redis being gone, is given up after 3 s); otherwise they are left to the other workers'
   * stalled-job check.
   */
  async stop(graceful: boolean): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    const workers = [...this.joined.values()];
    this.joined.clear();
    const closing = Promise.all(workers.map((w) => w.close(!graceful).catch(() => {})));
    const idle = async () => {
      while (this.running > 0) await sleep(100);
    };
    await Promise.race([closing, graceful ? idle().then(() => sleep(3000)) : sleep(1000)]);
    await Promise.all(workers.map((w) => w.disconnect().catch(() => {})));
    this.subscriber?.disconnect();
    this.connection.disconnect();
  }

  get busy(): number {
    return this.running;
  }

  private once(message: string): void {
    if (this.errors.has(message)) return;
    this.errors.add(message);
    this.options.log(`error: ${message}`);
  }

  private async poll(): Promise<void> {
    const redis = this.connection.client;
    const ids = new Set(await redis.smembers(RUNS_KEY));
    for (const [id, worker] of this.joined)
      if (!ids.has(id)) {
        this.joined.delete(id);
        this.options.log(`run ${id} ended`);
        // Once our handle is closed, nothing of ours writes to the run's keys again: remove what is left.
        void worker
          .close(true)
          .then(() => removeRunKeys(redis, id))
          .catch(() => {});
      }
    for (const id of this.refused) if (!ids.has(id)) this.refused.delete(id);
    for (const id of ids) {
      if (this.stopped || this.joined.has(id) || this.refused.has(id)) continue;
      const d = parseDescriptor(await redis.get(runKey(id)));
      if (d === null) await this.removeAbandoned(id);
      else this.consider(d);
    }
  }

  private consider(d: RunDescriptor): void {
    const mine = codeIdentity();
    const mismatch = identityMismatch(d.identity, mine);
    if (mismatch !== null || !findExperiment(d.experiment)) {
      this.refused.add(d.id);
      const why =
        mismatch !== null
          ? `it needs ${describeIdentity(d.identity)}; this worker runs ${describeIdentity(mine)} (${mismatch})`
          : `experiment '${d.experiment}' is not registered in this worker's mmsim`;
      this.options.log(`refusing run ${d.id} (${d.experiment} from ${d.submitter}): ${why}`);
      const redis = this.connection.client;
      // Removed with the run, by its submitter or by the worker that finds it abandoned.
      void redis.hset(refusedKey(d.id), this.name, why).catch(() => {});
      return;
    }
    const worker = new Worker<JobData, JobReturn>(queueName(d.id), (job) => this.process(job, d), {
      connection: ioredisOptions(this.connection.target, `mmsim-worker:${this.name}:${d.id}`),
      prefix: PREFIX,
      name: this.name,
      concurrency: this.options.concurrency,
      lockDuration: this.options.lockMs,
      stalledInterval: this.options.lockMs,
      maxStalledCount: MAX_STALLS,
      drainDelay: 1,
    });
    worker.on("error", (e) => this.once(`run ${d.id}: ${e.message}`));
    worker.on("failed", (job, e) => {
      if (job && !this.stopped) this.options.log(`run ${d.id}: job ${job.id} failed: ${e.message}`);
    });
    this.joined.set(d.id, worker);
    this.options.log(`joined run ${d.id} (${d.jobs} replications of ${d.experiment} from ${d.submitter})`);
  }

  private async process(bull: BullJob<JobData, JobReturn>, d: RunDescriptor): Promise<JobReturn> {
    const job = checkJob(bull.data, d.experiment);
    const t0 = Date.now();
    if (this.options.verbose)
      this.options.log(`start ${bull.id} of run ${d.id}: seed ${job.seed} at ${JSON.stringify(job.params)}`);
    this.running++;
    try {
      const [r] = await runOnWorkers([job], this.options.concurrency);
      if (this.options.verbose)
        this.options.log(
          `done ${bull.id} of run ${d.id} in ${((Date.now() - t0) / 1000).toFixed(2)} s${r.error ? `: ${r.error}` : ""}`,
        );
      return { result: encodeResult(r), worker: this.name };
    } finally {
      this.running--;
    }
  }

  /** A run whose descriptor expired: its submitter died without cleaning up. */
  private async removeAbandoned(id: string): Promise<void> {
    const redis = this.connection.client;
    const queue = new Queue(queueName(id), { connection: redis, prefix: PREFIX });
    queue.on("error", () => {});
    try {
      await queue.obliterate({ force: true });
      await redis.srem(RUNS_KEY, id);
      await removeRunKeys(redis, id);
      this.options.log(`removed abandoned run ${id} (its submitter stopped refreshing it)`);
    } finally {
      await queue.close();
    }
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A job as read from the queue, checked as input from outside: a registered experiment (the run's own), a complete
 * set of valid parameter values, a seed. Throws naming what is wrong; the job then fails and the run with it.
 */
export function checkJob(data: unknown, experiment: string): Job {
  const d = data as Partial<JobData> | null;
  const job = d?.job as Partial<Job> | undefined;
  if (typeof d !== "object" || d === null || typeof job !== "object" || job === null)
    throw new Error("refused: the job is not an mmsim replication");
  if (job.experiment !== experiment)
    throw new Error(`refused: the job names experiment ${JSON.stringify(job.experiment)}, its run is '${experiment}'`);
  const exp = findExperiment(experiment);
  if (!exp) throw new Error(`refused: experiment '${experiment}' is not registered in this worker's mmsim`);
  const params = job.params as Record<string, unknown> | undefined;
  if (typeof params !== "object" || params === null || Array.isArray(params))
    throw new Error("refused: the job has no parameters");
  const plan = checkInput(exp.params, params) as Record<string, unknown[]>;
  const specs = exp.params as Record<string, ParamSpec>;
  for (const name of Object.keys(specs))
    if (!(name in params) || Array.isArray(params[name]) || plan[name][0] !== params[name])
      throw new Error(`refused: parameter '${name}' is missing or not a single checked value`);
  if (!Number.isSafeInteger(job.seed) || (job.seed as number) < 0)
    throw new Error(`refused: seed ${JSON.stringify(job.seed)} is not a non-negative integer`);
  if (!Number.isInteger(job.point) || (job.point as number) < 0)
    throw new Error(`refused: point ${JSON.stringify(job.point)} is not a non-negative integer`);
  if (typeof job.detail !== "boolean") throw new Error("refused: detail is not a boolean");
  const checked: Record<string, unknown> = {};
  for (const name of Object.keys(specs)) checked[name] = plan[name][0];
  try {
    checkRules(exp.id, exp.rules, [checked as never]);
  } catch (e) {
    throw new Error(`refused: ${(e as Error).message}`, { cause: e });
  }
  return { experiment, point: job.point as number, params: checked, seed: job.seed as number, detail: job.detail };
}
