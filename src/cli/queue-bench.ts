/**
 * `mmsim bench queue`: what distributing costs and gains on this machine, through the real path (redis-server on
 * loopback, `mmsim worker` child processes, runExperiment with the Redis executor):
 *   - the queue's cost per replication (near-empty replications through one worker, against the same run inline),
 *     and the fixed cost of a run (submit, workers noticing it, gather, clean up);
 *   - the speed-up of 2 workers over 1 on replications of real size.
 * A replication worth distributing costs well above the per-replication overhead (10x keeps the queue under 10%).
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { openRedisExecutor, type RedisExecutor } from "../experiments/distributed/redis-executor";
import { startRedisServer, type RedisServer } from "../experiments/distributed/redis-server";
import { lockContention } from "../experiments/lock-contention/experiment";
import { runExperiment, type RunOptions } from "../experiments/runner";
import { numberOption, parseArgs, lastOption, UsageError } from "./args";
import { nsToS } from "../sim/time";

const USAGE =
  "usage: mmsim bench queue [--replications N] [--acquisitions A] [--runs R] [--redis URL]\n" +
  "  --replications N  near-empty replications for the overhead (default 400)\n" +
  "  --acquisitions A  lock-contention acquisitions per replication for the speed-up (default 200000)\n" +
  "  --runs R          best of R (default 3)\n" +
  "  --redis URL       use this server instead of starting redis-server on loopback";

async function startWorker(url: string): Promise<ChildProcess> {
  const main = path.join(__dirname, "main.js");
  const child = spawn(process.execPath, [main, "worker", "--redis", url, "--concurrency", "1"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    let err = "";
    child.stderr!.on("data", (b: Buffer) => {
      err += b.toString();
      if (/ready on redis/.test(err)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`worker exited with status ${code}: ${err}`)));
  });
  return child;
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
}

export async function queueBench(argv: string[], out: (s: string) => void): Promise<void> {
  const args = parseArgs(argv, ["help", "h"]);
  if (lastOption(args, "help", "h")) return out(USAGE + "\n");
  const known = ["replications", "acquisitions", "runs", "redis"];
  for (const o of args.options)
    if (!known.includes(o.name)) throw new UsageError(`unknown option --${o.name}\n${USAGE}`);
  const n = numberOption(args, "replications", 400, (v) => Number.isInteger(v) && v >= 10 && v <= 10_000, "10..10000");
  const acquisitions = numberOption(args, "acquisitions", 200_000, (v) => Number.isInteger(v) && v >= 1, ">= 1");
  const runs = numberOption(args, "runs", 3, (v) => Number.isInteger(v) && v >= 1 && v <= 20, "1..20");
  const given = lastOption(args, "redis");

  let server: RedisServer | null = null;
  const workers: ChildProcess[] = [];
  let executor: RedisExecutor | null = null;
  try {
    if (typeof given !== "string") server = await startRedisServer();
    const url = typeof given === "string" ? given : server!.url;
    executor = openRedisExecutor(url, { log: () => {} });
    const ex = executor;
    /** Best (smallest) wall time of `runs` runs, in seconds. */
    const time = async (input: Record<string, unknown>, options: RunOptions) => {
      let best = Infinity;
      for (let i = 0; i < runs; i++) {
        const t0 = process.hrtime.bigint();
        await runExperiment(lockContention, input, options);
        best = Math.min(best, nsToS(Number(process.hrtime.bigint() - t0)));
      }
      return best;
    };
    out(
      `machine: ${os.availableParallelism()} cores, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}; workers are \`mmsim worker --concurrency 1\` processes; best of ${runs}\n`,
    );

    workers.push(await startWorker(url));
    const tiny = { threads: 2, acquisitions: 1 };
    const localTiny = await time(tiny, { seeds: n, workers: 1 });
    const queueOne = await time(tiny, { seeds: 1, executor: ex });
    const queueTiny = await time(tiny, { seeds: n, executor: ex });
    const perReplicationMs = ((queueTiny - queueOne - localTiny) / (n - 1)) * 1000;
    out(
      `overhead: a run costs ${(queueOne * 1000).toFixed(0)} ms (submit, a worker notices it, gather, clean up); ` +
        `each replication ${perReplicationMs.toFixed(2)} ms more than inline (${n} near-empty replications: ` +
        `${(queueTiny * 1000).toFixed(0)} ms through 1 worker, ${(localTiny * 1000).toFixed(0)} ms inline)\n`,
    );

    const real = { threads: [2, 4, 8, 16], acquisitions };
    const seeds = 4;
    const replications = 16;
    const inline = await time(real, { seeds, workers: 1 });
    const one = await time(real, { seeds, executor: ex });
    workers.push(await startWorker(url));
    const two = await time(real, { seeds, executor: ex });
    const perReplicationS = inline / replications;
    out(
      `speed-up: ${replications} replications of lock-contention (${acquisitions} acquisitions, ` +
        `${(perReplicationS * 1000).toFixed(0)} ms each inline): inline ${inline.toFixed(2)} s, 1 worker ` +
        `${one.toFixed(2)} s, 2 workers ${two.toFixed(2)} s: 2 workers are ${(one / two).toFixed(2)}x 1 worker\n`,
    );
    out(
      `smallest replication worth distributing: about ${Math.max(1, Math.ceil(perReplicationMs * 10))} ms ` +
        `(10x the per-replication overhead keeps the queue's share under 10%)\n`,
    );
  } finally {
    await executor?.close();
    await Promise.all(workers.map(stopWorker));
    await server?.stop();
  }
}
