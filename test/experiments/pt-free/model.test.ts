import { test } from "node:test";
import assert from "node:assert/strict";
import { ptFree } from "../../../src/experiments/pt-free/experiment";
import { runPtFree } from "../../../src/experiments/pt-free/model";
import { ptFreeParams } from "../../../src/experiments/pt-free/params";
import { defaults, ParamError, type ParamValues } from "../../../src/experiments/params";
import { runExperiment, unchecked } from "../../../src/experiments/runner";
import { InvariantViolation } from "../../../src/sim/invariant";

const base: ParamValues<typeof ptFreeParams> = { ...defaults(ptFreeParams), durationMs: 40, warmupMs: 10 };

test("same parameters and seed give identical values, inline or on workers", async () => {
  const input = { config: ["ipi", "rcu"] as const, cpus: 8, durationMs: 30, warmupMs: 10 };
  const one = await runExperiment(ptFree, { ...input, config: [...input.config] }, { seeds: 2, workers: 1 });
  const two = await runExperiment(ptFree, { ...input, config: [...input.config] }, { seeds: 2, workers: 2 });
  assert.deepEqual(two.toJSON(), one.toJSON());
});

test("common random numbers: the walkers do the same walks whatever the config", () => {
  const walks = (["ipi", "rcu", "rcu-ipi-fallback", "rcu-ptdesc"] as const).map(
    (config) => runPtFree({ ...base, config }, 5).walks,
  );
  assert.ok(walks[0] > 1000);
  assert.deepEqual(walks, [walks[0], walks[0], walks[0], walks[0]]);
});

test("with no allocation failure, rcu-ipi-fallback and rcu-ptdesc are exactly rcu", async () => {
  const rs = await runExperiment(
    ptFree,
    { ...base, config: ["rcu", "rcu-ipi-fallback", "rcu-ptdesc"], allocFailProbability: 0 },
    { seeds: 2, workers: 1 },
  );
  const strip = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== "config"));
  assert.deepEqual(strip(rs.rows[1]), strip(rs.rows[0]));
  assert.deepEqual(strip(rs.rows[2]), strip(rs.rows[0]));
});

test("strict mode: every config protects interrupts-off walkers, and long walks, under load", () => {
  for (const config of ["ipi", "rcu", "rcu-ipi-fallback", "rcu-ptdesc"] as const) {
    const r = runPtFree(
      { ...base, config, cpus: 4, irqOffNs: 20_000, irqOffCv: 1, walkerDuty: 0.3, allocFailProbability: 0.05 },
      11,
      { strict: true },
    );
    assert.equal(r.unsafeFrees, 0, config);
  }
});

test("strict mode: rcu_read_lock-only walkers under 'ipi' throw InvariantViolation", () => {
  assert.throws(
    () =>
      runPtFree({ ...base, config: "ipi", walker: "rcu", cpus: 4, irqOffNs: 20_000, walkerDuty: 0.3 }, 11, {
        strict: true,
      }),
    (e: unknown) =>
      e instanceof InvariantViolation &&
      /freed \(after the TLB shootdown\) while cpu\d+ is still in a walk/.test(e.message),
  );
});

test("a deliberately broken config (free at unhook) trips the invariant in the full model", () => {
  assert.throws(
    () => runPtFree({ ...base, config: "rcu", cpus: 4, walkerDuty: 0.5 }, 11, { strict: true, brokenNoWait: true }),
    InvariantViolation,
  );
});

test("Little's law holds per replication, and ipi holds nothing awaiting a grace period", () => {
  const r = runPtFree({ ...base, config: "rcu", durationMs: 200, warmupMs: 50 }, 3);
  const predicted = (r.tablesQueuedPerSec * r.tableWaitMeanNs) / 1e9;
  assert.ok(
    Math.abs(predicted - r.tablesAwaitingGpMean) <= 0.05 * r.tablesAwaitingGpMean,
    `${predicted} vs ${r.tablesAwaitingGpMean}`,
  );
  // One batch page per munmap of one table: bytes are twice the tables.
  assert.ok(Math.abs(r.bytesAwaitingGpMean - 2 * 4096 * r.tablesAwaitingGpMean) <= 0.01 * r.bytesAwaitingGpMean);
  const ipi = runPtFree({ ...base, config: "ipi" }, 3);
  assert.equal(ipi.bytesAwaitingGpPeak, 0);
  assert.ok(ipi.ipisSent > 0);
});

test("detail: bounded series and CDFs that survive structured cloning", () => {
  const r = ptFree.scenario({ ...base, config: "rcu" }, 1, { detail: true });
  const d = structuredClone(r.detail)!;
  assert.equal(d.series.tMs.length, 200);
  assert.ok(d.munmapLatencyCdfUs.length > 0 && d.gracePeriodCdfMs.length > 0);
  assert.equal(d.munmapLatencyCdfUs[d.munmapLatencyCdfUs.length - 1].fraction, 1);
});

test("bad input names the parameter and what is allowed", async () => {
  await assert.rejects(
    runExperiment(ptFree, unchecked({ cpu: 4 })),
    (e: unknown) => e instanceof ParamError && /unknown parameter 'cpu' \(did you mean 'cpus'\?\)/.test(e.message),
  );
  await assert.rejects(
    runExperiment(ptFree, { config: "rcuu" }),
    /parameter 'config': 'rcuu' is not a choice; allowed: one of 'ipi', 'rcu', 'rcu-ipi-fallback', 'rcu-ptdesc'/,
  );
  await assert.rejects(
    runExperiment(ptFree, { cpus: 1 }),
    /parameter 'cpus': 1 is out of range; allowed: an integer count in \[2, 512\]/,
  );
  await assert.rejects(
    runExperiment(ptFree, unchecked({ irqOffNs: "long" })),
    /parameter 'irqOffNs': expected a number, got "long"/,
  );
  await assert.rejects(
    runExperiment(ptFree, { allocFailProbability: 2 }),
    /parameter 'allocFailProbability': 2 is out of range/,
  );
  await assert.rejects(
    runExperiment(ptFree, unchecked({ strict: "maybe" })),
    /parameter 'strict': expected true or false/,
  );
});

test("memory does not grow with simulated time: same processes and queue capacity for 50 and 400 ms", () => {
  const short = runPtFree({ ...base, config: "rcu", durationMs: 50 }, 4);
  const long = runPtFree({ ...base, config: "rcu", durationMs: 400 }, 4);
  assert.equal(long.liveProcesses, short.liveProcesses);
  assert.ok(long.queueCapacity <= 2 * short.queueCapacity, `${long.queueCapacity} vs ${short.queueCapacity}`);
});
