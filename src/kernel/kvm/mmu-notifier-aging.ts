/**
 * Secondary-MMU aging: the clear_young MMU notifier as KVM implements it, per architecture.
 *
 * kvm_mmu_notifier_clear_young() -> kvm_handle_hva_range_no_flush(mn, start, end, kvm_age_gfn) (virt/kvm/kvm_main.c,
 * 6.6; the text read in Yu Zhao's 2023 series, git 2.41.0.rc0) -> __kvm_handle_hva_range (CachyOS/linux
 * @79f4411db5cb), which takes KVM_MMU_LOCK (write_lock) once a memslot matches, calls the handler over the range and
 * drops it: one write acquisition per notifier call, whatever the range. No TLB flush (flush_on_ret is false).
 * - arm64: kvm_age_gfn -> kvm_pgtable_stage2_test_clear_young over the range: stage2_age_walker under
 *   KVM_PGTABLE_WALK_LEAF, "always called while holding the MMU lock for write" (the comment James Houghton's
 *   <20240529180510.2295118-7-jthoughton@google.com> rewrites). The walk never yields the lock.
 * - x86-tdp: kvm_age_gfn -> kvm_tdp_mmu_age_gfn_range -> kvm_tdp_mmu_handle_gfn, which by its own comment does not
 *   reschedule ("none of the MMU notifiers that funnel into this helper allow blocking"; read in the TDX patch
 *   <7a0fb2a0dddc87fb8d34d5af8fc73b288dbcc63c.1673539699.git.isaku.yamahata@intel.com>, 6.2-era context; the stored
 *   torvalds tdp_mmu.c @89e5a4268760 is the 5.11 form). tdp_mmu_iter_cond_resched is used by the zap and wrprot
 *   walks, not by aging (see kvm-unmap-gfn-range.ts). Neither architecture yields mmu_lock while aging.
 * The lock modes argued about in the thread:
 * - "write": mainline on both;
 * - "read": James Houghton's "KVM: arm64: Relax locking for kvm_test_age_gfn and kvm_age_gfn" (v4-v6, dropped):
 *   the same walk under read_lock with KVM_PGTABLE_WALK_SHARED (the Access flag cleared with a cmpxchg). There was
 *   no x86 read-lock variant: on x86-tdp it is a what-if;
 * - "lockless": x86's series (v4 "KVM: x86: Relax locking for kvm_test_age_gfn and kvm_age_gfn", merged as
 *   CONFIG_KVM_MMU_LOCKLESS_AGING, commit aa34b811650c): the TDP MMU walked under RCU only, the Accessed bit
 *   cleared with an atomic; on arm64 a what-if (Yu's RCU walker was never merged).
 * Freeing of stage-2 tables under RCU is not modelled: lockless walkers cost the walk and nothing else here.
 */
import type { Process, Yielded } from "../../sim/process";
import type { KvmVm } from "./kvm-vm";

export type AgingLockMode = "write" | "read" | "lockless";

/** One clear_young notifier call over `pages` pages, each costing `agingPageNs` to walk and test/clear. */
export function kvm_mmu_notifier_clear_young(
  kvm: KvmVm,
  task: Process<any>,
  cpu: number,
  pages: number,
  agingPageNs: number,
  mode: AgingLockMode,
): Generator<Yielded, void, unknown> {
  const holdNs = pages * agingPageNs;
  // Returns the section's generator rather than delegating to it: one generator fewer per page.
  if (mode === "lockless") return rcu_walk(holdNs);
  return kvm.mmu_lock.critical_section(task, cpu, "aging", holdNs, mode === "write");
}

/** rcu_read_lock(); walk; clear the Accessed bits atomically; rcu_read_unlock(): no mmu_lock at all. */
function* rcu_walk(walkNs: number): Generator<Yielded, void, unknown> {
  if (walkNs > 0) yield walkNs;
}
