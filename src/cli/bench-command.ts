/**
 * `mmsim bench lock`: the reference model of ../shared/bench on this engine, as one JSON object.
 * `mmsim bench compare`: the same model on this engine (both ways of writing a process: generators and state
 * machines), as the hand-written C loop, on Cimba and in SimPy, in one run, printed as ratios (absolute speeds vary
 * across machines and runs; ratios measured together do not). The peers run interleaved, round by round, so a drift
 * of the machine's speed hits all of them alike; the best round of each is compared, and the range over rounds shown.
 * `mmsim bench setup`: the Cimba venv (.cache/bench-venv, from a Python 3.12+), which `compare` also makes when it is
 * missing; never the Jupyter .venv.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { finiteSourceMeanWaitNs, runLockModel, type ProcessStyle } from "../experiments/lock-contention/model";
import { nsToS } from "../sim/time";
import { lastOption, numberOption, parseArgs, UsageError } from "./args";

export interface LockBenchResult {
  engine: string;
  style: ProcessStyle;
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
  style: ProcessStyle = "generator",
): LockBenchResult {
  // An optional warm-up run on another seed, untimed. Measured: it does not speed the timed run up (the JIT settles
  // within the first few hundred thousand acquisitions, and a second Simulation in one process re-optimises), so the
  // default is 0 and the timed run includes the JIT's start, as a user's run would.
  if (warmupAcquisitions > 0)
    runLockModel({ threads, thinkNs, holdNs, acquisitions: warmupAcquisitions }, seed + 1_000_003, { style });
  const t0 = process.hrtime.bigint();
  const r = runLockModel({ threads, thinkNs, holdNs, acquisitions }, seed, { style });
  const wallS = nsToS(Number(process.hrtime.bigint() - t0));
  return {
    engine: "mmsim",
    style,
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

const STYLES: ProcessStyle[] = ["generator", "machine"];

function styleOption(raw: string | true | undefined): ProcessStyle {
  if (raw === undefined) return "generator";
  if (raw === true || !STYLES.includes(raw as ProcessStyle))
    throw new UsageError(`--style must be one of ${STYLES.join(", ")}, got ${String(raw)}`);
  return raw as ProcessStyle;
}

function lockOptions(argv: string[], known: string[]) {
  const args = parseArgs(argv, ["json", "no-setup"]);
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
      0,
      (v) => Number.isInteger(v) && v >= 1 && v <= 1e9,
      "an integer in [1, 1e9]",
    ),
    seed: numberOption(args, "seed", 1, (v) => Number.isSafeInteger(v) && v >= 0, "a non-negative integer"),
    runs: numberOption(args, "runs", 3, (v) => Number.isInteger(v) && v >= 1 && v <= 20, "an integer in [1, 20]"),
    warmup: numberOption(args, "warmup", 0, (v) => Number.isInteger(v) && v >= 0 && v <= 1e8, "an integer in [0, 1e8]"),
    style: styleOption(lastOption(args, "style")),
  };
}

const ROOT = path.resolve(__dirname, "../../..");
const BENCH_DIR = path.resolve(ROOT, "../../shared/bench");
const CACHE_DIR = path.join(ROOT, ".cache/bench");
const CIMBA_VENV = path.join(ROOT, ".cache/bench-venv");

function pythonWith(module: string, candidates: string[]): string | null {
  for (const py of candidates) {
    const r = spawnSync(py, ["-c", `import ${module}`], { stdio: "ignore" });
    if (r.status === 0) return py;
  }
  return null;
}

function versionOf(py: string, module: string): string {
  const r = spawnSync(
    py,
    ["-c", `import sys, importlib.metadata as m; print(m.version("${module}"), "on Python", sys.version.split()[0])`],
    { encoding: "utf8" },
  );
  return r.status === 0 ? r.stdout.trim() : "?";
}

/** Pythons 3.12 or newer on this machine: pyenv's versions, then python3.1x on PATH. */
function python312Candidates(): string[] {
  const out: string[] = [];
  const pyenvRoot = process.env.PYENV_ROOT ?? path.join(os.homedir(), ".pyenv");
  const versions = path.join(pyenvRoot, "versions");
  if (fs.existsSync(versions)) {
    for (const v of fs.readdirSync(versions).sort().reverse()) {
      const m = /^3\.(\d+)\.\d+$/.exec(v);
      if (m && Number(m[1]) >= 12) out.push(path.join(versions, v, "bin", "python"));
    }
  }
  for (const v of [14, 13, 12]) out.push(`python3.${v}`);
  return out.filter((py) => {
    const r = spawnSync(py, ["-c", "import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)"], {
      stdio: "ignore",
    });
    return r.status === 0;
  });
}

