/**
 * The A-bit helpers of include/linux/pgtable.h and include/linux/mmu_notifier.h (Linux 6.6) that MGLRU calls on a
 * host PTE, with the secondary-MMU half reached through the mm's notifier.
 *
 * ptep_clear_young_notify = ptep_test_and_clear_young | mmu_notifier_clear_young (no TLB flush);
 * ptep_clear_flush_young_notify = ptep_clear_flush_young | mmu_notifier_clear_flush_young.
 * Both always call the notifier when the mm has one: the secondary bit is independent of the host bit.
 */
import type { AddressSpace, SecondaryMmu } from "./address-space";

/** Counts of notifier calls by the MGLRU path that made them. */
export class NotifierCalls {
  /** From the aging walk (walk_pte_range), only after commit 1d4832becdc2. */
  walk = 0;
  /** From lru_gen_look_around's neighbours, only after the fix. */
  lookAround = 0;
  /** From the rmap walk's check of the target PTE (folio_referenced_one). */
  rmap = 0;

  get total(): number {
    return this.walk + this.lookAround + this.rmap;
  }

  reset(): void {
    this.walk = 0;
    this.lookAround = 0;
    this.rmap = 0;
  }
}

export type NotifyPath = "walk" | "lookAround" | "rmap";

/** mm_has_notifiers(vma->vm_mm) for the mm mapping `slot`. */
export function mm_has_notifiers(as: AddressSpace, slot: number): boolean {
  return as.mmOf(slot).notifier !== null;
}

/** ptep_test_and_clear_young: returns the host A bit and clears it. */
export function ptep_test_and_clear_young(as: AddressSpace, slot: number): boolean {
  const y = as.young[slot] === 1;
  as.young[slot] = 0;
  return y;
}

/**
 * ptep_clear_young_notify: host bit | secondary bit, both cleared, no flush. `notifier` is the mm's
 * (mm_has_notifiers), resolved once by the caller for its whole range; the caller counts the calls.
 */
export function ptep_clear_young_notify(as: AddressSpace, slot: number, notifier: SecondaryMmu | null): boolean {
  const host = as.young[slot] === 1;
  as.young[slot] = 0;
  const secondary = notifier !== null && notifier.clear_young(slot);
  return host || secondary;
}

/** ptep_clear_flush_young_notify: as above through the flushing variants (folio_referenced_one before the fix). */
export function ptep_clear_flush_young_notify(as: AddressSpace, slot: number, notifier: SecondaryMmu | null): boolean {
  const host = as.young[slot] === 1;
  as.young[slot] = 0;
  const secondary = notifier !== null && notifier.clear_flush_young(slot);
  return host || secondary;
}
