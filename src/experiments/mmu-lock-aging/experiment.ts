/**
 * `mmu-lock-aging`: KVM's mmu_lock as a queued rwlock, with MGLRU aging as readers, eviction as writers, and
 * stage-2 faults as guest-controlled readers (issue 4; thread ../shared/seeds/000-mglru-secondary-mmu-aging-rwlock-2024.txt).
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
    "Linux 6.6: kernel/locking/qrwlock.c (queued_read_lock_slowpath, queued_write_lock_slowpath); virt/kvm/kvm_main.c " +
    "(kvm_handle_hva_range, kvm_mmu_notifier_clear_young, kvm_mmu_notifier_invalidate_range_start/_end); arch/arm64/kvm/mmu.c " +
    "(user_mem_abort, kvm_age_gfn); mm/vmscan.c (try_to_shrink_lruvec, walk_mm, evict_folios) with commit 1d4832becdc2",
  params: mmuLockAgingParams,
  observables: mmuLockAgingObservables,
  scenario(p, seed, options) {
    const r = runMmuLockModel(p, seed);
    return { values: observe(p, r), detail: options.detail ? detail(r) : undefined };
  },
  claims: mmuLockAgingClaims,
});
