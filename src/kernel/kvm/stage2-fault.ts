/**
 * vCPUs taking stage-2 faults, after arch/arm64/kvm/mmu.c (Linux 6.6): kvm_handle_guest_abort() ->
 * user_mem_abort(), which since commit 1577cb5823ce maps the page under read_lock(&kvm->mmu_lock) (and software
 * Access-flag faults, handle_access_fault(), likewise in recent trees). The guest runs between faults; how often it
 * faults is the guest's business, which is Oliver's point: readers of mmu_lock are guest-controlled.
 *
 * Not modelled: the fault work before the lock (gfn_to_pfn, the memslot lookup) and the mmu_invalidate_retry()
 * check that makes a fault racing an invalidation retry; both are outside mmu_lock's hold or rare.
 */
import type { Process, Yielded } from "../../sim/process";
import { Histogram } from "../../sim/stats/histogram";
import type { KvmVm } from "./kvm-vm";

export class VcpuFaultStats {
  faults = 0;
  /** Fault time from asking for mmu_lock to releasing it (wait + hold), ns. */
  readonly faultLatencyNs = new Histogram("stage-2 fault latency ns");

  reset(): void {
    this.faults = 0;
    this.faultLatencyNs.reset();
  }
}

/**
 * user_mem_abort(): read_lock(mmu_lock), install the stage-2 entry (kvm_pgtable_stage2_map), read_unlock().
 * Returns the ns of the release atomic, which the vCPU spends before re-entering the guest. The spinning is
 * counted by the lock, per site (kvm.mmu_lock.sites.fault).
 */
export function* user_mem_abort(
  kvm: KvmVm,
  vcpu: Process<any>,
  cpu: number,
  holdNs: number,
  stats: VcpuFaultStats,
): Generator<Yielded, number, unknown> {
  const t0 = kvm.sim.now;
  const releaseNs = yield* kvm.mmu_lock.critical_section(vcpu, cpu, "fault", holdNs, false);
  stats.faults++;
  stats.faultLatencyNs.record(kvm.sim.now - t0 + releaseNs);
  return releaseNs;
}

/**
 * A vCPU thread in KVM_RUN: run the guest until its next stage-2 fault, handle it, repeat. `guestRunNs` and
 * `faultHoldNs` draw from the vCPU's own random streams.
 */
export function* kvm_vcpu_run(
  kvm: KvmVm,
  vcpu: Process<any>,
  cpu: number,
  guestRunNs: () => number,
  faultHoldNs: () => number,
  stats: VcpuFaultStats,
): Generator<Yielded, void, unknown> {
  let carryNs = 0;
  for (;;) {
    yield guestRunNs() + carryNs;
    carryNs = yield* user_mem_abort(kvm, vcpu, cpu, faultHoldNs(), stats);
  }
}