/** SimPy's version as requirements.txt pins it (the Jupyter venv's), so the bench venv's SimPy is the same. */
function simpyPin(): string {
  const req = path.join(ROOT, "requirements.txt");
  const m = fs.existsSync(req) ? /^simpy==([\w.]+)/m.exec(fs.readFileSync(req, "utf8")) : null;
  return m ? `simpy==${m[1]}` : "simpy";
}

/**
 * The bench venv's python (Cimba, and SimPy at the project's pinned version), making the venv if asked and needed;
 * or why Cimba is skipped.
 */
export function cimbaPython(setup: boolean, say: (s: string) => void): { python: string } | { skipped: string } {
  const py = path.join(CIMBA_VENV, "bin", "python");
  if (fs.existsSync(py) && pythonWith("cimba", [py]) && pythonWith("simpy", [py])) return { python: py };
  if (!setup) return { skipped: `no ${path.relative(ROOT, CIMBA_VENV)} with cimba (run \`mmsim bench setup\`)` };
  const base = python312Candidates()[0];
  if (base === undefined) return { skipped: "no Python 3.12 or newer (pyenv or python3.12 on PATH); cimba needs one" };
  const pkgs = ["cimba", simpyPin()];
  say(`setting up the bench venv: ${path.relative(ROOT, CIMBA_VENV)} from ${base}, pip install ${pkgs.join(" ")}`);
  if (!fs.existsSync(py)) {
    const mk = spawnSync(base, ["-m", "venv", CIMBA_VENV], { encoding: "utf8" });
    if (mk.status !== 0) return { skipped: `python -m venv failed: ${(mk.stderr || "").trim().split("\n").pop()}` };
  }
  const pip = spawnSync(py, ["-m", "pip", "install", "--quiet", ...pkgs], { encoding: "utf8", timeout: 900_000 });
  if (pip.status !== 0) {
    const why = (pip.stderr || pip.error?.message || "").trim().split("\n").pop();
    return { skipped: `pip install cimba failed (offline?): ${why}` };
  }
  return pythonWith("cimba", [py]) ? { python: py } : { skipped: "cimba installed but does not import" };
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
    const known = ["json", "threads", "think-ns", "hold-ns", "acquisitions", "seed", "warmup", "style"];
    const o = lockOptions(argv.slice(1), known);
    const n = o.acquisitions || 1_000_000;
    const r = benchLock(o.threads, o.thinkNs, o.holdNs, n, o.seed, o.warmup, o.style);
    if (lastOption(o.args, "json")) out(JSON.stringify(r) + "\n");
    else
      out(
        `mmsim style=${r.style} threads=${r.threads} acquisitions=${r.acquisitions} sim_ns=${r.simNs} mean_wait_ns=${r.meanWaitNs.toFixed(1)} (exact ${r.exactMeanWaitNs.toFixed(2)}) wall_s=${r.wallS.toFixed(3)} acq_per_s=${Math.round(r.acqPerS)} peak_rss_mb=${r.peakRssMB.toFixed(0)}\n`,
      );
    return;
  }
  if (sub === "compare") return compare(argv.slice(1), out);
  if (sub === "setup") {
    lockOptions(argv.slice(1), []);
    const c = cimbaPython(true, (s) => out(s + "\n"));
    out("python" in c ? `Cimba ready: ${versionOf(c.python, "cimba")} (${c.python})\n` : `Cimba: ${c.skipped}\n`);
    return;
  }
  if (sub === "results") return require("./bench-results").benchResultsCommand(argv.slice(1), out);
  if (sub === "queue")
    return (require("./queue-bench") as typeof import("./queue-bench")).queueBench(argv.slice(1), out);
  const usage =
    "usage: mmsim bench lock [--style generator|machine] [--threads K] [--think-ns T] [--hold-ns H] [--acquisitions N] [--seed S] [--warmup N] [--json]\n" +
    "       mmsim bench compare [--acquisitions N] [--runs R] [--no-setup]\n" +
    "       mmsim bench setup\n" +
    "       mmsim bench queue [--replications N] [--acquisitions A] [--runs R] [--redis URL]\n" +
    "       mmsim bench results [--points 1000,10000,100000] [--json]";
  // `mmsim bench --help` asks for the usage: it is an answer (stdout, exit 0), not an error.
  if (sub === "--help" || sub === "-h" || sub === "help") return out(usage + "\n");
  throw new UsageError(usage);
}

