/**
 * MGLRU constants and sequence helpers, as in Linux 6.6 (include/linux/mmzone.h, include/linux/mm_inline.h
 * lru_tier_from_refs, mm/vmscan.c, include/linux/pgtable.h, include/linux/swap.h).
 * Checked against the 6.6.8 tree in syslab-CAU/ScaleSwap @83341de3 (linux-6.6.8/include/linux/mm_inline.h,
 * linux-6.6.8/mm/vmscan.c); torvalds/linux @538d5baa (6.14+) changed lru_tier_from_refs to take PG_workingset
 * (`workingset ? MAX_NR_TIERS - 1 : order_base_2(refs)`), which this model does not follow.
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

/** The two LRU types (enum lru_gen_type / folio_is_file_lru): anon and file. */
export const LRU_GEN_ANON = 0;
export const LRU_GEN_FILE = 1;
export const ANON_AND_FILE = 2;
/** MAX_NR_TIERS: tiers 0..3 of accesses through file descriptors (include/linux/mmzone.h). */
export const MAX_NR_TIERS = 4;
/** LRU_REFS_WIDTH = MAX_NR_TIERS - 2: the refs counter in folio->flags holds 0..3. */
export const LRU_REFS_WIDTH = 2;
/** LRU_REFS_MASK's largest value. */
export const LRU_REFS_MAX = (1 << LRU_REFS_WIDTH) - 1;
/** MAX_SWAPPINESS (vm.swappiness 0..200; 6.6 writes the literal 200). */
export const MAX_SWAPPINESS = 200;
/**
 * NR_HIST_GENS: 1 without CONFIG_LRU_GEN_STATS (the ChromeOS and distro default), so the PID controller's per-seq
 * counters have one slot and reset_ctrl_pos(carryover) clears them each time min_seq moves.
 */
export const NR_HIST_GENS = 1;
/** MAX_RECLAIM_RETRIES (mm/internal.h): reclaim rounds without progress before OOM / kswapd giving up. */
export const MAX_RECLAIM_RETRIES = 16;

/** order_base_2(n): ceil(log2(n)), 0 for n <= 1. */
export function order_base_2(n: number): number {
  return n <= 1 ? 0 : 32 - Math.clz32(n - 1);
}

/**
 * lru_tier_from_refs (include/linux/mm_inline.h, 6.6): refs is folio_lru_refs(), the accesses beyond
 * PG_referenced (LRU_REFS bits + PG_workingset, 0..4): tier = order_base_2(refs + 1), so 0 -> 0, 1 -> 1,
 * 2-3 -> 2, 4 -> 3.
 */
export function lru_tier_from_refs(refs: number): number {
  return order_base_2(refs + 1);
}

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
