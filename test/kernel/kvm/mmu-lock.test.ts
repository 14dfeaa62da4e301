// kvm->mmu_lock: the lock word's cache line, per-site waits and the writer's wait bound, on hand-written scenarios.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../../src/sim/simulation";
import type { Process } from "../../../src/sim/process";
import { InvariantViolation } from "../../../src/sim/invariant";
import { KvmMmuLock, type KvmMmuLockOptions, type MmuLockSite } from "../../../src/kernel/kvm/mmu-lock";

interface Step {
  at: number;
  who: string;
  cpu: number;
  site: MmuLockSite;
  write: boolean;
  holdNs: number;
}

/** Each step asks for mmu_lock once at `at`, holds it, releases it. Returns the trace without the inner lock's lines. */
function run(
  options: Partial<KvmMmuLockOptions>,
  steps: Step[],
): { lines: string[]; mmu: KvmMmuLock; sim: Simulation } {
  const sim = new Simulation({ trace: true });
  const mmu = new KvmMmuLock(sim, { kind: "qrwlock", cpus: 4, lineTransferNs: 60, localAtomicNs: 5, ...options });
  for (const s of steps) {
    sim.spawn(s.who, function* (self: Process) {
      yield s.at;
      yield* mmu.critical_section(self, s.cpu, s.site, s.holdNs, s.write);
    });
  }
  sim.run();
  return { lines: sim.trace!.lines((e) => e.on !== "mmu_lock"), mmu, sim };
}

const R1: Step = { at: 0, who: "R1", cpu: 0, site: "aging", write: false, holdNs: 1000 };
const W: Step = { at: 100, who: "W", cpu: 1, site: "unmap", write: true, holdNs: 500 };
const R2: Step = { at: 200, who: "R2", cpu: 2, site: "fault", write: false, holdNs: 100 };

test("qrwlock: the writer waits for the reader inside, a later reader waits for the writer; line transfers and hand-offs cost time", () => {
  const { lines, mmu } = run({}, [R1, W, R2]);
  assert.deepEqual(lines, [
    "0 R1 ask aging", // first atomic on a line nobody owns: local cost, 5 ns
    "5 R1 hold aging",
    "100 W ask unmap", // the line comes from CPU 0: 60 ns
    "160 W wait unmap", // a reader is inside: W sets _QW_WAITING; bound = 845 ns remaining + 60 ns hand-off
    "200 R2 ask fault",
    "260 R2 wait fault", // sees _QW_WAITING: queues behind W (process context)
    "1005 R1 release aging",
    "1065 W hold unmap", // granted with one hand-off
    "1565 W release unmap",
    "1625 R2 hold fault",
    "1725 R2 release fault",
  ]);
  assert.equal(mmu.sites.unmap.waitNs.max, 1065 - 100, "site wait runs from the ask, line included");
  assert.equal(mmu.sites.unmap.spinNs, 1065 - 160);
  assert.equal(mmu.sites.unmap.lineNs, 60);
  assert.equal(mmu.boundedWriters, 1);
  assert.equal(mmu.boundViolations, 0);
  assert.equal(mmu.maxWaitOverBound, 1, "the bound is tight when one reader is inside and nobody is queued");
});

test("the writer's bound adds every hold queued ahead of it plus a hand-off each", () => {
  // W2 asks behind W (queued) and R1 (inside): bound = R1's remaining + (W's hold + hand-off) + its own hand-off.
  const W2: Step = { at: 300, who: "W2", cpu: 3, site: "unmap", write: true, holdNs: 50 };
  const { mmu, lines } = run({}, [R1, W, W2]);
  assert.deepEqual(
    lines.filter((l) => l.includes("W2")),
    ["300 W2 ask unmap", "360 W2 wait unmap", "1625 W2 hold unmap", "1675 W2 release unmap"],
  );
  // At 360: R1 remaining 1005 - 360 = 645; W queued: 500 + 60; own hand-off 60 -> 1265; waited 1625 - 360 = 1265.
  assert.equal(mmu.boundViolations, 0);
  assert.equal(mmu.maxWaitOverBound, 1);
});

test("reader-preferring: a reader arriving while the writer spins gets in and pushes the writer past its bound", () => {
  const late: Step = { at: 900, who: "R3", cpu: 2, site: "fault", write: false, holdNs: 500 };
  const { lines, mmu } = run({ kind: "reader-pref" }, [R1, W, late]);
  assert.deepEqual(
    lines.filter((l) => l.includes("W ")),
    ["100 W ask unmap", "160 W wait unmap", "1520 W hold unmap", "2020 W release unmap"],
  );
  assert.equal(mmu.boundViolations, 1);
  assert.ok(mmu.maxWaitOverBound > 1);
  assert.throws(
    () => run({ kind: "reader-pref", onBoundExceeded: "throw" }, [R1, W, late]),
    (e: unknown) =>
      e instanceof InvariantViolation &&
      /writer 'W' \(unmap\) waited 1360 ns, more than its bound of 905 ns/.test(e.message),
  );
});

test("a task cannot release what it does not hold, nor ask twice", () => {
  const sim = new Simulation();
  const mmu = new KvmMmuLock(sim, { kind: "qrwlock", cpus: 1, lineTransferNs: 60 });
  sim.spawn("T", function* (self: Process) {
    yield 0;
    mmu.read_unlock(self, 0);
  });
  assert.throws(() => sim.run(), /'T' released mmu_lock for read without holding it that way/);
  const sim2 = new Simulation();
  const mmu2 = new KvmMmuLock(sim2, { kind: "qrwlock", cpus: 1, lineTransferNs: 60 });
  sim2.spawn("T", function* (self: Process) {
    yield* mmu2.read_lock(self, 0, "fault", 10);
    yield* mmu2.write_lock(self, 0, "unmap", 10);
  });
  assert.throws(() => sim2.run(), /'T' asked for mmu_lock \(unmap\) while it already holds or waits for it \(fault\)/);
});

test("waits still running at the end are reported as they stand", () => {
  const sim = new Simulation();
  const mmu = new KvmMmuLock(sim, { kind: "reader-pref", cpus: 2, lineTransferNs: 0, localAtomicNs: 0 });
  sim.spawn("R", function* (self: Process) {
    yield* mmu.critical_section(self, 0, "fault", 10_000, false);
  });
  sim.spawn("W", function* (self: Process) {
    yield 100;
    yield* mmu.critical_section(self, 1, "unmap", 10, true);
  });
  sim.run({ until: 2100 });
  assert.deepEqual(mmu.pendingWaits("unmap"), [2000]);
  assert.deepEqual(mmu.pendingWaits("fault"), []);
});
