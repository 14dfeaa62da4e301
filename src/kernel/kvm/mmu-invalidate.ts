/**
 * KVM as a secondary MMU: the invalidation sequence and in-progress count that make its page faults retry instead
 * of installing a translation an invalidation is about to (or just did) remove. Follows Linux 6.6, hva-based:
 * include/linux/kvm_host.h read at GrapheneOS/kernel_common-6.6 @b919a842 (mmu_invalidate_retry_hva) and
 * virt/kvm/kvm_main.c 6.6 as quoted by the 6.8 patch that changed it (kvm_mmu_invalidate_begin/end(kvm, start, end)).
 * - kvm_mmu_notifier_invalidate_range_start(): under KVM_MMU_LOCK (write_lock on x86), kvm_mmu_invalidate_begin(kvm,
 *   start, end): mmu_invalidate_in_progress++, then the hva range: [start, end) when it is the only one in progress,
 *   else the min/max window over all ("Fully tracking multiple concurrent ranges has diminishing returns"); then
 *   kvm_unmap_gfn_range() zaps the sptes in range and flushes remote TLBs.
 * - kvm_mmu_notifier_invalidate_range_end(): under the lock, kvm_mmu_invalidate_end(kvm, start, end):
 *   mmu_invalidate_seq++, smp_wmb(), mmu_invalidate_in_progress--.
 * - The fault (arch/x86/kvm/mmu/mmu.c direct_page_fault(), TDP MMU): snapshot mmu_invalidate_seq, smp_rmb(),
 *   kvm_faultin_pfn() (GUP: may fault the page in, pins it), read_lock(mmu_lock), is_page_fault_stale() ->
 *   mmu_invalidate_retry_hva(kvm, mmu_seq, fault->hva): an invalidation in progress whose window covers the hva, or
 *   a changed sequence, means RET_PF_RETRY: drop the lock and the pin, re-enter the guest, fault again.
 * Newer kernels differ: 6.8 ("KVM: Use gfn instead of hva for mmu_notifier_retry", lore
 * 20231027182217.3615211-4-seanjc@google.com) splits kvm_mmu_invalidate_begin(kvm) from
 * kvm_mmu_invalidate_range_add(kvm, gfn start, end) (the window starts at INVALID_GPA) and checks
 * mmu_invalidate_retry_gfn(kvm, seq, gfn); later x86 adds an unlocked pre-check, mmu_invalidate_retry_gfn_unsafe(),
 * before faulting the pfn in. With one memslot over the mapping (hva = gfn = page index here) both decide alike; the
 * unlocked pre-check (it only retries earlier) and mn_active_invalidate_count (memslot updates) are not modelled.
 * Fields were mmu_notifier_seq/count before commit 20ec3ebd707c (Aug 2022).
 *
 * For the cost model, KVM's per-callout work is a fixed part f (taking mmu_lock, the memslot walk, the remote TLB
 * flush) plus c per page in the range (the rmap/TDP walk zapping that page's spte): both unpublished, swept by the
 * notebook. The 2008 per-page callback, kvm_mmu_notifier_invalidate_page() (2.6.27..4.12: spin_lock(mmu_lock),
 * mmu_notifier_seq++, kvm_unmap_hva(), unlock, flush), and #v5's per-PT call cost f + c x pages the same way. KVM
 * registers no invalidate_range for ordinary memory (4.15..6.5 used it only for the APIC access page).
 *
 * Host virtual addresses are the mapping's page indexes (one memslot over the whole mapping, gfn = hva).
 */
import { Qrwlock } from "../locking/qrwlock";
import type { Process, Yielded } from "../../sim/process";
import type { Simulation } from "../../sim/simulation";
import type { MmuNotifierSubscriber, NotifierBody, NotifierOp } from "../mm/mmu-notifier";
import type { SecondaryFaultContext } from "../mm/secondary-fault";
import type { SecondaryTlb } from "../mm/secondary-tlb";

/** The window's value while no invalidation is in progress (6.6 leaves the last one; 6.8 resets it to INVALID_GPA). */
export const NO_RANGE = -1;

export interface KvmMmuOptions {
  ops: readonly NotifierOp[];
  /** f: fixed work per callback, ns. */
  calloutNs: number;
  /** c: work per page in the callback's range, ns. */
  perPageNs: number;
  /** The sptes, or null when only costs matter. */
  sptes: SecondaryTlb | null;
}

/** struct kvm's MMU-notifier state and mmu_lock. */
export class KvmMmuInvalidate implements MmuNotifierSubscriber {
  readonly name: string;
  readonly ops: ReadonlySet<NotifierOp>;
  readonly mmu_lock: Qrwlock;
  mmu_invalidate_seq = 0;
  mmu_invalidate_in_progress = 0;
  /** The hva window of the invalidations in progress (meaningful only while mmu_invalidate_in_progress > 0). */
  mmu_invalidate_range_start = NO_RANGE;
  mmu_invalidate_range_end = NO_RANGE;

  constructor(
    readonly sim: Simulation,
    name: string,
    readonly options: KvmMmuOptions,
  ) {
    this.name = name;
    this.ops = new Set(options.ops);
    this.mmu_lock = new Qrwlock(sim, `${name} mmu_lock`);
  }

  calloutNs(op: NotifierOp, pages: number): number {
    return op === "invalidate_range_end"
      ? this.options.calloutNs
      : this.options.calloutNs + this.options.perPageNs * pages;
  }

