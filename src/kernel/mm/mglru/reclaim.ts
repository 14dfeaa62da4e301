/**
 * MGLRU reclaim on the node's one lruvec (mm/vmscan.c, Linux 6.6: get_nr_to_scan, should_abort_scan,
 * try_to_shrink_lruvec, shrink_one, set_initial_priority, lru_gen_shrink_node, and the direct-reclaim entry
 * do_try_to_free_pages / try_to_free_pages). Read in the 6.6.8 tree of syslab-CAU/ScaleSwap @83341de3
 * (linux-6.6.8/mm/vmscan.c; that tree adds a shrink_node_module hook to kswapd_shrink_node, not used here);
 * torvalds/linux @538d5baa (6.14+) clamps set_initial_priority to [DEF_PRIORITY / 2, DEF_PRIORITY] where 6.6 clamps
 * to [0, DEF_PRIORITY], and lets lru_gen_shrink_node count kswapd failures.
 *
 * Reclaim takes simulated time: these are generators that yield, after each step the kernel would cond_resched()
 * at (an aging pass, an evict_folios batch), the cost of that step in ns (Mglru.costNs), and return the kernel's
 * result. The task running them (kswapd, or the allocating task in direct reclaim) spends that time; `drain` runs
 * one to completion and sums its cost (tests).
 * One node, one memcg (the root, memcg disabled: shrink_one directly); order-0 allocations only.
 */
import { should_run_aging, try_to_inc_max_seq } from "./aging";
import {
  DEF_PRIORITY,
  LRU_GEN_ANON,
  LRU_GEN_FILE,
  lru_gen_from_seq,
  MIN_LRU_BATCH,
  SWAP_CLUSTER_MAX,
} from "./constants";
import { evict_folios } from "./evict";
import type { Mglru } from "./mglru";

/** Steps of reclaim: each yield is ns the task spends; the return value is the kernel function's. */
export type ReclaimSteps<R> = Generator<number, R, unknown>;

/** The watermark state should_abort_scan reads (page-alloc-watermarks.ts's Zone provides it). */
export interface WatermarkView {
  /** zone_watermark_ok(zone, 0, wmark_pages(zone, WMARK_HIGH) + MIN_LRU_BATCH, ...). */
  highWatermarkOk(extra: number): boolean;
}

/** struct scan_control, the fields MGLRU reads. */
export interface ScanControl {
  nrToReclaim: number;
  priority: number;
  nrReclaimed: number;
  /** Folios put through shrink_folio_list (sc->nr_scanned). */
  nrScanned: number;
  /** current_is_kswapd(). */
  isKswapd: boolean;
  /** The zone kswapd balances (should_abort_scan's watermark test); null for direct reclaim. */
  zone: WatermarkView | null;
}

export function scanControl(init: Partial<ScanControl> = {}): ScanControl {
  return {
    nrToReclaim: SWAP_CLUSTER_MAX,
    priority: DEF_PRIORITY,
    nrReclaimed: 0,
    nrScanned: 0,
    isKswapd: false,
    zone: null,
    ...init,
  };
}

/**
 * get_nr_to_scan (6.6): how many folios to scan at this priority (total >> priority); or, when should_run_aging says
 * so and the priority is below DEF_PRIORITY, age instead: -1 after a successful aging pass (the lruvec is rotated),
 * 0 if it failed. The walk's cost is left in m.costNs for the caller to spend.
 */
export function get_nr_to_scan(m: Mglru, priority: number): number {
  const d = should_run_aging(m);
  if (!d.run || priority === DEF_PRIORITY) return Math.floor(d.total / 2 ** priority);
  const aged = try_to_inc_max_seq(m, m.lruvec.maxSeq, false);
  if (aged) m.stats.reclaimAgingPasses++;
  return aged ? -1 : 0;
}

/**
 * should_abort_scan (6.6), root reclaim: stop once nr_to_reclaim (at least compact_gap(0) = 2) is freed; kswapd also
 * stops once its zone is above the high watermark by MIN_LRU_BATCH.
 */
export function should_abort_scan(sc: ScanControl): boolean {
  if (sc.nrReclaimed >= Math.max(sc.nrToReclaim, 2)) return true;
  if (!sc.isKswapd || sc.zone === null) return false;
  return sc.zone.highWatermarkOk(MIN_LRU_BATCH);
}

