/**
 * Sweeps cut into shards for batch schedulers (Slurm job arrays, Kubernetes indexed jobs, GNU parallel), and merged
 * back into the output the one run would have printed, byte for byte.
 *
 * The split: the run's replications (sweep point x seed, in the runner's job order) are dealt round-robin, job i to
 * shard (i mod N) + 1, so every shard gets a similar mix of cheap and expensive points. K is 1-based, as Slurm's
 * array indices usually are (a Kubernetes indexed job passes $((JOB_COMPLETION_INDEX + 1))).
 *
 * A shard writes a part file: what the run was (experiment, checked parameters, seeds, output format, the code
 * identity that computed it, K and N) and the values of its replications. Merging checks that the parts belong to one
 * run and are all there, then runs the experiment again through runExperiment with an executor that answers every
 * job from the parts, so the result set and its printing go through exactly the code of a normal run.
 */
import * as fs from "node:fs";
import type { Experiment } from "../experiment";
import type { Executor, ProgressFn } from "../executor";
import type { Job, JobResult } from "../runner";
import { describeIdentity, identityMismatch, isCodeIdentity, type CodeIdentity } from "./code-identity";

export const PART_FORMAT = 1;

export interface PartResult {
  /** The job's index in the whole run. */
  job: number;
  point: number;
  seed: number;
  /** Observable values; NaN, the infinities and -0 (which JSON cannot hold) as the strings "NaN", "-0", ... */
  values: Record<string, number | string>;
}

export interface PartFile {
  mmsim: "part";
  partFormat: number;
  experiment: string;
  /** The checked parameters: every parameter with its list of values. */
  params: Record<string, unknown[]>;
  seeds: number;
  seedBase: number;
  /** The output format the merged run prints. */
  format: string;
  build: CodeIdentity;
  shard: number;
  shards: number;
  /** Replications in the whole run. */
  replications: number;
  results: PartResult[];
}

/** Refusal to merge (or a malformed shard request): a RangeError, so the CLI exits 2 with just the message. */
export class PartError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "PartError";
  }
}

/** Parses "K/N" (1 <= K <= N). */
export function parseShard(text: string): { shard: number; shards: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const shard = m ? Number(m[1]) : NaN;
  const shards = m ? Number(m[2]) : NaN;
  if (!m || shards < 1 || shards > 100_000 || shard < 1 || shard > shards)
    throw new PartError(
      `option --shard: ${JSON.stringify(text)} is not allowed; expected K/N with 1 <= K <= N <= 100000 (K is 1-based)`,
    );
  return { shard, shards };
}

/** Does job `i` belong to shard K of N? */
export const inShard = (i: number, shard: number, shards: number) => i % shards === shard - 1;

function encodeNumber(v: number): number | string {
  return Number.isFinite(v) && !Object.is(v, -0) ? v : String(Object.is(v, -0) ? "-0" : v);
}

function decodeNumber(v: number | string): number {
  if (typeof v === "number") return v;
  if (v === "-0") return -0;
  if (v === "NaN" || v === "Infinity" || v === "-Infinity") return Number(v);
  throw new PartError(`value ${JSON.stringify(v)} is not a number`);
}

/**
 * Wraps an executor to run only shard K of N of a run's jobs. The jobs of the other shards are answered with NaN
 * (the result set runExperiment returns is therefore not the run's; the part file is what counts).
 */
export class ShardExecutor implements Executor {
  readonly description: string;
  results: PartResult[] | null = null;
  replications = 0;

  constructor(
    private readonly inner: Executor,
    readonly shard: number,
    readonly shards: number,
  ) {
    this.description = `${inner.description}, shard ${shard}/${shards}`;
  }

  async run(exp: Experiment<any, any>, jobs: Job[], onProgress?: ProgressFn): Promise<JobResult[]> {
    if (this.results) throw new Error("a ShardExecutor runs one run");
    const mine = jobs.map((_, i) => i).filter((i) => inShard(i, this.shard, this.shards));
    const got = await this.inner.run(
      exp,
      mine.map((i) => jobs[i]),
      onProgress,
    );
    const skipped = Object.fromEntries(Object.keys(exp.observables).map((name) => [name, NaN]));
    const all: JobResult[] = jobs.map((_, i) => ({ index: i, values: skipped }));
    mine.forEach((i, k) => (all[i] = { ...got[k], index: i }));
    this.replications = jobs.length;
    this.results = mine.map((i, k) => ({
      job: i,
      point: jobs[i].point,
      seed: jobs[i].seed,
      values: Object.fromEntries(Object.entries(got[k].values ?? {}).map(([n, v]) => [n, encodeNumber(v)])),
    }));
    return all;
  }

  /** The part file of the finished shard. */
  part(run: Pick<PartFile, "experiment" | "params" | "seeds" | "seedBase" | "format" | "build">): PartFile {
    if (!this.results) throw new Error("the shard has not run");
    return {
      mmsim: "part",
      partFormat: PART_FORMAT,
      ...run,
      shard: this.shard,
      shards: this.shards,
      replications: this.replications,
      results: this.results,
    };
  }
}

