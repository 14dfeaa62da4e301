/**
 * vCPUs taking stage-2 faults under mmu_lock's read side:
 * - arm64 (arch/arm64/kvm/mmu.c, 6.6): kvm_handle_guest_abort() -> user_mem_abort(), which since commit
 *   1577cb5823ce maps the page under read_lock(&kvm->mmu_lock), and handle_access_fault() likewise (read in a
 *   6.14+ copy found by the search tool, where it is kvm_fault_lock(); the stored torvalds/linux mmu.c
 *   @1c53a1ae3612 is the 5.17 form, before the read lock);
 * - x86-tdp: the TDP MMU's fault path (kvm_tdp_mmu_map) runs under read_lock too (since 5.12).
 * The guest runs between faults; how often it faults is the guest's business, which is Oliver's point: readers of
 * mmu_lock are guest-controlled.
 *
 * While an aging walk runs over its memory, a vCPU also loses time to the walk's cache, TLB and memory-bandwidth
 * interference (issue 20): the model stretches its guest run by a factor the caller gives (an assumption, swept).
 *
 * Not modelled: the fault work before the lock (gfn_to_pfn, the memslot lookup) and the mmu_invalidate_retry()
 * check that makes a fault racing an invalidation retry; both are outside mmu_lock's hold or rare.
 */
import type { Process, Yielded } from "../../sim/process";
import { Histogram } from "../../sim/stats/histogram";
import type { KvmVm } from "./kvm-vm";

export class VcpuFaultStats {
  faults = 0;
  /** Fault time from asking for mmu_lock to releasing it (wait + hold + release atomic), ns. */
  readonly faultLatencyNs = new Histogram("stage-2 fault latency ns");
  /** Guest time lost to aging walks' interference, ns (the stretch of guest runs). */
  interferenceNs = 0;

  reset(): void {
    this.faults = 0;
    this.faultLatencyNs.reset();
    this.interferenceNs = 0;
  }
}

/** user_mem_abort(): read_lock(mmu_lock), install the stage-2 entry, read_unlock(). */
export function* user_mem_abort(
  kvm: KvmVm,
  vcpu: Process<any>,
  cpu: number,
  holdNs: number,
  stats: VcpuFaultStats,
): Generator<Yielded, void, unknown> {
  const t0 = kvm.sim.now;
  yield* kvm.mmu_lock.critical_section(vcpu, cpu, "fault", holdNs, false);
  stats.faults++;
  stats.faultLatencyNs.record(kvm.sim.now - t0);
}

/**
 * A vCPU thread in KVM_RUN: run the guest until its next stage-2 fault, handle it, repeat. `guestRunNs` and
 * `faultHoldNs` draw from the vCPU's own random streams; `interferenceNs(runNs)` is the extra time that run takes
 * because of an aging walk in flight (0 when none).
 */
export function* kvm_vcpu_run(
  kvm: KvmVm,
  vcpu: Process<any>,
  cpu: number,
  guestRunNs: () => number,
  faultHoldNs: () => number,
  stats: VcpuFaultStats,
  interferenceNs: (runNs: number) => number = () => 0,
): Generator<Yielded, void, unknown> {
  for (;;) {
    const run = guestRunNs();
    const extra = interferenceNs(run);
    stats.interferenceNs += extra;
    yield run + extra;
    yield* user_mem_abort(kvm, vcpu, cpu, faultHoldNs(), stats);
  }
}
