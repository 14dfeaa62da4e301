/**
 * Tiers: how MGLRU counts accesses through file descriptors (mm/swap.c folio_inc_refs and folio_mark_accessed's
 * lru_gen branch, include/linux/mm_inline.h folio_lru_refs and lru_tier_from_refs, Linux 6.6; read in the 6.6.8
 * tree of syslab-CAU/ScaleSwap @83341de3, linux-6.6.8/mm/swap.c and include/linux/mm_inline.h).
 *
 * A folio read through read() is marked accessed each time: the first access sets PG_referenced, the second
 * PG_workingset, each later one increments the LRU_REFS counter up to 3. folio_lru_refs() is the accesses beyond
 * PG_referenced, refs + workingset (0..4), and lru_tier_from_refs() maps it to tiers 0-3 (order_base_2(refs + 1)).
 * Accesses through page tables leave a folio in tier 0: the walk and look-around clear refs when they promote
 * (folio_update_gen), so generations, not tiers, govern mapped anon memory and mapped files.
 * torvalds/linux @538d5baa (6.14+, lru_gen_inc_refs) differs: a folio must be on the LRU to count, and PG_workingset
 * became a tier of its own; this model follows 6.6.
 */
import { lru_tier_from_refs, LRU_REFS_MAX } from "./constants";
import { PG_referenced, PG_workingset, type Lruvec } from "./lruvec";

/** folio_lru_refs (6.6): LRU_REFS counter + PG_workingset. */
export function folio_lru_refs(lv: Lruvec, f: number): number {
  return lv.refs[f] + ((lv.flags[f] & PG_workingset) !== 0 ? 1 : 0);
}

/** The tier a folio's refs put it in. */
export function folio_tier(lv: Lruvec, f: number): number {
  return lru_tier_from_refs(folio_lru_refs(lv, f));
}

/** folio_inc_refs (6.6), as folio_mark_accessed calls it under MGLRU for a page read through a file descriptor. */
export function folio_inc_refs(lv: Lruvec, f: number): void {
  const flags = lv.flags[f];
  if ((flags & PG_referenced) === 0) {
    lv.flags[f] = flags | PG_referenced;
    return;
  }
  if ((flags & PG_workingset) === 0) {
    lv.flags[f] = flags | PG_workingset;
    return;
  }
  if (lv.refs[f] < LRU_REFS_MAX) lv.refs[f]++;
}