/** Runs mmsim's model in a fresh child process, so each run's peak memory is its own. */
function childBench(acquisitions: number, style: ProcessStyle): LockBenchResult {
  const main = path.join(__dirname, "main.js");
  const text = execFileSync(
    process.execPath,
    [main, "bench", "lock", "--acquisitions", String(acquisitions), "--style", style, "--json"],
    { encoding: "utf8" },
  );
  return JSON.parse(text) as LockBenchResult;
}

interface Peer {
  name: string;
  acquisitions: number;
  run: () => { acqPerS: number; meanWaitNs: number };
  rates: number[];
  meanWaitNs: number;
}

async function compare(argv: string[], out: (s: string) => void): Promise<void> {
  const o = lockOptions(argv, ["acquisitions", "runs", "no-setup"]);
  const n = o.acquisitions || 3_000_000;
  const say = (s: string) => out(s + "\n");
  const skipped: string[] = [];
  const peers: Peer[] = [];
  const add = (name: string, acquisitions: number, run: Peer["run"]) =>
    peers.push({ name, acquisitions, run, rates: [], meanWaitNs: NaN });

  for (const style of ["machine", "generator"] as const)
    add(`mmsim (${style === "machine" ? "state machines" : "generators"})`, n, () => childBench(n, style));

  const src = path.join(BENCH_DIR, "lock_c.c");
  if (fs.existsSync(src)) {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    const bin = path.join(CACHE_DIR, "lock_c");
    const cc = spawnSync("gcc", ["-O2", "-o", bin, src, "-lm"], { encoding: "utf8" });
    if (cc.status === 0)
      add("C loop (gcc -O2)", n * 3, () => parseRefLine(execFileSync(bin, [String(n * 3)], { encoding: "utf8" })));
    else skipped.push(`C: gcc failed (${(cc.stderr || cc.error?.message || "").trim().split("\n")[0]})`);
  } else skipped.push(`C: ${src} not found`);

  const cimbaSrc = path.join(BENCH_DIR, "lock_cimba.py");
  const cimba = fs.existsSync(cimbaSrc) ? cimbaPython(!lastOption(o.args, "no-setup"), say) : null;
  if (cimba === null) skipped.push(`Cimba: ${cimbaSrc} not found`);
  else if ("skipped" in cimba) skipped.push(`Cimba: ${cimba.skipped}`);
  else {
    const py = cimba.python;
    add(`Cimba ${versionOf(py, "cimba")}`, n, () =>
      parseRefLine(execFileSync(py, [cimbaSrc, String(n)], { encoding: "utf8" })),
    );
  }

  const pysrc = path.join(BENCH_DIR, "lock_simpy.py");
  const simpyPy = pythonWith("simpy", [
    path.join(ROOT, ".venv/bin/python"),
    path.join(CIMBA_VENV, "bin/python"),
    "python3",
  ]);
  if (simpyPy && fs.existsSync(pysrc)) {
    const m = Math.max(1, Math.round(n / 10));
    add(`SimPy ${versionOf(simpyPy, "simpy")}`, m, () =>
      parseRefLine(execFileSync(simpyPy, [pysrc, String(m)], { encoding: "utf8" })),
    );
  } else
    skipped.push(
      "SimPy: no python with simpy (npm run setup installs it into .venv; mmsim bench setup into the bench venv)",
    );

  say(
    `reference model: 8 threads, one FIFO mutex, think Exp(1000 ns), hold Exp(100 ns); ${o.runs} rounds, every peer once per round (interleaved); load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`,
  );
  // Within a round the state-machine run and the C loop are back to back: their ratio is the one the target is on.
  const order = [peers[0], ...peers.slice(2, 3), peers[1], ...peers.slice(3)];
  for (let round = 0; round < o.runs; round++) {
    for (const p of order) {
      const r = p.run();
      p.rates.push(r.acqPerS);
      p.meanWaitNs = r.meanWaitNs;
    }
  }
  const exact = finiteSourceMeanWaitNs(8, 1000, 100).meanWaitNs;
  say("");
  say(`${"peer".padEnd(32)}${"acq/s (best)".padStart(13)}   rounds (min-max)     acquisitions  mean wait ns`);
  for (const p of peers) {
    say(
      `${p.name.padEnd(32)}${fmt(Math.max(...p.rates)).padStart(13)}   ${`${fmt(Math.min(...p.rates))} - ${fmt(Math.max(...p.rates))}`.padEnd(21)}${String(p.acquisitions).padStart(12)}  ${p.meanWaitNs.toFixed(1)}`,
    );
  }
  say(`(exact mean wait ${exact.toFixed(2)} ns; load average now ${os.loadavg()[0].toFixed(1)})`);
  for (const s of skipped) say(`skipped: ${s}`);

  say("");
  say(`${"ratio".padEnd(28)}${"best".padStart(9)}   per round: median (min-max)   target`);
  const targets: Record<string, number> = { C: 0.33, Cimba: 2, SimPy: 30 };
  for (const mm of peers.slice(0, 2)) {
    const style = mm === peers[0] ? "state machines" : "generators";
    for (const peer of peers.slice(2)) {
      const kind = peer.name.split(" ")[0];
      const best = Math.max(...mm.rates) / Math.max(...peer.rates);
      const perRound = mm.rates.map((r, i) => r / peer.rates[i]).sort((a, b) => a - b);
      const median = perRound[Math.floor(perRound.length / 2)];
      const target = targets[kind];
      const verdict =
        mm !== peers[0] || target === undefined ? "" : `>= ${target}x ${best >= target ? "met" : "NOT met"}`;
      say(
        `${`${style} / ${kind}`.padEnd(28)}${ratio(best).padStart(9)}   ${`${ratio(median)} (${ratio(perRound[0])} - ${ratio(perRound[perRound.length - 1])})`.padEnd(30)}${verdict}`,
      );
    }
  }
  say("");
  for (const style of ["machine", "generator"] as const) {
    const mem = childBench(10_000_000, style);
    say(
      `10M acquisitions, ${style === "machine" ? "state machines" : "generators"}: peak RSS ${mem.peakRssMB.toFixed(0)} MB (target < 100 MB), ${mem.wallS.toFixed(2)} s`,
    );
  }
}

function fmt(x: number): string {
  return (x / 1e6).toFixed(2) + "M";
}

function ratio(x: number): string {
  return x >= 10 ? `${x.toFixed(1)}x` : `${x.toFixed(3)}x`;
}
