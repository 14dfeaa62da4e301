/**
 * `mmu-lock-aging`: KVM's mmu_lock as a queued rwlock, with MGLRU aging as readers, eviction as writers, and
 * stage-2 faults as guest-controlled readers (issue 4, made to follow the kernel source in issue 11 and the 000
 * parts of issue 20; thread ../shared/seeds/000-mglru-secondary-mmu-aging-rwlock-2024.txt). What was read, at which
 * commit, and what changed: docs/fidelity/000-mmu-lock-aging.md.
 */
import { defineExperiment } from "../experiment";
import { mmuLockAgingParams } from "./params";
import { runMmuLockModel } from "./model";
import { detail, mmuLockAgingObservables, observe, type MmuLockAgingDetail } from "./observe";
import { mmuLockAgingClaims } from "./claims";

export const mmuLockAging = defineExperiment<typeof mmuLockAgingParams, MmuLockAgingDetail>({
  id: "mmu-lock-aging",
  title: "KVM's mmu_lock as a queued rwlock: aging readers, eviction writers, starvation and priority inversion",
  thread: "000-mglru-secondary-mmu-aging-rwlock-2024.txt",
  kernel:
    "Linux 6.6: kernel/locking/qrwlock.c and include/asm-generic/qrwlock.h (every atomic of the fast and slow paths on the " +
    "lock's line, wait_lock a qspinlock on the same line); virt/kvm/kvm_main.c (__kvm_handle_hva_range, the clear_young and " +
    "invalidate_range_start/_end notifiers); arch/arm64/kvm/mmu.c (user_mem_abort, kvm_age_gfn, stage2_apply_range) and " +
    "arch/x86/kvm/mmu/tdp_mmu.c (kvm_tdp_mmu_age_gfn_range, tdp_mmu_zap_leafs, tdp_mmu_iter_cond_resched); kernel/sched/core.c " +
    "(cond_resched_rwlock_write); mm/vmscan.c (iterate_mm_list, walk_mm, should_run_aging, try_to_inc_max_seq, evict_folios, " +
    "lru_gen_look_around, run_aging) and mm/rmap.c (folio_referenced_one) with commit 1d4832becdc2",
  params: mmuLockAgingParams,
  observables: mmuLockAgingObservables,
  scenario(p, seed, options) {
    const r = runMmuLockModel(p, seed);
    return { values: observe(p, r), detail: options.detail ? detail(r) : undefined };
  },
  claims: mmuLockAgingClaims,
});
