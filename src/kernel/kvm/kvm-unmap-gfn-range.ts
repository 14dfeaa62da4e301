/**
 * kvm_unmap_gfn_range(), the handler invalidate_range_start runs under KVM_MMU_LOCK, per architecture, with the
 * places where a long unmap yields mmu_lock:
 * - arm64 (arch/arm64/kvm/mmu.c, stage2_apply_range as in a 6.14+ copy found by the search tool and in 6.6; the
 *   stored torvalds/linux copy @1c53a1ae3612 is the 5.17 form, with cond_resched_lock on the spinlock):
 *   __unmap_stage2_range -> stage2_apply_range(mmu, start, end, kvm_pgtable_stage2_unmap, may_block), which walks
 *   the range in chunks of kvm_granule_size(KVM_PGTABLE_MIN_BLOCK_LEVEL) (stage2_range_addr_end: 1 GiB with 4 KiB
 *   pages) and between chunks, when may_block, calls cond_resched_rwlock_write(&kvm->mmu_lock).
 * - x86-tdp (arch/x86/kvm/mmu/tdp_mmu.c, 6.6): kvm_tdp_mmu_unmap_gfn_range -> tdp_mmu_zap_leafs(..., can_yield =
 *   range->may_block), which before each leaf step calls tdp_mmu_iter_cond_resched: "Ensure forward progress has been
 *   made before yielding" (not before the first step), then, if need_resched() or rwlock_needbreak(), flush,
 *   cond_resched_rwlock_write(&kvm->mmu_lock) and restart the iterator. Read in a 2024 patch to
 *   tdp_mmu_iter_cond_resched (git 2.47.0) whose removed lines are the 6.6 form; the stored torvalds tdp_mmu.c
 *   @89e5a4268760 is the 5.11 form (the same check, without the shared/exclusive split).
 * try_to_unmap's range is blockable (mmu_notifier_invalidate_range_start sets MMU_NOTIFIER_RANGE_BLOCKABLE), so
 * may_block holds. A one-folio unmap never yields on either: one chunk, and no forward progress before the only step.
 */
import type { Process, Yielded } from "../../sim/process";
import { cond_resched_rwlock_write } from "../sched/cond-resched";
import type { KvmVm } from "./kvm-vm";

/** kvm_granule_size(KVM_PGTABLE_MIN_BLOCK_LEVEL) in 4 KiB pages: level 1, 1 GiB. */
export const ARM64_STAGE2_RANGE_PAGES = 262_144;

/**
 * Runs the unmap of `pages` pages with mmu_lock held for write at site "unmap", taking `holdNs` in all (spread
 * evenly over the pages), and yields the lock where the architecture does. Returns how many times it yielded.
 */
export function* kvm_unmap_gfn_range(
  kvm: KvmVm,
  task: Process<any>,
  cpu: number,
  pages: number,
  holdNs: number,
): Generator<Yielded, number, unknown> {
  if (pages <= 1) {
    if (holdNs > 0) yield holdNs;
    return 0;
  }
  const perPage = holdNs / pages;
  let yields = 0;
  let done = 0;
  let spentNs = 0;
  const spend = function* (n: number): Generator<Yielded, void, unknown> {
    const target = Math.round((done + n) * perPage);
    const d = target - spentNs;
    spentNs = target;
    done += n;
    if (d > 0) yield d;
  };
  if (kvm.arch === "arm64") {
    // stage2_apply_range: chunks to the next granule boundary; cond_resched_rwlock_write between chunks.
    while (done < pages) {
      const n = Math.min(ARM64_STAGE2_RANGE_PAGES - (done % ARM64_STAGE2_RANGE_PAGES), pages - done);
      yield* spend(n);
      if (done < pages && (yield* cond_resched_rwlock_write(kvm.mmu_lock, task, cpu, "unmap", holdNs - spentNs)))
        yields++;
    }
  } else {
    // tdp_mmu_zap_leafs: tdp_mmu_iter_cond_resched before every leaf step after the first.
    for (let i = 0; i < pages; i++) {
      if (i > 0 && (yield* cond_resched_rwlock_write(kvm.mmu_lock, task, cpu, "unmap", holdNs - spentNs))) yields++;
      yield* spend(1);
    }
  }
  return yields;
}