/** try_to_shrink_lruvec (6.6): evict in batches until nr_to_scan is covered, aging is needed, or the scan can stop. */
export function* try_to_shrink_lruvec(m: Mglru, sc: ScanControl): ReclaimSteps<boolean> {
  const swappiness = m.swappiness;
  let scanned = 0;
  let nrToScan: number;
  for (;;) {
    nrToScan = get_nr_to_scan(m, sc.priority);
    const ageCost = m.takeCost();
    if (ageCost > 0) yield ageCost;
    if (nrToScan <= 0) break;
    const r = evict_folios(m, swappiness);
    sc.nrReclaimed += r.reclaimed;
    sc.nrScanned += r.isolated;
    const cost = m.takeCost();
    if (cost > 0) yield cost;
    if (r.scanned === 0) break;
    scanned += r.scanned;
    if (scanned >= nrToScan) break;
    if (should_abort_scan(sc)) break;
  }
  // whether this lruvec should be rotated
  return nrToScan < 0;
}

/** fls_long: the 1-based index of the highest set bit, 0 for 0. */
function fls(x: number): number {
  return x <= 0 ? 0 : Math.floor(Math.log2(x)) + 1;
}

/**
 * set_initial_priority (6.6): for a reclaimer that wants at least MIN_LRU_BATCH pages (kswapd), start at the
 * priority where (reclaimable >> priority) ~ nr_to_reclaim, with reclaimable the inactive pages (outside the two
 * youngest generations, lru_gen_is_active), clamped to [0, DEF_PRIORITY].
 */
export function set_initial_priority(m: Mglru, sc: ScanControl): void {
  if (sc.priority !== DEF_PRIORITY || sc.nrToReclaim < MIN_LRU_BATCH) return;
  const lv = m.lruvec;
  let reclaimable = 0;
  for (let seq = lv.minSeq[LRU_GEN_ANON]; seq <= lv.maxSeq - 2; seq++) {
    const gen = lru_gen_from_seq(seq);
    reclaimable += lv.sizeOf(gen, LRU_GEN_ANON);
    if (seq >= lv.minSeq[LRU_GEN_FILE]) reclaimable += lv.sizeOf(gen, LRU_GEN_FILE);
  }
  const priority = fls(reclaimable) - 1 - fls(sc.nrToReclaim - 1);
  sc.priority = Math.min(DEF_PRIORITY, Math.max(0, priority));
}

/** lru_gen_shrink_node (6.6), memcg disabled: set_initial_priority, then shrink_one on the lruvec. */
export function* lru_gen_shrink_node(m: Mglru, sc: ScanControl): ReclaimSteps<void> {
  const reclaimed = sc.nrReclaimed;
  set_initial_priority(m, sc);
  if (sc.isKswapd) sc.nrReclaimed = 0;
  yield* try_to_shrink_lruvec(m, sc);
  if (sc.isKswapd) sc.nrReclaimed += reclaimed;
}

/** do_try_to_free_pages (6.6): priority from sc.priority down to 0 until nr_to_reclaim folios are freed. */
export function* do_try_to_free_pages(m: Mglru, sc: ScanControl): ReclaimSteps<number> {
  do {
    sc.nrScanned = 0;
    yield* lru_gen_shrink_node(m, sc);
    if (sc.nrReclaimed >= sc.nrToReclaim) break;
  } while (--sc.priority >= 0);
  return sc.nrReclaimed;
}

/**
 * try_to_free_pages (6.6): direct reclaim of SWAP_CLUSTER_MAX pages for one allocation, in the allocating task.
 * Returns the number freed (0: no progress; the page allocator's should_reclaim_retry decides what next).
 * throttle_direct_reclaim is the caller's (page-alloc.ts), as it needs the zone.
 */
export function* try_to_free_pages(m: Mglru, nrToReclaim = SWAP_CLUSTER_MAX): ReclaimSteps<number> {
  return yield* do_try_to_free_pages(m, scanControl({ nrToReclaim }));
}

/** Runs reclaim steps to completion; returns the result and the total cost (tests, synchronous callers). */
export function drain<R>(steps: ReclaimSteps<R>): { result: R; costNs: number } {
  let costNs = 0;
  for (;;) {
    const r = steps.next();
    if (r.done) return { result: r.value, costNs };
    costNs += r.value;
  }
}
