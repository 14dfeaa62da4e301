/**
 * MGLRU constants and sequence helpers, as in Linux 6.6 (include/linux/mmzone.h, mm/vmscan.c,
 * include/linux/pgtable.h, include/linux/swap.h).
 *
 * The model is pinned to 6.6 because it is the LTS kernel the bug shipped in (MM_WALK on, secondary MMUs asked only
 * through folio_referenced) and the one the fix, commit 1d4832becdc2, was backported to through stable; its aging
 * trigger (should_run_aging aims at 3 generations, forced at 2) is the one documented in the mechanisms file.
 */

/** MIN_NR_GENS: a folio needs two checks (the first clears the fault-time A bit, the second proves disuse). */
export const MIN_NR_GENS = 2;
/** MAX_NR_GENS: at most four generations are live at once; flags store gen+1 in two bits. */
export const MAX_NR_GENS = 4;
/** MIN_LRU_BATCH = BITS_PER_LONG: scan_folios stops after isolating this many; look-around spans this many PTEs. */
export const MIN_LRU_BATCH = 64;
/** MAX_LRU_BATCH = MIN_LRU_BATCH * 64: the most folios one scan_folios call looks at. */
export const MAX_LRU_BATCH = MIN_LRU_BATCH * 64;
/** DEF_PRIORITY: reclaim starts here and scans total >> priority; get_nr_to_scan never ages at this priority. */
export const DEF_PRIORITY = 12;
/** SWAP_CLUSTER_MAX: what one direct reclaim tries to free (scan_control.nr_to_reclaim). */
export const SWAP_CLUSTER_MAX = 32;
/** PTRS_PER_PTE with 4 KiB pages: one PTE table maps 2 MiB. */
export const PTRS_PER_PTE = 512;
/** BLOOM_FILTER_SHIFT: each of the two Bloom filters has 2^15 bits. */
export const BLOOM_FILTER_SHIFT = 15;
/** NR_BLOOM_FILTERS: one filter is read (seq) while the next (seq+1) is written. */
export const NR_BLOOM_FILTERS = 2;

/** lru_gen_from_seq: the generation index (list and flag value - 1) a sequence number maps to. */
export function lru_gen_from_seq(seq: number): number {
  return seq % MAX_NR_GENS;
}

/**
 * suitable_to_scan (mm/vmscan.c): a PTE table is worth walking next time if at least one PTE per cache line is
 * young. n = clamp(cache_line_size() / sizeof(pte_t), 2, 8) = 64 / 8 = 8: "1 young PTE in 8".
 */
export function suitable_to_scan(total: number, young: number): boolean {
  const n = 8;
  return young * n >= total;
}
