/**
 * Allocating an order-0 page (mm/page_alloc.c, Linux 6.6: __alloc_pages's fast path at ALLOC_WMARK_LOW,
 * __alloc_pages_slowpath with wake_all_kswapds, the ALLOC_WMARK_MIN retry, __alloc_pages_direct_reclaim ->
 * __perform_reclaim -> try_to_free_pages (mm/vmscan.c, with throttle_direct_reclaim), should_reclaim_retry and
 * __alloc_pages_may_oom). Read in the 6.6.8 tree of syslab-CAU/ScaleSwap @83341de3 (linux-6.6.8/mm/page_alloc.c,
 * linux-6.6.8/mm/vmscan.c; that tree adds an __alloc_pages_module hook, not used here); the same control flow is in
 * torvalds/linux @538d5baa.
 *
 * Fast path: a page is taken while free pages exceed WMARK_LOW. Below it the slow path wakes kswapd and takes a page
 * while free pages exceed WMARK_MIN. At or below WMARK_MIN the allocating task reclaims SWAP_CLUSTER_MAX pages
 * itself (direct reclaim), after waiting on pfmemalloc_wait if free pages are at or below half of WMARK_MIN
 * (throttle_direct_reclaim; kswapd wakes it), and tries again; should_reclaim_retry gives up after
 * MAX_RECLAIM_RETRIES rounds without progress, and __alloc_pages_may_oom kills a task. All of that is the task's
 * time: the stall a tab being opened feels.
 * Not modelled: GFP flags other than GFP_HIGHUSER_MOVABLE (user pages), compaction, per-cpu lists, the
 * drain_all_pages retry, the OOM victim's reserves.
 */
import { InvariantViolation } from "../../sim/invariant";
import type { Process, Yielded } from "../../sim/process";
import { MAX_RECLAIM_RETRIES, SWAP_CLUSTER_MAX } from "./mglru/constants";
import type { Mglru } from "./mglru/mglru";
import { try_to_free_pages } from "./mglru/reclaim";
import type { Zone } from "./page-alloc-watermarks";
import type { Kswapd } from "./vmscan-kswapd";

export class PageAllocator {
  /** Allocations that entered direct reclaim; pages direct reclaim freed; OOM kills it caused. */
  directReclaims = 0;
  directReclaimed = 0;
  oomKills = 0;

  constructor(
    readonly m: Mglru,
    readonly zone: Zone,
    readonly kswapd: Kswapd,
    /** __alloc_pages_may_oom -> out_of_memory: returns whether a task was killed. */
    readonly oomKill: () => boolean = () => false,
  ) {}

  /**
   * The paths that need no reclaim by the caller: get_page_from_freelist at ALLOC_WMARK_LOW, else wake_all_kswapds
   * and retry at ALLOC_WMARK_MIN. Returns false when the caller must take the slow path (`alloc_pages_slowpath`).
   */
  tryAlloc(): boolean {
    const z = this.zone;
    if (z.free > z.wmark.low) {
      z.free--;
      return true;
    }
    this.kswapd.wakeup_kswapd();
    if (z.free > z.wmark.min) {
      z.free--;
      return true;
    }
    return false;
  }

  /**
   * __alloc_pages_slowpath's reclaim loop, run by `task` (a generator to yield* from the task's body): direct
   * reclaim until a page can be taken at WMARK_MIN. Yields the reclaim's cost as time and PARK while throttled.
   */
  *alloc_pages_slowpath(task: Process): Generator<Yielded, void, unknown> {
    const z = this.zone;
    let noProgressLoops = 0;
    this.directReclaims++;
    for (;;) {
      this.kswapd.wakeup_kswapd();
      if (z.free > z.wmark.min) {
        z.free--;
        return;
      }
      // throttle_direct_reclaim: wait for kswapd while the pfmemalloc reserve is half gone
      while (!this.kswapd.allow_direct_reclaim()) yield this.kswapd.throttle(task);
      const steps = try_to_free_pages(this.m, SWAP_CLUSTER_MAX);
      let progress: number;
      for (;;) {
        this.m.actor = task.name;
        const r = steps.next();
        if (r.done) {
          progress = r.value;
          break;
        }
        yield r.value;
      }
      this.directReclaimed += progress;
      if (progress > 0 && z.free > z.wmark.min) {
        z.free--;
        return;
      }
      // should_reclaim_retry
      noProgressLoops = progress > 0 ? 0 : noProgressLoops + 1;
      if (noProgressLoops <= MAX_RECLAIM_RETRIES) continue;
      if (this.oomKill()) {
        this.oomKills++;
        noProgressLoops = 0;
        continue;
      }
      throw new InvariantViolation(
        "page allocator",
        task.sim.now,
        `out of memory: no progress in ${MAX_RECLAIM_RETRIES + 1} reclaim rounds and nothing to kill ` +
          `(${z.free} free, ${this.m.lruvec.totalPages} on the LRU)`,
      );
    }
  }
}
