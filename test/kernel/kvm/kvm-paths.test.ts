// Stage-2 faults, the MMU-notifier aging and unmap paths against mmu_lock, and where an unmap yields the lock
// (cond_resched_rwlock_write), with exact traces.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../../src/sim/simulation";
import type { Process } from "../../../src/sim/process";
import { KvmMmuLock } from "../../../src/kernel/kvm/mmu-lock";
import type { KvmArch, KvmVm } from "../../../src/kernel/kvm/kvm-vm";
import { kvm_vcpu_run, VcpuFaultStats } from "../../../src/kernel/kvm/stage2-fault";
import { kvm_mmu_notifier_clear_young, type AgingLockMode } from "../../../src/kernel/kvm/mmu-notifier-aging";
import {
  kvm_mmu_notifier_invalidate_range_end,
  kvm_mmu_notifier_invalidate_range_start,
} from "../../../src/kernel/kvm/mmu-notifier-invalidate";

function vm(arch: KvmArch = "arm64", cpus = 2): KvmVm {
  const sim = new Simulation({ trace: true });
  return {
    sim,
    mmu_lock: new KvmMmuLock(sim, { kind: "qrwlock", cpus, lineTransferNs: 60, localAtomicNs: 5 }),
    arch,
  };
}
const siteLines = (kvm: KvmVm) => kvm.sim.trace!.lines((e) => e.on !== "mmu_lock");

/** One vCPU on CPU 0 running the guest 1000 ns between faults of 500 ns, until `untilNs`. */
function oneVcpu(untilNs: number, interference?: (runNs: number) => number) {
  const kvm = vm();
  const stats = new VcpuFaultStats();
  kvm.sim.spawn("vcpu0", (self) =>
    kvm_vcpu_run(
      kvm,
      self,
      0,
      () => 1000,
      () => 500,
      stats,
      interference,
    ),
  );
  kvm.sim.run({ until: untilNs });
  return { kvm, stats };
}

test("a vCPU runs the guest, faults under the read lock, and spends the release atomic before re-entering", () => {
  const { kvm, stats } = oneVcpu(3100);
  assert.deepEqual(siteLines(kvm), [
    "1000 vcpu0 ask fault",
    "1005 vcpu0 hold fault",
    "1505 vcpu0 release fault",
    "2510 vcpu0 ask fault", // guest ran 1000 ns after the 5 ns release atomic
    "2515 vcpu0 hold fault",
    "3015 vcpu0 release fault",
  ]);
  assert.equal(stats.faults, 2);
  assert.equal(stats.faultLatencyNs.max, 510);
});

test("walk interference stretches the guest run it applies to, and is counted apart from mmu_lock", () => {
  const { kvm, stats } = oneVcpu(1200, (run) => run / 10);
  assert.deepEqual(siteLines(kvm), ["1100 vcpu0 ask fault", "1105 vcpu0 hold fault"]);
  assert.equal(stats.interferenceNs, 100);
});

for (const [mode, expected] of [
  ["write", ["0 A ask aging", "5 A hold aging", "65 A release aging"]],
  ["read", ["0 A ask aging", "5 A hold aging", "65 A release aging"]],
  ["lockless", []],
] as Array<[AgingLockMode, string[]]>) {
  test(`clear_young over 2 pages, ${mode}: ${mode === "lockless" ? "no mmu_lock at all" : `mmu_lock for ${mode}`}`, () => {
    const kvm = vm();
    kvm.sim.spawn("A", function* (self: Process) {
      yield* kvm_mmu_notifier_clear_young(kvm, self, 0, 2, 30, mode);
    });
    kvm.sim.run();
    assert.deepEqual(siteLines(kvm), expected);
    assert.equal(kvm.sim.now, mode === "lockless" ? 60 : 70, "the release atomic is spent inside the call");
    const inner = kvm.sim.trace!.lines((e) => e.on === "mmu_lock" && e.what.startsWith("acquired"));
    assert.deepEqual(inner, mode === "lockless" ? [] : [`5 A acquired-${mode} mmu_lock`]);
  });
}

test("an unmap is two write sections: invalidate_range_start (unmap + TLBI) then invalidate_range_end", () => {
  const kvm = vm();
  kvm.sim.spawn("kswapd0", function* (self: Process) {
    yield* kvm_mmu_notifier_invalidate_range_start(kvm, self, 1, 2000);
    yield* kvm_mmu_notifier_invalidate_range_end(kvm, self, 1, 100);
  });
  kvm.sim.run();
  assert.deepEqual(siteLines(kvm), [
    "0 kswapd0 ask unmap",
    "5 kswapd0 hold unmap",
    "2005 kswapd0 release unmap",
    "2010 kswapd0 ask invalidate-end", // after its own release atomic (2005..2010)
    "2015 kswapd0 hold invalidate-end",
    "2115 kswapd0 release invalidate-end",
  ]);
  assert.equal(kvm.mmu_lock.lock.stats.write.acquisitions, 2);
});

/** A 4-page unmap of 400 ns (100 per page) on CPU 0 from t=0, and a fault reader on CPU 1 asking at 150. */
function rangeUnmap(arch: KvmArch): { lines: string[]; yields: number } {
  const kvm = vm(arch);
  let yields = -1;
  kvm.sim.spawn("W", function* (self: Process) {
    yields = yield* kvm_mmu_notifier_invalidate_range_start(kvm, self, 0, 400, 4);
  });
  kvm.sim.spawn("R", function* (self: Process) {
    yield 150;
    yield* kvm.mmu_lock.critical_section(self, 1, "fault", 50, false);
  });
  kvm.sim.run();
  return { lines: siteLines(kvm), yields };
}

test("x86-tdp: a long unmap yields mmu_lock to a waiter before its next leaf (tdp_mmu_iter_cond_resched)", () => {
  const { lines, yields } = rangeUnmap("x86-tdp");
  // W holds from 5, 100 ns per leaf. R's bias lands at 210 on _QW_LOCKED: R holds wait_lock from 220 and spins
  // (rwlock_is_contended). The checks before leaves 2 (105) and 3 (205) found nobody; the one at 305 yields: W's
  // release lands at 365, R reads the line (425) and releases wait_lock (485); W, queued behind it since 380,
  // claims wait_lock (605), finds cnts 0 (610), cmpxchgs (615), releases wait_lock (620) and does its last leaf.
  assert.deepEqual(lines, [
    "0 W ask unmap",
    "5 W hold unmap",
    "150 R ask fault",
    "305 W release unmap",
    "365 W ask unmap",
    "370 W wait unmap",
    "485 R hold fault",
    "535 R release fault",
    "620 W hold unmap",
    "720 W release unmap",
  ]);
  assert.equal(yields, 1);
});

test("arm64: the same unmap does not yield: stage2_apply_range breaks only between 1 GiB chunks", () => {
  const { lines, yields } = rangeUnmap("arm64");
  // R waits the whole 400 ns: W's release lands at 465, R reads (525) and releases wait_lock (585).
  assert.deepEqual(lines, [
    "0 W ask unmap",
    "5 W hold unmap",
    "150 R ask fault",
    "405 W release unmap",
    "585 R hold fault",
    "635 R release fault",
  ]);
  assert.equal(yields, 0);
});
