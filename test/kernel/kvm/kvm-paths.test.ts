// Stage-2 faults and the MMU-notifier aging and unmap paths against mmu_lock, with exact traces.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../../src/sim/simulation";
import type { Process } from "../../../src/sim/process";
import { KvmMmuLock } from "../../../src/kernel/kvm/mmu-lock";
import type { KvmVm } from "../../../src/kernel/kvm/kvm-vm";
import { kvm_vcpu_run, VcpuFaultStats } from "../../../src/kernel/kvm/stage2-fault";
import { kvm_mmu_notifier_clear_young, type AgingLockMode } from "../../../src/kernel/kvm/mmu-notifier-aging";
import {
  kvm_mmu_notifier_invalidate_range_end,
  kvm_mmu_notifier_invalidate_range_start,
} from "../../../src/kernel/kvm/mmu-notifier-invalidate";

function vm(trace = true): KvmVm {
  const sim = new Simulation({ trace });
  return { sim, mmu_lock: new KvmMmuLock(sim, { kind: "qrwlock", cpus: 2, lineTransferNs: 60, localAtomicNs: 5 }) };
}
const siteLines = (kvm: KvmVm) => kvm.sim.trace!.lines((e) => e.on !== "mmu_lock");

test("a vCPU runs the guest, faults under the read lock, and spends the release atomic before re-entering", () => {
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
    ),
  );
  kvm.sim.run({ until: 3100 });
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

for (const [mode, expected] of [
  ["write", ["0 A ask aging", "5 A hold aging", "65 A release aging"]],
  ["read", ["0 A ask aging", "5 A hold aging", "65 A release aging"]],
  ["lockless", []],
] as Array<[AgingLockMode, string[]]>) {
  test(`clear_young over 2 pages, ${mode}: ${mode === "lockless" ? "no mmu_lock at all" : `mmu_lock for ${mode}`}`, () => {
    const kvm = vm();
    let releaseNs = -1;
    kvm.sim.spawn("A", function* (self: Process) {
      releaseNs = yield* kvm_mmu_notifier_clear_young(kvm, self, 0, 2, 30, mode);
    });
    kvm.sim.run();
    assert.deepEqual(siteLines(kvm), expected);
    assert.equal(kvm.sim.now, mode === "lockless" ? 60 : 65);
    assert.equal(releaseNs, mode === "lockless" ? 0 : 5);
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
    "2005 kswapd0 ask invalidate-end",
    "2015 kswapd0 hold invalidate-end", // behind its own release atomic on the line
    "2115 kswapd0 release invalidate-end",
  ]);
  assert.equal(kvm.mmu_lock.lock.stats.write.acquisitions, 2);
});
