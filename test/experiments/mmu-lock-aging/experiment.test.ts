// mmu-lock-aging: claims on fresh seeds, parameter validation, determinism and common random numbers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mmuLockAging } from "../../../src/experiments/mmu-lock-aging/experiment";
import { runMmuLockModel } from "../../../src/experiments/mmu-lock-aging/model";
import { runExperiment, unchecked } from "../../../src/experiments/runner";
import { defaults, ParamError } from "../../../src/experiments/params";
import { testClaims } from "../../helpers/claims";

testClaims(mmuLockAging, { seeds: 5 });

const small = { durationMs: 0.5, warmupMs: 0.2, vcpus: 8, pagesPerVcpu: 256 };

test("rows echo arch, agingLock, lockKind, vcpus and reclaimers and carry every observable the issue names, with its Ci95", async () => {
  const rs = await runExperiment(mmuLockAging, { ...small, agingLock: ["write", "read"] }, { seeds: 2, workers: 1 });
  const cols = rs.columns;
  for (const c of ["arch", "agingLock", "lockKind", "vcpus", "reclaimers", "youngFraction", "walkInterferenceFraction"])
    assert.ok(cols.includes(c), c);
  for (const o of [
    "writerWaitP50Ns",
    "writerWaitP99Ns",
    "writerWaitMaxNs",
    "evictedPagesPerSec",
    "agingPassMs",
    "faultLatencyP99Ns",
    "spinCpuFraction",
    "agingNsPerPage",
    "vcpuTimeLostFraction",
    "writerWaitOverBound",
    "writerBoundViolations",
    "faultsPerSec",
    "concurrentAgingWalksMax",
    "writerCmpxchgRetriesMean",
    "lookAroundCallsPerEvictedFolio",
    "transientBiasFraction",
    "writerWaitOverKernelBound",
    "writerBoundExcessMaxNs",
    "kswapdWriteLockFraction",
    "vcpuInterferenceFraction",
    "vcpuWallLostFraction",
  ]) {
    assert.ok(cols.includes(o) && cols.includes(`${o}Ci95`), o);
  }
  assert.equal(rs.rows.length, 2);
});

test("bad input fails naming the parameter", async () => {
  await assert.rejects(
    runExperiment(mmuLockAging, unchecked({ reclaimer: 3 })),
    (e: unknown) =>
      e instanceof ParamError && /unknown parameter 'reclaimer' \(did you mean 'reclaimers'\?\)/.test(e.message),
  );
  await assert.rejects(
    runExperiment(mmuLockAging, { vcpus: 0 }),
    (e: unknown) => e instanceof ParamError && e.param === "vcpus" && /out of range/.test(e.message),
  );
  await assert.rejects(runExperiment(mmuLockAging, { vcpus: 2.5 }), /parameter 'vcpus': expected an integer, got 2.5/);
  await assert.rejects(
    runExperiment(mmuLockAging, unchecked({ faultHoldNs: "long" })),
    /parameter 'faultHoldNs': expected a number, got "long"/,
  );
  await assert.rejects(
    runExperiment(mmuLockAging, { agingLock: "rcu" }),
    /parameter 'agingLock': 'rcu' is not a choice; allowed: one of 'write', 'read', 'lockless', 'faults-only'/,
  );
  await assert.rejects(
    runExperiment(mmuLockAging, { lockKind: "mutex" }),
    (e: unknown) => e instanceof ParamError && e.param === "lockKind",
  );
  await assert.rejects(
    runExperiment(mmuLockAging, { arch: "x86" }),
    /parameter 'arch': 'x86' is not a choice; allowed: one of 'arm64', 'x86-tdp'/,
  );
  await assert.rejects(
    runExperiment(mmuLockAging, { youngFraction: 1.5 }),
    (e: unknown) => e instanceof ParamError && e.param === "youngFraction",
  );
});

test("same parameters and seed give identical values, inline or on workers", async () => {
  const input = { ...small, agingLock: ["read", "lockless"] as Array<"read" | "lockless">, reclaimers: [0, 3] };
  const inline = await runExperiment(mmuLockAging, input, { seeds: 2, workers: 1 });
  const pooled = await runExperiment(mmuLockAging, input, { seeds: 2, workers: 2 });
  assert.deepEqual(
    pooled.replications.map((r) => r.values),
    inline.replications.map((r) => r.values),
  );
  const p = { ...defaults(mmuLockAging.params), ...small };
  assert.deepEqual(mmuLockAging.scenario(p, 7, {}).values, mmuLockAging.scenario(p, 7, {}).values);
  assert.notDeepEqual(mmuLockAging.scenario(p, 7, {}).values, mmuLockAging.scenario(p, 8, {}).values);
});

test("common random numbers: variants that leave the vCPUs alone see the very same faults", () => {
  // Lockless aging and no KVM aging never touch mmu_lock from the aging side; in access tracking nothing is evicted,
  // so without walk interference the vCPUs' fault streams (intervals and holds) must match draw for draw.
  const p = {
    ...defaults(mmuLockAging.params),
    ...small,
    workload: "access-tracking" as const,
    walkInterferenceFraction: 0,
  };
  const a = runMmuLockModel({ ...p, agingLock: "lockless" }, 3);
  const b = runMmuLockModel({ ...p, agingLock: "faults-only" }, 3);
  assert.equal(a.vcpu.faults, b.vcpu.faults);
  assert.deepEqual(a.vcpu.faultLatencyNs.summary(), b.vcpu.faultLatencyNs.summary());
  // Adding lockless aging threads (no lock, nothing evicted) does not shift the vCPUs' draws.
  const quiet = { ...p, agingLock: "lockless" as const, reclaimers: 0 };
  const more = runMmuLockModel({ ...quiet, reclaimers: 5 }, 3);
  assert.deepEqual(runMmuLockModel(quiet, 3).vcpu.faultLatencyNs.summary(), more.vcpu.faultLatencyNs.summary());
  assert.ok(more.reclaim.agedPages > 0);
});

