// kvm->mmu_lock: every atomic on the lock word's cache line, per-site waits and the writer's two bounds, on
// hand-written scenarios (local atomic 5 ns, transfer 60 ns, atomics serialised on the line).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../../src/sim/simulation";
import type { Process } from "../../../src/sim/process";
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
): { lines: string[]; inner: string[]; mmu: KvmMmuLock; sim: Simulation } {
  const sim = new Simulation({ trace: true });
  const mmu = new KvmMmuLock(sim, { kind: "qrwlock", cpus: 4, lineTransferNs: 60, localAtomicNs: 5, ...options });
  for (const s of steps) {
    sim.spawn(s.who, function* (self: Process) {
      yield s.at;
      yield* mmu.critical_section(self, s.cpu, s.site, s.holdNs, s.write);
    });
  }
  sim.run();
  return {
    lines: sim.trace!.lines((e) => e.on !== "mmu_lock"),
    inner: sim.trace!.lines((e) => e.on === "mmu_lock"),
    mmu,
    sim,
  };
}

const R1: Step = { at: 0, who: "R1", cpu: 0, site: "aging", write: false, holdNs: 1000 };
const W: Step = { at: 100, who: "W", cpu: 1, site: "unmap", write: true, holdNs: 500 };
const R2: Step = { at: 200, who: "R2", cpu: 2, site: "fault", write: false, holdNs: 100 };

test("qrwlock: the writer waits for the reader inside, a later reader for the writer; every step costs line time", () => {
  const { lines, mmu } = run({}, [R1, W, R2]);
  assert.deepEqual(lines, [
    "0 R1 ask aging", // first atomic on a line nobody owns: local, 5 ns
    "5 R1 hold aging",
    "100 W ask unmap", // its cmpxchg needs the line from CPU 0: lands at 160 on R1's bias
    "160 W wait unmap", // strict bound: R1's 845 ns left + one transfer = 905 ns
    "200 R2 ask fault", // its bias lands at 260 on _QW_WAITING (set at 175): sub, then queue behind W
    "1005 R1 release aging", // the release atomic lands at 1065: cnts == _QW_WAITING
    "1190 W hold unmap", // W reads the line (1125), cmpxchgs (1185), releases wait_lock (1190)
    "1690 W release unmap", // its release lands at 1750
    "1870 R2 hold fault", // R2 at the head since 1315 reads (1810), releases wait_lock (1870)
    "1970 R2 release fault",
  ]);
  assert.equal(mmu.sites.unmap.waitNs.max, 1190 - 100, "site wait runs from the ask, line included");
  assert.equal(mmu.sites.unmap.lineNs, 60, "the fast-path attempt's line time");
  assert.equal(mmu.sites.unmap.spinNs, 1190 - 160);
  assert.equal(mmu.boundedWriters, 1);
  // The strict bound (905 ns from 160) misses W's own slow-path line time after R1 left: read, cmpxchg, unlock.
  assert.equal(mmu.boundViolations, 1);
  assert.equal(mmu.maxBoundExcessNs, 1190 - 160 - 905);
  assert.ok(Math.abs(mmu.maxWaitOverBound - 1030 / 905) < 1e-12);
  // The kernel bound from _QW_WAITING (175): R1's 830 ns left + 3 ops x 4 CPUs x 60 ns = 1550 ns; W waited 1015.
  assert.equal(mmu.kernelBoundViolations, 0);
  assert.ok(Math.abs(mmu.maxWaitOverKernelBound - 1015 / 1550) < 1e-12);
  assert.equal(mmu.lock.writerCmpxchgRetries, 0);
  assert.equal(mmu.lock.transientBiasNs(), 5, "R2's bias sat in cnts from its add (260) to its sub (265)");
});

test("a writer queued behind a writer: the strict bound adds the hold queued ahead; the kernel's counts from _QW_WAITING", () => {
  const W2: Step = { at: 300, who: "W2", cpu: 3, site: "unmap", write: true, holdNs: 50 };
  const { mmu, lines } = run({}, [R1, W, W2]);
  assert.deepEqual(
    lines.filter((l) => l.includes("W2")),
    ["300 W2 ask unmap", "360 W2 wait unmap", "1875 W2 hold unmap", "1925 W2 release unmap"],
  );
  // At 360: R1 645 ns left, W queued (500 + 60), W2's own 60 ns: 1265 ns; W2 waited 1875 - 360 = 1515 ns. At 1320
  // its _QW_WAITING lands with W holding (370 ns left): kernel bound 370 + 720 ns; it waited 555 ns more.
  assert.equal(mmu.boundViolations, 2);
  assert.equal(mmu.maxBoundExcessNs, 1515 - 1265);
  assert.equal(mmu.kernelBoundViolations, 0);
});

test("reader-preferring: a reader arriving while the writer spins gets in and pushes the writer far past its bound", () => {
  const late: Step = { at: 900, who: "R3", cpu: 2, site: "fault", write: false, holdNs: 500 };
  const { lines, mmu } = run({ kind: "reader-pref" }, [R1, W, late]);
  assert.deepEqual(
    lines.filter((l) => l.includes("W ")),
    ["100 W ask unmap", "160 W wait unmap", "1580 W hold unmap", "2080 W release unmap"],
  );
  assert.equal(mmu.boundViolations, 1);
  assert.ok(Math.abs(mmu.maxWaitOverBound - (1580 - 160) / 905) < 1e-12);
  assert.equal(mmu.maxWaitOverKernelBound, 0, "no _QW_WAITING, no kernel bound");
});

test("a task cannot release what it does not hold, nor ask twice", () => {
  const sim = new Simulation();
  const mmu = new KvmMmuLock(sim, { kind: "qrwlock", cpus: 1, lineTransferNs: 60 });
  sim.spawn("T", function* (self: Process) {
    yield 0;
    yield* mmu.read_unlock(self, 0);
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

test("waits still running at the end are reported as they stand, and kswapd-style write time counts the one in progress", () => {
  const sim = new Simulation();
  const mmu = new KvmMmuLock(sim, { kind: "reader-pref", cpus: 2, lineTransferNs: 0, localAtomicNs: 0 });
  sim.spawn("R", function* (self: Process) {
    yield* mmu.critical_section(self, 0, "fault", 10_000, false);
  });
  const writer = sim.spawn("W", function* (self: Process) {
    yield 100;
    yield* mmu.critical_section(self, 1, "invalidate-end", 10, true);
  });
  sim.run({ until: 2100 });
  assert.deepEqual(mmu.pendingWaits("invalidate-end"), [2000]);
  assert.deepEqual(mmu.pendingWaits("fault"), []);
  assert.equal(mmu.writeAcquireNsOf(writer), 2000);
});
