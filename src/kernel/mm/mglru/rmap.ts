/**
 * folio_referenced (mm/rmap.c, Linux 6.6) for a folio mapped by one PTE: folio_referenced_one's MGLRU branch.
 *
 * 6.6 as released:
 *   if (lru_gen_enabled() && pte_young(*pte)) { lru_gen_look_around(pvmw); referenced++; }
 *   if (ptep_clear_flush_young_notify(vma, address, pte)) referenced++;
 * so KVM's SPTE bit is read here and only here, once per eviction attempt.
 * With commit 1d4832becdc2:
 *   if (lru_gen_enabled()) { if (lru_gen_look_around(pvmw)) referenced++; }
 * and look-around tests the target through ptep_clear_young_notify (no flush).
 * Read in the 6.6.8 tree of syslab-CAU/ScaleSwap @83341de3 (linux-6.6.8/mm/rmap.c) and torvalds/linux @538d5baa.
 * A page-cache folio read with read() has no mapping: folio_referenced finds nothing (0).
 */
import { lookAroundHostOnly, lookAroundNotify } from "./look-around";
import type { Mglru } from "./mglru";
import { ptep_clear_flush_young_notify } from "./young-notify";

/** Returns the number of references found (0, 1 or 2). */
export function folio_referenced(m: Mglru, f: number): number {
  if (m.as.present[f] === 0) return 0;
  if (m.config.clearYoungNotify) return lookAroundNotify(m, f) ? 1 : 0;
  let referenced = 0;
  if (m.as.young[f] === 1) {
    lookAroundHostOnly(m, f);
    referenced++;
  }
  const notifier = m.as.mmOf(f).notifier;
  if (notifier !== null) {
    m.calls.rmap++;
    m.costNs += m.costs.notifierCallNs;
  }
  if (ptep_clear_flush_young_notify(m.as, f, notifier)) referenced++;
  return referenced;
}