/** Reads and shape-checks a part file; errors name the file. */
export function readPart(file: string): PartFile {
  let p: PartFile;
  try {
    p = JSON.parse(fs.readFileSync(file, "utf8")) as PartFile;
  } catch (e) {
    throw new PartError(
      `${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`,
    );
  }
  const ok =
    typeof p === "object" &&
    p !== null &&
    p.mmsim === "part" &&
    typeof p.experiment === "string" &&
    typeof p.params === "object" &&
    p.params !== null &&
    Number.isInteger(p.seeds) &&
    Number.isInteger(p.seedBase) &&
    typeof p.format === "string" &&
    isCodeIdentity(p.build) &&
    Number.isInteger(p.shard) &&
    Number.isInteger(p.shards) &&
    Number.isInteger(p.replications) &&
    Array.isArray(p.results);
  if (!ok) throw new PartError(`${file} is not an mmsim part file (written by mmsim experiment ... --shard K/N --out)`);
  if (p.partFormat !== PART_FORMAT)
    throw new PartError(`${file}: part format ${p.partFormat} is not readable by this mmsim (format ${PART_FORMAT})`);
  return p;
}

const seedText = (p: PartFile) => `${p.seeds} seeds from ${p.seedBase}`;

/**
 * Checks that the parts are the complete set of shards of one run: same experiment, parameters, seeds, format,
 * shard count and code; each shard once; each part holding exactly its shard's replications. Throws a PartError
 * naming what differs and in which files.
 */
export function checkParts(parts: Array<{ file: string; part: PartFile }>): void {
  if (parts.length === 0) throw new PartError("name the part files to merge: mmsim merge part-*.json");
  const { file: f0, part: p0 } = parts[0];
  for (const { file, part: p } of parts.slice(1)) {
    const differ = (what: string, a: string, b: string) => {
      throw new PartError(`cannot merge: ${what} differ: ${f0} has ${a}, ${file} has ${b}`);
    };
    if (p.experiment !== p0.experiment) differ("the experiments", p0.experiment, p.experiment);
    for (const name of new Set([...Object.keys(p0.params), ...Object.keys(p.params)])) {
      const a = JSON.stringify(p0.params[name]);
      const b = JSON.stringify(p.params[name]);
      if (a !== b) differ(`the parameters`, `${name}=${a ?? "(none)"}`, `${name}=${b ?? "(none)"}`);
    }
    if (p.seeds !== p0.seeds || p.seedBase !== p0.seedBase) differ("the seeds", seedText(p0), seedText(p));
    if (p.format !== p0.format) differ("the output formats", p0.format, p.format);
    const mismatch = identityMismatch(p0.build, p.build);
    if (mismatch !== null)
      differ("the code that computed them", describeIdentity(p0.build), `${describeIdentity(p.build)} (${mismatch})`);
    if (p.shards !== p0.shards || p.replications !== p0.replications)
      differ("the shard counts", `1 of ${p0.shards} shards`, `1 of ${p.shards}`);
  }
  const byShard = new Map<number, string>();
  for (const { file, part: p } of parts) {
    if (p.shard < 1 || p.shard > p.shards)
      throw new PartError(`${file}: shard ${p.shard} of ${p.shards} is not a shard`);
    const other = byShard.get(p.shard);
    if (other !== undefined)
      throw new PartError(`cannot merge: shard ${p.shard}/${p.shards} is given twice: ${other} and ${file}`);
    byShard.set(p.shard, file);
    const want: number[] = [];
    for (let i = p.shard - 1; i < p.replications; i += p.shards) want.push(i);
    const have = p.results.map((r) => r.job);
    if (have.length !== want.length || have.some((j, k) => j !== want[k]))
      throw new PartError(`${file}: does not hold exactly the replications of shard ${p.shard}/${p.shards} (altered?)`);
  }
  const missing: number[] = [];
  for (let k = 1; k <= p0.shards; k++) if (!byShard.has(k)) missing.push(k);
  if (missing.length > 0)
    throw new PartError(
      `cannot merge: ${missing.length === 1 ? "shard" : "shards"} ${missing.map((k) => `${k}/${p0.shards}`).join(", ")} ` +
        `${missing.length === 1 ? "is" : "are"} missing (given: ${[...byShard.keys()].sort((a, b) => a - b).join(", ")})`,
    );
}

/** Answers every job of the merged run from the parts' results (checked to be the same point and seed). */
export class ReplayExecutor implements Executor {
  readonly description = "merged parts";
  private readonly byJob = new Map<number, PartResult>();

  constructor(parts: PartFile[]) {
    for (const p of parts) for (const r of p.results) this.byJob.set(r.job, r);
  }

  async run(exp: Experiment<any, any>, jobs: Job[], onProgress?: ProgressFn): Promise<JobResult[]> {
    return jobs.map((job, i) => {
      const r = this.byJob.get(i);
      if (!r || r.point !== job.point || r.seed !== job.seed)
        throw new PartError(
          `the parts do not match this mmsim's plan of the run at replication ${i} (point ${job.point}, seed ${job.seed})`,
        );
      const values: Record<string, number> = {};
      for (const name of Object.keys(exp.observables)) {
        if (!(name in r.values)) throw new PartError(`replication ${i} has no value of observable '${name}'`);
        values[name] = decodeNumber(r.values[name]);
      }
      onProgress?.(i + 1, jobs.length);
      return { index: i, values };
    });
  }
}
