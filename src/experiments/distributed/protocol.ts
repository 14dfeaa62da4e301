/**
 * What a run and its workers agree on in Redis. A run (one runExperiment call with a Redis executor) owns:
 *   mmsim:run:<id>            its descriptor (JSON: experiment, job count, the code identity it needs, who submitted),
 *                             with a time-to-live the submitter refreshes: a run whose submitter died expires
 *   mmsim:run:<id>:refused    workers that refused it, and why (a hash the submitter reads and prints)
 *   mmsim:run-<id>:*          its BullMQ queue "run-<id>": one job per replication, id "p<index>"
 * and is a member of the set mmsim:runs while it is active. Workers poll that set, join the runs whose code identity
 * matches theirs, refuse the others, and remove runs whose descriptor has expired. When a run ends, however it ends,
 * the submitter removes all of it.
 *
 * Job data is JSON (parameters and a seed: never code); a worker checks it against the experiment's schema before
 * running it. Results travel as V8's serialisation (what worker_threads' postMessage uses), so NaN, -0 and typed
 * arrays in chart detail come back exactly as from a local worker thread.
 */
import { randomBytes } from "node:crypto";
import * as v8 from "node:v8";
import type { Redis } from "ioredis";
import type { Job, JobResult } from "../runner";
import { isCodeIdentity, type CodeIdentity } from "./code-identity";

/** BullMQ's key prefix and the prefix of mmsim's own keys. */
export const PREFIX = "mmsim";
export const RUNS_KEY = `${PREFIX}:runs`;
export const runKey = (id: string) => `${PREFIX}:run:${id}`;
export const refusedKey = (id: string) => `${PREFIX}:run:${id}:refused`;
/** Published to (message: the run id) when a run starts or ends, so workers look at once. */
export const ANNOUNCE_CHANNEL = `${PREFIX}:announce`;
/** BullMQ queue names may not contain ':'. */
export const queueName = (id: string) => `run-${id}`;

/**
 * How often the submitter refreshes its descriptor, and how long the descriptor lives without a refresh (long enough
 * for a notebook that blocks its event loop with an inline run beside a distributed one).
 */
export const HEARTBEAT_MS = 2000;
export const RUN_TTL_MS = 30_000;
/** How often a worker looks for new and ended runs. */
export const POLL_MS = 500;
/** Default job lock: a killed worker's jobs run again elsewhere after at most about twice this. */
export const DEFAULT_LOCK_MS = 10_000;
/** A replication whose worker died this many times fails its run (it may be what kills them, e.g. memory). */
export const MAX_STALLS = 5;

export interface RunDescriptor {
  id: string;
  experiment: string;
  jobs: number;
  /** The code a worker must run to take this run's jobs. */
  identity: CodeIdentity;
  /** host:pid of the submitting process. */
  submitter: string;
  created: string;
}

export interface JobData {
  index: number;
  job: Job;
}

export interface JobReturn {
  /** The JobResult, V8-serialised, base64. */
  result: string;
  /** host:pid of the worker that computed it. */
  worker: string;
}

export function encodeResult(r: JobResult): string {
  return v8.serialize(r).toString("base64");
}

export function decodeResult(s: string): JobResult {
  return v8.deserialize(Buffer.from(s, "base64")) as JobResult;
}

/** Parses a descriptor read from Redis; null when it is missing or not one of ours. */
export function parseDescriptor(text: string | null): RunDescriptor | null {
  if (text === null) return null;
  try {
    const d = JSON.parse(text) as RunDescriptor;
    return typeof d.id === "string" && typeof d.experiment === "string" && isCodeIdentity(d.identity) ? d : null;
  } catch {
    return null;
  }
}

/** A fresh run id: the experiment, the time and 32 random bits, so concurrent runs never share one. */
export function newRunId(experiment: string): string {
  return `${experiment}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

/**
 * Deletes every key of a run: its descriptor, refusals and all of its queue's keys. BullMQ's obliterate removes the
 * jobs, but a worker still closing can write a key or two after it (its stalled-check marker, the queue's meta), so
 * the submitter and every worker that leaves a run call this after their own queue handles are closed.
 */
export async function removeRunKeys(redis: Redis, id: string): Promise<void> {
  const pattern = `${PREFIX}:${queueName(id)}:*`;
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    if (found.length > 0) await redis.del(...found);
  } while (cursor !== "0");
  await redis.del(runKey(id), refusedKey(id));
}