  callout(op: NotifierOp, task: Process<any>, start: number, end: number): NotifierBody {
    switch (op) {
      case "invalidate_range_start":
        return this.kvm_mmu_notifier_invalidate_range_start(task, start, end);
      case "invalidate_range_end":
        return this.kvm_mmu_notifier_invalidate_range_end(task, start, end);
      // invalidate_range only if a what-if registers it: the same zap of the range's sptes.
      case "invalidate_page":
      case "invalidate_pages":
      case "invalidate_range":
        return this.kvm_mmu_notifier_invalidate_page(task, start, end);
    }
  }

  /**
   * kvm_mmu_invalidate_begin(kvm, start, end) (6.6): in_progress++, then the window: [start, end) for the only
   * invalidation in progress, else the minimal range covering the current one and the new one.
   */
  kvm_mmu_invalidate_begin(start: number, end: number): void {
    this.mmu_invalidate_in_progress++;
    if (this.mmu_invalidate_in_progress === 1) {
      this.mmu_invalidate_range_start = start;
      this.mmu_invalidate_range_end = end;
    } else {
      this.mmu_invalidate_range_start = Math.min(this.mmu_invalidate_range_start, start);
      this.mmu_invalidate_range_end = Math.max(this.mmu_invalidate_range_end, end);
    }
  }

  /** kvm_mmu_invalidate_end(kvm, start, end) (6.6): seq++ before in_progress-- (smp_wmb between them). */
  kvm_mmu_invalidate_end(_start: number, _end: number): void {
    this.mmu_invalidate_seq++;
    this.mmu_invalidate_in_progress--;
    if (this.mmu_invalidate_in_progress < 0)
      throw new Error(`${this.name}: mmu_invalidate_in_progress went negative at t=${this.sim.now} ns`);
  }

  /**
   * mmu_invalidate_retry_hva(kvm, mmu_seq, hva) (6.6, under mmu_lock): true when a fault that snapshot `mmuSeq` must
   * not install a translation for `hva`: an invalidation in progress over it, or a changed sequence.
   */
  mmu_invalidate_retry_hva(mmuSeq: number, hva: number): boolean {
    if (
      this.mmu_invalidate_in_progress > 0 &&
      hva >= this.mmu_invalidate_range_start &&
      hva < this.mmu_invalidate_range_end
    )
      return true;
    return this.mmu_invalidate_seq !== mmuSeq;
  }

  *kvm_mmu_notifier_invalidate_range_start(task: Process<any>, start: number, end: number): NotifierBody {
    yield this.mmu_lock.queued_write_lock(task);
    this.kvm_mmu_invalidate_begin(start, end);
    this.options.sptes?.invalidateRange(start, end);
    yield this.calloutNs("invalidate_range_start", end - start);
    this.mmu_lock.queued_write_unlock(task);
  }

  *kvm_mmu_notifier_invalidate_range_end(task: Process<any>, start: number, end: number): NotifierBody {
    yield this.mmu_lock.queued_write_lock(task);
    yield this.calloutNs("invalidate_range_end", 0);
    this.kvm_mmu_invalidate_end(start, end);
    this.mmu_lock.queued_write_unlock(task);
  }

  /** kvm_mmu_notifier_invalidate_page() of 2.6.27 (and #v5's per-PT variant over [start, end)). */
  *kvm_mmu_notifier_invalidate_page(task: Process<any>, start: number, end: number): NotifierBody {
    yield this.mmu_lock.queued_write_lock(task);
    this.mmu_invalidate_seq++;
    this.options.sptes?.invalidateRange(start, end);
    yield this.calloutNs("invalidate_page", end - start);
    this.mmu_lock.queued_write_unlock(task);
  }
}

export interface KvmFaultContext extends SecondaryFaultContext {
  kvm: KvmMmuInvalidate;
  sptes: SecondaryTlb;
}

/**
 * A vCPU's EPT/NPT violation at `gfn`, from the VM exit to the spte being installed, through as many RET_PF_RETRY
 * round trips as the invalidations in progress impose (each re-enters the guest and faults again).
 */
export function* kvm_tdp_page_fault(
  ctx: KvmFaultContext,
  task: Process<any>,
  gfn: number,
): Generator<Yielded, void, unknown> {
  const { kvm, sptes, mm, timing, stats } = ctx;
  const sim = mm.sim;
  const t0 = sim.now;
  stats.faults++;
  if (sim.trace) sim.record(task.name, "miss", `${gfn}`);
  for (;;) {
    yield timing.preWalkNs;
    const mmuSeq = kvm.mmu_invalidate_seq;
    // kvm_faultin_pfn() -> hva_to_pfn(): get_user_pages() walks the PTE, faults the page in if none, pins it.
    let page = mm.pte[gfn];
    if (page === 0) {
      stats.cpuFaults++;
      page = yield* mm.handle_mm_fault(task, gfn, timing.cpuFaultNs);
    }
    mm.pin(page);
    if (sim.trace) sim.record(task.name, "gup", `${gfn}=p${page} seq${mmuSeq}`);
    yield timing.walkToInsertNs;
    yield kvm.mmu_lock.queued_read_lock(task);
    if (kvm.mmu_invalidate_retry_hva(mmuSeq, gfn)) {
      stats.retries++;
      if (kvm.mmu_invalidate_in_progress > 0) stats.heldOff++;
      kvm.mmu_lock.queued_read_unlock(task);
      mm.unpin(page);
      if (sim.trace) sim.record(task.name, "RET_PF_RETRY", `${gfn}`);
      continue;
    }
    sptes.insert(gfn, page);
    if (sim.trace) sim.record(task.name, "map_spte", `${gfn}=p${page}`);
    mm.checkInsert(sptes, gfn, page);
    kvm.mmu_lock.queued_read_unlock(task);
    mm.unpin(page);
    break;
  }
  stats.latencyNs.record(sim.now - t0);
}
