import { test } from "node:test";
import assert from "node:assert/strict";
import { vmaLock } from "../../../src/experiments/vma-lock/experiment";
import { runExperiment, unchecked } from "../../../src/experiments/runner";
import { defaults, ParamError } from "../../../src/experiments/params";
import { runPft } from "../../../src/experiments/vma-lock/model";
import { vmaLockParams } from "../../../src/experiments/vma-lock/params";

const quick = { durationMs: 0.5, warmupMs: 0.05 };

test("rows carry the issue's columns: scheme, layout, threads, writerRatePerSec, then the observables with CIs", async () => {
  const rs = await runExperiment(vmaLock, { ...quick, threads: 4 }, { seeds: 2, workers: 1 });
  const cols = rs.columns;
  for (const c of [
    "scheme",
    "layout",
    "threads",
    "writerRatePerSec",
    "faultsPerSec",
    "speedupVs1Thread",
    "fallbackRate",
    "retryRate",
    "writerLatencyP99Us",
    "faultsPerSecCi95",
    "writerLatencyP99UsCi95",
  ]) {
    assert.ok(cols.includes(c), `missing column ${c}`);
  }
});

test("bad input is rejected before anything runs, naming the parameter", async () => {
  await assert.rejects(
    runExperiment(vmaLock, unchecked({ schemes: "per-vma" })),
    (e: unknown) =>
      e instanceof ParamError && /unknown parameter 'schemes' \(did you mean 'scheme'\?\)/.test(e.message),
  );
  await assert.rejects(
    runExperiment(vmaLock, { scheme: "spf" }),
    (e: unknown) =>
      e instanceof ParamError &&
      /parameter 'scheme': 'spf' is not a choice; allowed: one of 'mmap-lock', 'per-vma', 'rcu-fault', 'rcu-fault-vma-atomic'/.test(
        e.message,
      ),
  );
  await assert.rejects(runExperiment(vmaLock, { threads: 0 }), /parameter 'threads': 0 is out of range/);
  await assert.rejects(runExperiment(vmaLock, { threads: 2.5 }), /parameter 'threads': expected an integer, got 2.5/);
  await assert.rejects(
    runExperiment(vmaLock, { writerRatePerSec: -1 }),
    /parameter 'writerRatePerSec': -1 is out of range/,
  );
  await assert.rejects(
    runExperiment(vmaLock, unchecked({ writerRatePerSec: "often" })),
    /parameter 'writerRatePerSec': expected a number, got "often"/,
  );
  await assert.rejects(runExperiment(vmaLock, { layout: [] }), /parameter 'layout': an empty list sweeps nothing/);
  // Cross-parameter rules (vmaLockRules) are checked on every sweep point before anything runs.
  await assert.rejects(
    runExperiment(vmaLock, { ...quick, threads: [8, 100] }, { seeds: 1, workers: 1 }),
    /parameters threads = 100, sockets = 2 and cpusPerSocket = 40 break a rule of vma-lock: threads must be at most sockets x cpusPerSocket/,
  );
});

test("determinism: same parameters and seeds give identical values, inline or on two workers", async () => {
  const input = { ...quick, scheme: ["per-vma", "rcu-fault"] as const, threads: 8, writerRatePerSec: 50_000 };
  const a = await runExperiment(vmaLock, { ...input, scheme: [...input.scheme] }, { seeds: 2, workers: 1 });
  const b = await runExperiment(vmaLock, { ...input, scheme: [...input.scheme] }, { seeds: 2, workers: 2 });
  assert.deepEqual(b.toJSON(), a.toJSON());
});

test("common random numbers: schemes share each thread's work draws, so paired differences are far tighter than seed-to-seed spread", async () => {
  const rs = await runExperiment(
    vmaLock,
    // 2 ms, not `quick`: per-vma's fault now does the trylock's read, its owner accesses and the vm_lock_seq read
    // (about 25 ns more than rcu-fault at one thread), so over 0.5 ms the paired difference is one or two whole
    // faults and its spread is counting granularity, not a lack of common random numbers.
    { durationMs: 2, warmupMs: 0.05, threads: 1, scheme: ["per-vma", "rcu-fault"] },
    { seeds: 5, workers: 1 },
  );
  const d = rs.difference("faultsPerSec", { scheme: "per-vma" }, { scheme: "rcu-fault" });
  const spread = rs.stat("faultsPerSec", { scheme: "per-vma" }).sd;
  assert.ok(spread > 0);
  assert.ok(d.sd < spread / 3, `paired sd ${d.sd} vs seed sd ${spread}`);
});

