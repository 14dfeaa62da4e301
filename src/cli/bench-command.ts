/**
 * `mmsim bench lock`: the reference model of ../shared/bench on this engine, as one JSON object.
 * `mmsim bench compare`: the same model on this engine, in SimPy and as the hand-written C loop, in one run,
 * printed as ratios (absolute speeds vary across machines and runs; ratios measured together do not).
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { finiteSourceMeanWaitNs, runLockModel } from "../experiments/lock-contention/model";
import { numberOption, parseArgs, lastOption, UsageError } from "./args";

export interface LockBenchResult {
  engine: string;
  threads: number;
  thinkNs: number;
  holdNs: number;
  acquisitions: number;
  seed: number;
  /** Acquisitions run (untimed, another seed) before the timed run. */
  warmupAcquisitions: number;
  simNs: number;
  events: number;
  meanWaitNs: number;
  exactMeanWaitNs: number;
  wallS: number;
  acqPerS: number;
  peakRssMB: number;
}

export function benchLock(
  threads: number,
  thinkNs: number,
  holdNs: number,
  acquisitions: number,
  seed: number,
  warmupAcquisitions = 0,
): LockBenchResult {
  // An optional warm-up run on another seed, untimed. Measured: it does not speed the timed run up (the JIT settles
  // within the first few hundred thousand acquisitions, and a second Simulation in one process re-optimises), so the
  // default is 0 and the timed run includes the JIT's start, as a user's run would.
  if (warmupAcquisitions > 0)
    runLockModel({ threads, thinkNs, holdNs, acquisitions: warmupAcquisitions }, seed + 1_000_003);
  const t0 = process.hrtime.bigint();
  const r = runLockModel({ threads, thinkNs, holdNs, acquisitions }, seed);
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    engine: "mmsim",
    threads,
    thinkNs,
    holdNs,
    acquisitions: r.acquisitions,
    seed,
    warmupAcquisitions,
    simNs: r.simNs,
    events: r.events,
    meanWaitNs: r.meanWaitNs,
    exactMeanWaitNs: finiteSourceMeanWaitNs(threads, thinkNs, holdNs).meanWaitNs,
    wallS,
    acqPerS: r.acquisitions / wallS,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

function lockOptions(argv: string[]) {
  const args = parseArgs(argv, ["json"]);
  const known = ["json", "threads", "think-ns", "hold-ns", "acquisitions", "seed", "runs", "warmup"];
  for (const o of args.options)
    if (!known.includes(o.name))
      throw new UsageError(`unknown option --${o.name}; options: ${known.map((k) => `--${k}`).join(", ")}`);
  return {
    args,
    threads: numberOption(
      args,
      "threads",
      8,
      (v) => Number.isInteger(v) && v >= 1 && v <= 64,
      "an integer in [1, 64] (the C reference's queue holds 64)",
    ),
    thinkNs: numberOption(args, "think-ns", 1000, (v) => v > 0, "a number > 0"),
    holdNs: numberOption(args, "hold-ns", 100, (v) => v > 0, "a number > 0"),
    acquisitions: numberOption(
      args,
      "acquisitions",
      1_000_000,
      (v) => Number.isInteger(v) && v >= 1 && v <= 1e9,
      "an integer in [1, 1e9]",
    ),
    seed: numberOption(args, "seed", 1, (v) => Number.isSafeInteger(v) && v >= 0, "a non-negative integer"),
    runs: numberOption(args, "runs", 3, (v) => Number.isInteger(v) && v >= 1 && v <= 20, "an integer in [1, 20]"),
    warmup: numberOption(args, "warmup", 0, (v) => Number.isInteger(v) && v >= 0 && v <= 1e8, "an integer in [0, 1e8]"),
  };
}

const BENCH_DIR = path.resolve(__dirname, "../../../../shared/bench");
const CACHE_DIR = path.resolve(__dirname, "../../../.cache/bench");

function projectPython(): string | null {
  const candidates = [path.resolve(__dirname, "../../../.venv/bin/python"), "python3"];
  for (const py of candidates) {
    const r = spawnSync(py, ["-c", "import simpy"], { stdio: "ignore" });
    if (r.status === 0) return py;
  }
  return null;
}

function parseRefLine(line: string): { acqPerS: number; meanWaitNs: number } {
  const acq = /acq_per_s=([\d.]+)/.exec(line);
  const w = /mean_wait_ns=([\d.]+)/.exec(line);
  if (!acq || !w) throw new Error(`unexpected reference output: ${line}`);
  return { acqPerS: Number(acq[1]), meanWaitNs: Number(w[1]) };
}

export async function benchCommand(argv: string[], out: (s: string) => void): Promise<void> {
  const sub = argv[0];
  if (sub === "lock") {
    const o = lockOptions(argv.slice(1));
    const r = benchLock(o.threads, o.thinkNs, o.holdNs, o.acquisitions, o.seed, o.warmup);
    if (lastOption(o.args, "json")) out(JSON.stringify(r) + "\n");
    else
      out(
        `mmsim threads=${r.threads} acquisitions=${r.acquisitions} sim_ns=${r.simNs} mean_wait_ns=${r.meanWaitNs.toFixed(1)} (exact ${r.exactMeanWaitNs.toFixed(2)}) wall_s=${r.wallS.toFixed(3)} acq_per_s=${Math.round(r.acqPerS)} peak_rss_mb=${r.peakRssMB.toFixed(0)}\n`,
      );
    return;
  }
  if (sub === "compare") return compare(argv.slice(1), out);
  if (sub === "results") return require("./bench-results").benchResultsCommand(argv.slice(1), out);
  if (sub === "queue")
    return (require("./queue-bench") as typeof import("./queue-bench")).queueBench(argv.slice(1), out);
  throw new UsageError(
    "usage: mmsim bench lock [--threads K] [--think-ns T] [--hold-ns H] [--acquisitions N] [--seed S] [--warmup N] [--json]\n" +
      "       mmsim bench compare [--acquisitions N] [--runs R] [--warmup N]\n" +
      "       mmsim bench queue [--replications N] [--acquisitions A] [--runs R] [--redis URL]\n" +
      "       mmsim bench results [--points 1000,10000,100000] [--json]",
  );
}

/** Runs mmsim's model in a fresh child process, so each run's peak memory is its own. */
function childBench(acquisitions: number, warmup: number): LockBenchResult {
  const main = path.join(__dirname, "main.js");
  const text = execFileSync(
    process.execPath,
    [main, "bench", "lock", "--acquisitions", String(acquisitions), "--warmup", String(warmup), "--json"],
    { encoding: "utf8" },
  );
  return JSON.parse(text) as LockBenchResult;
}

async function compare(argv: string[], out: (s: string) => void): Promise<void> {
  const o = lockOptions(argv);
  const n = o.acquisitions === 1_000_000 ? 3_000_000 : o.acquisitions;
  const lines: string[] = [];
  const say = (s: string) => {
    lines.push(s);
    out(s + "\n");
  };
  say(
    `reference model: 8 threads, one FIFO mutex, think Exp(1000 ns), hold Exp(100 ns); best of ${o.runs} runs each${o.warmup > 0 ? `; mmsim timed after a ${o.warmup}-acquisition warm-up` : ""}`,
  );
  const best = (f: () => number) => Math.max(...Array.from({ length: o.runs }, f));

  let mmsimMean = 0;
  const mmsim = best(() => {
    const r = childBench(n, o.warmup);
    mmsimMean = r.meanWaitNs;
    return r.acqPerS;
  });
  say(
    `mmsim   ${fmt(mmsim)} acq/s  (${n} acquisitions, mean wait ${mmsimMean.toFixed(1)} ns; exact ${finiteSourceMeanWaitNs(8, 1000, 100).meanWaitNs.toFixed(2)})`,
  );

  let c: number | null = null;
  const src = path.join(BENCH_DIR, "lock_c.c");
  if (fs.existsSync(src)) {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    const bin = path.join(CACHE_DIR, "lock_c");
    const cc = spawnSync("gcc", ["-O2", "-o", bin, src, "-lm"], { encoding: "utf8" });
    if (cc.status === 0) {
      c = best(() => parseRefLine(execFileSync(bin, [String(n * 3)], { encoding: "utf8" })).acqPerS);
      say(`C       ${fmt(c)} acq/s  (${n * 3} acquisitions)`);
    } else say(`C       skipped: gcc failed (${(cc.stderr || cc.error?.message || "").trim().split("\n")[0]})`);
  } else say(`C       skipped: ${src} not found`);

  let simpy: number | null = null;
  const py = projectPython();
  const pysrc = path.join(BENCH_DIR, "lock_simpy.py");
  if (py && fs.existsSync(pysrc)) {
    simpy = parseRefLine(execFileSync(py, [pysrc, "300000"], { encoding: "utf8" })).acqPerS;
    say(`SimPy   ${fmt(simpy)} acq/s  (300000 acquisitions, one run)`);
  } else say("SimPy   skipped: no python with simpy (npm run setup installs it into .venv)");

  say("");
  if (simpy) say(`mmsim / SimPy = ${(mmsim / simpy).toFixed(1)}x   (target >= 30x)`);
  if (c) say(`mmsim / C     = ${(mmsim / c).toFixed(3)}x  (target >= 0.25x)`);
  const mem = childBench(10_000_000, 0);
  say(`10M acquisitions: peak RSS ${mem.peakRssMB.toFixed(0)} MB (target < 200 MB), ${mem.wallS.toFixed(2)} s`);
}

function fmt(x: number): string {
  return (x / 1e6).toFixed(2).padStart(7) + "M";
}
