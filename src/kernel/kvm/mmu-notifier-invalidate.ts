/**
 * Secondary-MMU unmap before page-out: try_to_unmap() brackets the host PTE clear with
 * mmu_notifier_invalidate_range_start()/_end(), which KVM implements (virt/kvm/kvm_main.c, Linux 6.6, from memory
 * of that version) as two kvm_handle_hva_range() calls under KVM_MMU_LOCK (write_lock):
 * - kvm_mmu_notifier_invalidate_range_start(): kvm_mmu_invalidate_begin(), then kvm_unmap_gfn_range() and, on
 *   arm64, the stage-2 TLB invalidation (TLBI IPAS2E1IS + DSB) before the lock is dropped: the writer's hold;
 * - kvm_mmu_notifier_invalidate_range_end(): kvm_mmu_invalidate_end() (a counter update), a short write hold.
 * Both holds are unpublished (mechanisms file A5); the model takes them as parameters.
 */
import type { Process, Yielded } from "../../sim/process";
import type { KvmVm } from "./kvm-vm";

/** The unmap writer: returns the ns of the release atomic still to be spent. */
export function kvm_mmu_notifier_invalidate_range_start(
  kvm: KvmVm,
  task: Process<any>,
  cpu: number,
  holdNs: number,
): Generator<Yielded, number, unknown> {
  return kvm.mmu_lock.critical_section(task, cpu, "unmap", holdNs, true);
}

/** The closing writer: returns the ns of the release atomic still to be spent. */
export function kvm_mmu_notifier_invalidate_range_end(
  kvm: KvmVm,
  task: Process<any>,
  cpu: number,
  holdNs: number,
): Generator<Yielded, number, unknown> {
  return kvm.mmu_lock.critical_section(task, cpu, "invalidate-end", holdNs, true);
}