test("agingNsPerPage is scale-free: the modelled memory changes agingPassMs, not the per-page cost", () => {
  const p = {
    ...defaults(mmuLockAging.params),
    ...small,
    workload: "access-tracking" as const,
    agingLock: "lockless" as const,
  };
  const a = mmuLockAging.scenario({ ...p, pagesPerVcpu: 256 }, 1, {}).values;
  const b = mmuLockAging.scenario({ ...p, pagesPerVcpu: 1024 }, 1, {}).values;
  assert.equal(a.agingNsPerPage, 30);
  assert.equal(b.agingNsPerPage, 30);
  assert.equal(b.agingPassMs, 4 * a.agingPassMs);
});

test("walk interference costs the vCPUs of lockless aging time, and only while a walk is in flight", () => {
  const p = {
    ...defaults(mmuLockAging.params),
    ...small,
    workload: "access-tracking" as const,
    agingLock: "lockless" as const,
  };
  const on = mmuLockAging.scenario({ ...p, walkInterferenceFraction: 0.05 }, 3, {}).values;
  const off = mmuLockAging.scenario({ ...p, walkInterferenceFraction: 0 }, 3, {}).values;
  assert.equal(off.vcpuInterferenceFraction, 0);
  assert.ok(off.vcpuTimeLostFraction < 0.01, "lockless aging takes no mmu_lock: only the vCPUs' own line transfers");
  assert.ok(
    on.vcpuInterferenceFraction > 0.04 && on.vcpuInterferenceFraction <= 0.05,
    String(on.vcpuInterferenceFraction),
  );
  assert.equal(on.vcpuWallLostFraction, on.vcpuTimeLostFraction + on.vcpuInterferenceFraction);
  const none = mmuLockAging.scenario({ ...p, agingLock: "faults-only", walkInterferenceFraction: 0.05 }, 3, {}).values;
  assert.equal(none.vcpuInterferenceFraction, 0, "no walk, no interference");
});

test("concurrentAgingWalksMax is at most 1 for one VM at every D when the LRU is large next to D batches", async () => {
  // 8 vCPUs x 8192 pages: a generation (16384 folios) is large next to 65 reclaimers x 64 folios per round, as in the
  // kernel, where a VM's generation holds millions of folios.
  const rs = await runExperiment(
    mmuLockAging,
    { vcpus: 8, pagesPerVcpu: 8192, reclaimers: [0, 2, 8, 32, 64], agingLock: "read", durationMs: 1, warmupMs: 0.5 },
    { seeds: 2, workers: 1 },
  );
  for (const r of rs.replications) assert.ok(r.values.concurrentAgingWalksMax <= 1, JSON.stringify(r.params));
});

test("state stays bounded: processes do not accumulate and the event queue does not grow with simulated time", () => {
  const p = { ...defaults(mmuLockAging.params), vcpus: 8, reclaimers: 4, warmupMs: 0 };
  const short = runMmuLockModel({ ...p, durationMs: 1 }, 1);
  const long = runMmuLockModel({ ...p, durationMs: 4 }, 1);
  assert.ok(long.reclaim.evictedPages > 3 * short.reclaim.evictedPages);
  assert.equal(long.sim.liveProcesses, short.sim.liveProcesses);
  assert.equal(long.sim.liveProcesses, 8 + 5);
  assert.equal(long.sim.queueCapacity, short.sim.queueCapacity);
});

test("chart detail is structured-cloneable", () => {
  const p = { ...defaults(mmuLockAging.params), ...small };
  const r = mmuLockAging.scenario(p, 1, { detail: true });
  const d = structuredClone(r.detail);
  assert.ok(d && d.writerWaitCdf.length > 0 && d.faultLatencyCdf.length > 0);
});

test("split workload: kswapd reclaims (and unmaps), the D others are debugfs agers that only age", () => {
  const p = {
    ...defaults(mmuLockAging.params),
    ...small,
    workload: "split" as const,
    agingLock: "read" as const,
    reclaimers: 2,
  };
  const r = runMmuLockModel({ ...p, warmupMs: 0, durationMs: 0.5 }, 1, { trace: true });
  const lines = r.sim.trace!.lines((e) => e.what === "ask");
  assert.ok(lines.some((l) => / kswapd0 ask unmap$/.test(l)));
  assert.ok(!lines.some((l) => / aging[12] ask (unmap|invalidate-end)$/.test(l)));
  assert.ok(
    lines.some((l) => / aging[12] ask aging$/.test(l)),
    "an ager walks",
  );
  // faults-only: the agers have nothing to do and are not started.
  const none = runMmuLockModel({ ...p, agingLock: "faults-only", warmupMs: 0, durationMs: 0.2 }, 1);
  assert.equal(none.sim.liveProcesses, p.vcpus + 1);
});

test("the eviction writers' waits cover invalidate_range_end too (issue 20): a writer starved there still counts", () => {
  const p = {
    ...defaults(mmuLockAging.params),
    ...small,
    lockKind: "reader-pref" as const,
    agingLock: "read" as const,
    reclaimers: 0,
    faultIntervalUs: 2,
    durationMs: 0.5,
    warmupMs: 0,
  };
  for (const seed of [1, 2, 3, 4, 5]) {
    const v = mmuLockAging.scenario(p, seed, {}).values;
    assert.ok(Number.isFinite(v.writerWaitMaxNs), `seed ${seed}: writerWaitMaxNs ${v.writerWaitMaxNs}`);
  }
});