test("calibration anchors (Mel's pft): 1 thread 32.66 s, mmap-lock 7.9x at 12 threads, rcu-fault 15.4x at 80 (within 10%)", () => {
  const p = { ...defaults(vmaLockParams), durationMs: 2 };
  const one = runPft({ ...p, scheme: "mmap-lock", threads: 1 }, 7);
  const elapsed1 = p.pftFaults / one.faultsPerSec;
  assert.ok(Math.abs(elapsed1 / 32.66 - 1) < 0.03, `1-thread elapsed ${elapsed1} s`);
  const s12 = runPft({ ...p, scheme: "mmap-lock", threads: 12 }, 7).faultsPerSec / one.faultsPerSec;
  assert.ok(Math.abs(s12 / (32.66 / 4.13) - 1) < 0.1, `mmap-lock speedup at 12: ${s12}`);
  const rcuOne = runPft({ ...p, scheme: "rcu-fault", threads: 1 }, 7).faultsPerSec;
  const s80 = runPft({ ...p, scheme: "rcu-fault", threads: 80 }, 7).faultsPerSec / rcuOne;
  assert.ok(Math.abs(s80 / (32.77 / 2.13) - 1) < 0.1, `rcu-fault speedup at 80: ${s80}`);
});

test("state does not grow with simulated time: processes and queue stay bounded with writers running", () => {
  const p = { ...defaults(vmaLockParams), threads: 8, writerRatePerSec: 20_000, warmupMs: 0 };
  const short = runPft({ ...p, durationMs: 1 }, 3);
  const long = runPft({ ...p, durationMs: 8 }, 3);
  assert.ok(
    long.sim.liveProcesses <= short.sim.liveProcesses + 3,
    `${long.sim.liveProcesses} live processes after 8 ms vs ${short.sim.liveProcesses} after 1 ms`,
  );
  assert.ok(
    long.sim.queueCapacity <= 2 * short.sim.queueCapacity,
    `queue capacity ${long.sim.queueCapacity} vs ${short.sim.queueCapacity}`,
  );
});

test("detail is structured-cloneable chart data", async () => {
  const rs = await runExperiment(
    vmaLock,
    { ...quick, threads: 4, writerRatePerSec: 100_000 },
    { seeds: 1, workers: 1, detail: true },
  );
  const d = rs.details({})[0];
  assert.ok(d.writerLatencyCdfUs.length > 0 && d.faultLatencyCdfNs.length > 0);
  assert.ok(d.referenceFaultsPerSec > 0);
  assert.deepEqual(structuredClone(d), d);
});

// pft.c (gormanm/pft @55a9be78): every thread faults bytes / nr_tests and WallTime runs from the first start to the
// last end, so elapsedS is set by the slowest kind of thread. At 48 threads on 40 cores (spread), the 16 threads on
// SMT-shared cores are that kind; at 1 and 80 threads all threads are alike.
test("elapsedS is pft's wall time: the slowest kind of thread's share, not the aggregate rate", () => {
  const p = { ...defaults(vmaLockParams), scheme: "mmap-lock" as const, durationMs: 2 };
  const elapsed = (threads: number) => {
    const r = runPft({ ...p, threads }, 7);
    return { wall: p.pftFaults / threads / r.slowestThreadFaultsPerSec, aggregate: p.pftFaults / r.faultsPerSec, r };
  };
  const one = elapsed(1);
  assert.equal(one.wall, one.aggregate);
  const mixed = elapsed(48);
  assert.ok(mixed.wall > 1.04 * mixed.aggregate, `48 threads: wall ${mixed.wall} vs aggregate ${mixed.aggregate}`);
  const all = elapsed(80);
  assert.ok(Math.abs(all.wall / all.aggregate - 1) < 0.03, `80 threads: wall ${all.wall} vs ${all.aggregate}`);
  assert.equal(
    mixed.r.faultsByThread.reduce((a, b) => a + b, 0),
    mixed.r.faults,
  );
});

test("zone->lock: a refill cost per page caps each node at 1 / zoneLockPageNs pages per second; 0 leaves it out", () => {
  // Past the start, when every CPU's list is empty at once (40 refills of 126 us queue on each node).
  const base = { ...defaults(vmaLockParams), durationMs: 20, warmupMs: 8, scheme: "rcu-fault" as const, threads: 80 };
  const off = runPft(base, 3);
  assert.equal(off.faultsPerSec, runPft({ ...base, pcpBatchPages: 7 }, 3).faultsPerSec, "no zone lock: batch is moot");
  // 2 us per page under zone->lock: at most 2 nodes x 0.5M pages/s, far below the lru_lock's limit
  const capped = runPft({ ...base, zoneLockPageNs: 2000 }, 3);
  assert.ok(capped.faultsPerSec <= 1.0e6 * 1.02, `capped at ${capped.faultsPerSec}`);
  assert.ok(capped.faultsPerSec > 0.9e6, `near the cap: ${capped.faultsPerSec}`);
});

