/**
 * Where a CLI run computes and where its output goes: `--executor redis://...` (workers on other machines),
 * `--shard K/N` (one share, for a batch scheduler; merged by `mmsim merge`) and `--out FILE`. Shared by
 * `mmsim experiment` and `mmsim claims`; none of it changes a result.
 */
import type { Experiment } from "../experiments/experiment";
import { isExecutorUrl, localExecutor, openExecutor, type Executor, type ProgressFn } from "../experiments/executor";
import { runExperiment, type RunOptions } from "../experiments/runner";
import { writeFileAtomic } from "../notebook/atomic-write";
import { lastOption, UsageError, type ParsedArgs } from "./args";

export const PLACEMENT_OPTIONS = ["executor", "shard", "out"];

export const PLACEMENT_HELP = [
  "  --executor redis://[user:password@]host[:port]   compute on `mmsim worker` processes (rediss:// for TLS)",
  "  --shard K/N        compute only share K of N (1-based: K = 1..N) and write it as a part file (JSON)",
  "                     for `mmsim merge part-*.json`, which prints what the whole run would have",
  "  --out FILE         write the output (or the part file) to FILE instead of stdout",
].join("\n");

export interface Placement {
  executor?: string;
  shard?: { shard: number; shards: number };
  out?: string;
}

export function parsePlacement(args: ParsedArgs, allowShard = true): Placement {
  const executor = lastOption(args, "executor");
  const shard = lastOption(args, "shard");
  const out = lastOption(args, "out");
  const p: Placement = {};
  if (executor !== undefined) {
    if (executor === true || !isExecutorUrl(executor))
      throw new UsageError(
        `option --executor: ${JSON.stringify(executor)} is not allowed; expected redis://[user:password@]host[:port] or rediss://...`,
      );
    // The whole URL is checked now, before anything runs (redis-url.ts loads neither bullmq nor ioredis).
    const { parseRedisUrl } =
      require("../experiments/distributed/redis-url") as typeof import("../experiments/distributed/redis-url");
    try {
      parseRedisUrl(executor);
    } catch (e) {
      throw new UsageError(`option --executor: ${(e as Error).message}`);
    }
    p.executor = executor;
  }
  if (shard !== undefined) {
    if (!allowShard) throw new UsageError("option --shard is not supported here");
    const { parseShard } =
      require("../experiments/distributed/shard") as typeof import("../experiments/distributed/shard");
    p.shard = parseShard(String(shard));
  }
  if (out !== undefined) {
    if (out === true || out === "") throw new UsageError("option --out needs a file name");
    p.out = out;
  }
  return p;
}

/**
 * Progress on stderr: redrawn in place on a terminal, otherwise a line at most every 2 s and at the end. With
 * `afterMs`, nothing until the run has taken that long (a quick run prints nothing).
 */
export function stderrProgress(label: string, afterMs = 0): ProgressFn {
  const tty = process.stderr.isTTY === true;
  const start = Date.now();
  let last = 0;
  let shown = afterMs === 0;
  return (done, total) => {
    const now = Date.now();
    if (!shown && now - start < afterMs) return;
    if (done < total && now - last < (tty ? 100 : 2000)) return;
    shown = true;
    last = now;
    const text = `${label}: ${done}/${total} replications (${Math.floor((100 * done) / total)}%)`;
    process.stderr.write(tty ? `\r${text}${done === total ? "\n" : ""}` : `${text}\n`);
  };
}

/** A local run shows its progress once it has taken this long. */
export const LOCAL_PROGRESS_AFTER_MS = 3000;

/**
 * Runs `f` with the executor the placement names (opened and closed around it) and a progress display for it; a
 * local run (no executor) shows its progress only once it has taken LOCAL_PROGRESS_AFTER_MS.
 */
export async function withExecutor<T>(
  placement: Placement,
  label: string,
  f: (executor: Executor | undefined, onProgress: ProgressFn) => Promise<T>,
): Promise<T> {
  if (placement.executor === undefined) return f(undefined, stderrProgress(label, LOCAL_PROGRESS_AFTER_MS));
  const executor = openExecutor(placement.executor);
  try {
    return await f(executor, stderrProgress(`${label} on ${executor.description}`));
  } finally {
    await executor.close();
  }
}

/** Writes output whole: to --out (atomically) or to stdout. */
export function writeOutput(text: string, placement: Placement, out: (s: string) => void): void {
  if (placement.out !== undefined) writeFileAtomic(placement.out, text);
  else out(text);
}

/** `--shard K/N`: runs the share and writes its part file. */
export async function runShard(
  exp: Experiment<any, any>,
  input: Record<string, unknown>,
  options: RunOptions,
  format: string,
  placement: Placement,
  out: (s: string) => void,
): Promise<void> {
  const { ShardExecutor } =
    require("../experiments/distributed/shard") as typeof import("../experiments/distributed/shard");
  const { codeIdentity } =
    require("../experiments/distributed/code-identity") as typeof import("../experiments/distributed/code-identity");
  const { shard, shards } = placement.shard!;
  const part = await withExecutor(placement, `${exp.id} shard ${shard}/${shards}`, async (executor, onProgress) => {
    const sharded = new ShardExecutor(executor ?? localExecutor(options.workers), shard, shards);
    const rs = await runExperiment(exp, input, { ...options, executor: sharded, onProgress });
    return sharded.part({
      experiment: exp.id,
      params: rs.plan as Record<string, unknown[]>,
      seeds: rs.seeds.length,
      seedBase: rs.seeds[0],
      format,
      build: codeIdentity(),
    });
  });
  writeOutput(JSON.stringify(part) + "\n", placement, out);
}
