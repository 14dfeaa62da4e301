/**
 * Secondary-MMU aging: the clear_young / test_young MMU notifiers as KVM implements them.
 *
 * kvm_mmu_notifier_clear_young() -> kvm_handle_hva_range() (virt/kvm/kvm_main.c, Linux 6.6) takes KVM_MMU_LOCK, a
 * write_lock, once a memslot matches, and calls kvm_age_gfn(), which on arm64 (arch/arm64/kvm/mmu.c) is
 * kvm_pgtable_stage2_test_clear_young() over the range. The variants argued about in the thread:
 * - "write": mainline arm64, as above;
 * - "read": James Houghton's "KVM: arm64: Relax locking..." (v4-v6 of the MGLRU secondary-MMU series, later
 *   dropped): the same walk under read_lock, the Access flag cleared with an atomic;
 * - "lockless": CONFIG_KVM_MMU_LOCKLESS_AGING (commit aa34b811650c; x86 and s390 select it, arm64 does not): the
 *   walk under RCU only, no mmu_lock at all (Yu's RCU + cmpxchg walker for arm64 was never merged).
 * Freeing of stage-2 tables under RCU is not modelled: lockless walkers cost the walk and nothing else here.
 */
import type { Process, Yielded } from "../../sim/process";
import type { KvmVm } from "./kvm-vm";

export type AgingLockMode = "write" | "read" | "lockless";

/**
 * One clear_young notifier call over `pages` pages, each costing `agingPageNs` to walk and test/clear. Returns the
 * ns of the release atomic still to be spent (0 when lockless); a caller that takes mmu_lock next may drop it,
 * since the lock word's line already serialises its next atomic behind it.
 */
export function kvm_mmu_notifier_clear_young(
  kvm: KvmVm,
  task: Process<any>,
  cpu: number,
  pages: number,
  agingPageNs: number,
  mode: AgingLockMode,
): Generator<Yielded, number, unknown> {
  const holdNs = pages * agingPageNs;
  // Returns the section's generator rather than delegating to it: one generator fewer per page.
  if (mode === "lockless") return rcu_walk(holdNs);
  return kvm.mmu_lock.critical_section(task, cpu, "aging", holdNs, mode === "write");
}

/** rcu_read_lock(); walk; cmpxchg the Access flag off; rcu_read_unlock(): no mmu_lock, nothing to release. */
function* rcu_walk(walkNs: number): Generator<Yielded, number, unknown> {
  yield walkNs;
  return 0;
}