test("turbo: a lower all-core clock slows the faults that are not lock-bound and leaves one thread alone", () => {
  const base = { ...defaults(vmaLockParams), ...quick, scheme: "rcu-fault" as const };
  const one = runPft({ ...base, threads: 1 }, 3).faultsPerSec;
  assert.equal(runPft({ ...base, threads: 1, turboAllCoreRatio: 0.7 }, 3).faultsPerSec, one);
  const at12 = runPft({ ...base, threads: 12 }, 3).faultsPerSec;
  const slowed = runPft({ ...base, threads: 12, turboAllCoreRatio: 0.7 }, 3).faultsPerSec;
  // 6 of 20 cores per socket busy: clock 1 - 0.3 * 5 / 19 = 0.92 of one core's; the lru_lock queue gives some back
  assert.ok(slowed < at12 * 0.97 && slowed > at12 * 0.88, `${slowed} vs ${at12}`);
});

test("numa-5.17 moves: all before the go give the settled placement's elapsed, none during the run the fork placement's; in between lies between", async () => {
  const { pftElapsedOverMoves } = await import("../../../src/experiments/vma-lock/pft-timeline");
  const p = {
    ...defaults(vmaLockParams),
    ...quick,
    scheme: "rcu-fault" as const,
    threads: 12,
    placement: "numa-5.17" as const,
  };
  const steady = (nodeThreads?: number[]) => {
    const r = runPft(p, 5, { nodeThreads });
    return p.pftFaults / p.threads / r.slowestThreadFaultsPerSec;
  };
  const settled = steady(); // 8/4
  const forked = steady([12, 0]);
  assert.ok(forked > settled * 1.2, `12 threads on one node's lru_lock are slower: ${forked} vs ${settled}`);
  const allBefore = pftElapsedOverMoves({ ...p, numaMoveIntervalMs: 0.1 }, 5, p.pftFaults);
  assert.deepEqual([allBefore.atGo, allBefore.movesDuringRun], [[8, 4], 0]);
  assert.ok(Math.abs(allBefore.elapsedS / settled - 1) < 1e-9, `${allBefore.elapsedS} vs ${settled}`);
  const never = pftElapsedOverMoves({ ...p, numaMoveIntervalMs: 1e5 }, 5, p.pftFaults);
  assert.deepEqual(
    [never.atGo, never.atEnd],
    [
      [12, 0],
      [12, 0],
    ],
  );
  assert.ok(Math.abs(never.elapsedS / forked - 1) < 1e-9, `${never.elapsedS} vs ${forked}`);
  const some = pftElapsedOverMoves({ ...p, numaMoveIntervalMs: 400 }, 5, p.pftFaults);
  assert.deepEqual(
    [some.atGo, some.movesDuringRun],
    [[12, 0], 4],
    "pft's 0.5 ms wait has no move; four while faulting",
  );
  assert.ok(some.elapsedS > settled && some.elapsedS < forked, `${some.elapsedS}`);
});

test("notebook 003 Run 1b: 5.17's placement moves SPF at 12 threads onto Mel's and past it at 21; no one pace of moves fits both", async () => {
  const { pftElapsedOverMoves } = await import("../../../src/experiments/vma-lock/pft-timeline");
  const mel = { 12: 3.5, 21: 2.79 } as const;
  const p = { ...defaults(vmaLockParams), durationMs: 2, scheme: "rcu-fault" as const };
  const seeds = [1, 2];
  const mean = (f: (seed: number) => number) => seeds.reduce((a, s) => a + f(s), 0) / seeds.length;
  const spread = (threads: 12 | 21) =>
    mean((s) => p.pftFaults / threads / runPft({ ...p, threads }, s).slowestThreadFaultsPerSec) / mel[threads];
  const placed = (threads: 12 | 21, numaMoveIntervalMs: number) =>
    mean(
      (s) =>
        pftElapsedOverMoves({ ...p, threads, placement: "numa-5.17", numaMoveIntervalMs }, s, p.pftFaults).elapsedS,
    ) / mel[threads];
  assert.ok(spread(12) < 0.85 && spread(21) < 0.85, "spread evenly, both points are well under Mel's");
  const at400 = [placed(12, 400), placed(21, 400)];
  assert.ok(at400[0] > 0.88 && at400[0] < 0.98, `12 threads at 400 ms: x${at400[0]}`);
  assert.ok(at400[1] > 1.08 && at400[1] < 1.28, `21 threads at 400 ms: x${at400[1]}`);
  const at200 = [placed(12, 200), placed(21, 200)];
  assert.ok(Math.abs(at200[1] - 1) < 0.05 && at200[0] < 0.92, `200 ms fits 21 (x${at200[1]}), not 12 (x${at200[0]})`);
});
