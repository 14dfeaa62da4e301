/**
 * Direct reclaim on one lruvec (mm/vmscan.c, Linux 6.6): do_try_to_free_pages' priority loop around
 * lru_gen_shrink_lruvec's try_to_shrink_lruvec, with get_nr_to_scan deciding between evicting and aging.
 *
 * Simplifications: one node, one memcg (the root), no kswapd (an allocation that finds no free page reclaims
 * SWAP_CLUSTER_MAX itself), swappiness > 0 with anon only, and reclaim takes no simulated time.
 */
import { InvariantViolation } from "../../../sim/invariant";
import { try_to_inc_max_seq, should_run_aging } from "./aging";
import { DEF_PRIORITY, SWAP_CLUSTER_MAX } from "./constants";
import { evict_folios } from "./evict";
import type { Mglru } from "./mglru";

/**
 * get_nr_to_scan: how many folios to scan at this priority (total >> priority), or, when should_run_aging says so
 * and the priority is below DEF_PRIORITY, age instead: -1 after a successful aging pass (the lruvec is rotated),
 * 0 if it failed.
 */
export function get_nr_to_scan(m: Mglru, priority: number): number {
  const d = should_run_aging(m);
  if (!d.run || priority === DEF_PRIORITY) return Math.floor(d.total / 2 ** priority);
  const aged = try_to_inc_max_seq(m, m.lruvec.maxSeq, false);
  if (aged) m.stats.reclaimAgingPasses++;
  return aged ? -1 : 0;
}

/** try_to_shrink_lruvec: evict in batches until nr_to_scan is covered, the goal is met, or aging is needed. */
export function try_to_shrink_lruvec(m: Mglru, priority: number, goal: number, reclaimedSoFar: number): number {
  let scanned = 0;
  let reclaimed = 0;
  for (;;) {
    const nrToScan = get_nr_to_scan(m, priority);
    if (nrToScan <= 0) break;
    const r = evict_folios(m);
    reclaimed += r.reclaimed;
    if (r.scanned === 0) break;
    scanned += r.scanned;
    if (scanned >= nrToScan) break;
    // should_abort_scan: root reclaim stops once nr_to_reclaim is met
    if (reclaimedSoFar + reclaimed >= goal) break;
  }
  return reclaimed;
}

/** MAX_RECLAIM_RETRIES (mm/page_alloc.c): __alloc_pages_slowpath retries reclaim that made no progress. */
export const MAX_RECLAIM_RETRIES = 16;

/** do_try_to_free_pages: priority from DEF_PRIORITY down to 0 until `goal` folios are freed. */
export function do_try_to_free_pages(m: Mglru, goal = SWAP_CLUSTER_MAX): number {
  let reclaimed = 0;
  for (let priority = DEF_PRIORITY; priority >= 0; priority--) {
    reclaimed += try_to_shrink_lruvec(m, priority, goal, reclaimed);
    if (reclaimed >= goal) break;
  }
  return reclaimed;
}

/**
 * Direct reclaim for one allocation, retried as __alloc_pages_slowpath does (should_reclaim_retry) while it makes
 * no progress. Running out of retries is an OOM, which this model treats as an invariant violation (the workload
 * must leave reclaimable memory).
 */
export function try_to_free_pages(m: Mglru, goal = SWAP_CLUSTER_MAX): number {
  for (let attempt = 0; attempt <= MAX_RECLAIM_RETRIES; attempt++) {
    const reclaimed = do_try_to_free_pages(m, goal);
    if (reclaimed > 0) return reclaimed;
  }
  throw new InvariantViolation(
    "lru_gen reclaim",
    m.now,
    `no folio reclaimed in ${MAX_RECLAIM_RETRIES + 1} attempts (${m.lruvec.totalPages} on the LRU)`,
  );
}
