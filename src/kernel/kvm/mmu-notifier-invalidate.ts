/**
 * Secondary-MMU unmap before page-out: try_to_unmap() brackets the host PTE clear with
 * mmu_notifier_invalidate_range_start()/_end(), which KVM implements (virt/kvm/kvm_main.c, read in CachyOS/linux
 * @79f4411db5cb, a 6.5-era tree; 6.6 is the same) as two __kvm_handle_hva_range() calls under KVM_MMU_LOCK:
 * - kvm_mmu_notifier_invalidate_range_start(): on_lock = kvm_mmu_invalidate_begin, handler = kvm_unmap_gfn_range
 *   (kvm-unmap-gfn-range.ts, which may yield the lock), flush_on_ret = true: the TLB invalidation runs before the
 *   lock is dropped (arm64: TLBI + DSB; x86: kvm_flush_remote_tlbs). Unmap and flush are the writer's hold;
 * - kvm_mmu_notifier_invalidate_range_end(): on_lock = kvm_mmu_invalidate_end (a counter update), a null handler:
 *   a short write hold.
 * Both holds are unpublished (mechanisms file A5); the model takes them as parameters.
 */
import type { Process, Yielded } from "../../sim/process";
import type { KvmVm } from "./kvm-vm";
import { kvm_unmap_gfn_range } from "./kvm-unmap-gfn-range";

/** The unmap writer over `pages` pages (1: one folio). Returns how many times it yielded mmu_lock. */
export function* kvm_mmu_notifier_invalidate_range_start(
  kvm: KvmVm,
  task: Process<any>,
  cpu: number,
  holdNs: number,
  pages = 1,
): Generator<Yielded, number, unknown> {
  yield* kvm.mmu_lock.write_lock(task, cpu, "unmap", holdNs);
  const yields = yield* kvm_unmap_gfn_range(kvm, task, cpu, pages, holdNs);
  yield* kvm.mmu_lock.write_unlock(task, cpu);
  return yields;
}

/** The closing writer. */
export function kvm_mmu_notifier_invalidate_range_end(
  kvm: KvmVm,
  task: Process<any>,
  cpu: number,
  holdNs: number,
): Generator<Yielded, void, unknown> {
  return kvm.mmu_lock.critical_section(task, cpu, "invalidate-end", holdNs, true);
}
