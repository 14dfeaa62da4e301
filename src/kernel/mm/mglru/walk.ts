/**
 * The aging walk over page tables (mm/vmscan.c, Linux 6.6: walk_mm -> walk_pmd_range -> walk_pte_range), with the
 * change of commit 1d4832becdc2 behind config.clearYoungNotify.
 *
 * walk_pmd_range visits a PTE table only if the Bloom filter of the walk's seq has it (or force_scan), and marks it
 * for the next walk when walk_pte_range finds it suitable_to_scan (>= 1 young PTE in 8). walk_pte_range clears each
 * young PTE's A bit and promotes its folio to max_seq by rewriting the flag (folio_update_gen).
 * Before the fix the young test is the host bit alone, so a table of guest memory, whose host PTEs are touched only
 * at the host fault, never qualifies and its SPTE bits are never read here. With the fix, every present PTE of an mm
 * with notifiers goes through ptep_clear_young_notify, one notifier call each, young if either bit was.
 *
 * Read in the 6.6.8 tree of syslab-CAU/ScaleSwap @83341de3 (linux-6.6.8/mm/vmscan.c: walk_pte_range tests
 * pte_young before anything else) and, for the fix, torvalds/linux @538d5baa (get_pte_pfn passes non-young entries
 * of mm_has_notifiers mms to ptep_clear_young_notify; that copy also has walk_update_folio and the later tiers).
 * File VMAs are walked like anon ones (should_skip_vma); page-cache ranges are not VMAs and are skipped.
 * Cost: every PTE looked at costs walkPteNs and every notifier call notifierCallNs of the walking task's time.
 *
 * Not modelled: the non-leaf PMD A-bit shortcut (should_clear_pmd_young; arm64 lacks it and the fix disables it for
 * mms with notifiers), THP (walk_pmd_range_locked), and the dirty-bit transfer (no writeback here).
 */
import type { MmStruct, Vma } from "./address-space";
import { lru_gen_from_seq, MIN_LRU_BATCH, PTRS_PER_PTE, suitable_to_scan } from "./constants";
import type { Mglru } from "./mglru";
import { ptep_clear_young_notify } from "./young-notify";

/** struct lru_gen_mm_walk, the fields that matter here. */
export interface MmWalk {
  /** The seq being aged (the max_seq try_to_inc_max_seq was called with). */
  maxSeq: number;
  /** Ignore the Bloom filter and the ran-since-last-walk bit (proactive aging through lru_gen debugfs). */
  forceScan: boolean;
}

/**
 * should_skip_mm: an mm that has not run since the last walk cannot have set A bits (unless force_scan), and one
 * with fewer than MIN_LRU_BATCH resident pages is not worth it. Clears the ran-since-walk bit it tests.
 */
export function should_skip_mm(mm: MmStruct, walk: MmWalk): boolean {
  if (!walk.forceScan && !mm.ranSinceWalk) return true;
  mm.ranSinceWalk = false;
  return mm.rss < MIN_LRU_BATCH;
}

/** walk_mm: every VMA of the mm (should_skip_vma passes anon and shmem VMAs when swap is on). */
export function walk_mm(m: Mglru, mm: MmStruct, walk: MmWalk): void {
  for (const id of mm.vmas) {
    const vma = m.as.vmas[id];
    if (vma.kind !== "pagecache") walk_pmd_range(m, vma, walk);
  }
}

/** walk_pmd_range over one VMA: each PTE table it spans, gated by the Bloom filter. */
export function walk_pmd_range(m: Mglru, vma: Vma, walk: MmWalk): void {
  const firstTable = Math.floor(vma.start / PTRS_PER_PTE);
  const lastTable = Math.floor((vma.end - 1) / PTRS_PER_PTE);
  for (let table = firstTable; table <= lastTable; table++) {
    if (!walk.forceScan && !m.bloom.test(walk.maxSeq, table)) continue;
    const start = Math.max(vma.start, table * PTRS_PER_PTE);
    const end = Math.min(vma.end, (table + 1) * PTRS_PER_PTE);
    if (!walk_pte_range(m, vma, start, end, walk)) continue;
    // carry over to the next generation
    m.bloom.update(walk.maxSeq + 1, table);
  }
}

/** walk_pte_range over [start, end) of one table; returns suitable_to_scan(total, young). */
export function walk_pte_range(m: Mglru, vma: Vma, start: number, end: number, walk: MmWalk): boolean {
  const as = m.as;
  const lruvec = m.lruvec;
  const newGen = lru_gen_from_seq(walk.maxSeq);
  const notifier = m.config.clearYoungNotify ? as.mms[vma.mm].notifier : null;
  const notify = notifier !== null;
  let total = 0;
  let young = 0;
  let calls = 0;
  m.stats.tablesWalked++;
  for (let slot = start; slot < end; slot++) {
    total++;
    // get_pte_pfn: swapped-out entries are not present
    if (as.present[slot] === 0) continue;
    if (as.young[slot] === 0 && !notify) continue;
    // get_pfn_folio; a folio reclaim has isolated is still found (folio_update_gen marks it referenced)
    if (notify) {
      calls++;
      if (!ptep_clear_young_notify(as, slot, notifier)) continue;
    } else {
      as.young[slot] = 0; // ptep_test_and_clear_young
    }
    young++;
    // folio_update_gen: a folio reclaim has isolated is still found, and gets PG_referenced
    const old = lruvec.folio_update_gen(slot, newGen);
    if (old >= 0 && old !== newGen) m.record("walk-promote", `folio ${slot} gen ${old}->${newGen}`);
  }
  m.costNs += total * m.costs.walkPteNs + calls * m.costs.notifierCallNs;
  m.calls.walk += calls;
  m.stats.ptesWalked += total;
  m.stats.walkYoung += young;
  return suitable_to_scan(total, young);
}
