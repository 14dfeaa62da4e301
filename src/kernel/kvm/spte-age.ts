/**
 * KVM's side of page aging: the Accessed bits of the SPTEs (x86 TDP/EPT entries, arm64 stage-2 entries) that map
 * guest memory, reached from core mm through the MMU notifier (virt/kvm/kvm_main.c, Linux 6.6:
 * kvm_mmu_notifier_clear_young -> kvm_age_gfn, kvm_mmu_notifier_clear_flush_young -> kvm_age_gfn plus a remote TLB
 * flush if young, kvm_mmu_notifier_invalidate_range_start -> kvm_unmap_gfn_range). Read at torvalds/linux
 * @00116795aa87, a 5.x copy that is older than 6.6 with the same three behaviours: clear_flush_young calls
 * kvm_age_hva and kvm_flush_remote_tlbs() if young, clear_young calls kvm_age_hva with no flush, invalidate_range_start
 * calls kvm_unmap_hva_range, all under spin_lock(&kvm->mmu_lock); later kernels, 6.6 included, route them through
 * kvm_handle_hva_range with gfn handlers under KVM_MMU_LOCK (see mmu-notifier-aging.ts).
 * CONFIG_KVM_ELIDE_TLB_FLUSH_IF_YOUNG (x86 skips the flush) is post-6.6, seen only in 2024 patches; this model counts
 * the 6.6 flush on every young clear_flush_young.
 *
 * One memslot covers the VMM's guest-memory VMA, so the gfn of a host PTE slot is the slot itself.
 * Columns per slot: whether an SPTE maps it and its A bit. A guest access through a present SPTE sets the A bit
 * (hardware A/D on EPT; the Access Flag on arm64 with FEAT_HAFDBS); an access with no SPTE is a KVM page fault,
 * which installs a young SPTE after faulting the host page in.
 *
 * Cost: each notifier call is charged `callNs` (on arm64 6.6, kvm_age_gfn runs under kvm->mmu_lock taken for write;
 * ~200-500 ns per page contended, ~30 ns lockless: derived in ../shared/reference/mechanisms-aging-rwlock.md, A3/A4).
 */
import type { SecondaryMmu } from "../mm/mglru/address-space";

export class SpteAge implements SecondaryMmu {
  /** An SPTE maps the gfn. */
  readonly present: Uint8Array;
  /** Its Accessed bit. */
  readonly young: Uint8Array;
  /** Notifier calls that test/clear the A bit (clear_young + clear_flush_young). */
  ageCalls = 0;
  /** Remote TLB flushes done by clear_flush_young on a young SPTE (x86 elides them: KVM_ELIDE_TLB_FLUSH_IF_YOUNG). */
  flushes = 0;
  /** SPTEs zapped by invalidations. */
  zaps = 0;

  constructor(
    slots: number,
    /** Charged per aging notifier call, ns (for the CPU cost of aging the secondary MMU). */
    readonly callNs = 0,
  ) {
    this.present = new Uint8Array(slots);
    this.young = new Uint8Array(slots);
  }

  /** CPU time the aging notifier calls cost so far, ns. */
  get ageCostNs(): number {
    return this.ageCalls * this.callNs;
  }

  /** A guest access to gfn `slot` through its SPTE: sets the A bit. Returns false if there is no SPTE (a fault). */
  guestAccess(slot: number): boolean {
    if (this.present[slot] === 0) return false;
    this.young[slot] = 1;
    return true;
  }

  /** The KVM page fault's end (kvm_tdp_mmu_map / user_mem_abort): installs the SPTE, young (the access is retried). */
  installSpte(slot: number): void {
    this.present[slot] = 1;
    this.young[slot] = 1;
  }

  /** kvm_age_gfn: test and clear. */
  clear_young(slot: number): boolean {
    this.ageCalls++;
    const y = this.young[slot] === 1;
    this.young[slot] = 0;
    return y;
  }

  /** kvm_mmu_notifier_clear_flush_young: kvm_age_gfn, then a TLB flush if it was young. */
  clear_flush_young(slot: number): boolean {
    const y = this.clear_young(slot);
    if (y) this.flushes++;
    return y;
  }

  /** kvm_unmap_gfn_range for one page: the SPTE is zapped (the host page is about to be swapped out). */
  invalidate(slot: number): void {
    if (this.present[slot] === 0) return;
    this.present[slot] = 0;
    this.young[slot] = 0;
    this.zaps++;
  }

  resetCounters(): void {
    this.ageCalls = 0;
    this.flushes = 0;
    this.zaps = 0;
  }
}
