/**
 * The state one node's MGLRU reclaim works on (struct lruvec, lru_gen_mm_state, the lru_gen caps and vm.swappiness
 * of mm/vmscan.c, Linux 6.6; read in the 6.6.8 tree of syslab-CAU/ScaleSwap @83341de3): the address spaces, the
 * lruvec, the walk's Bloom filters and lru_gen_mm_state.seq, the switches that distinguish the kernels compared
 * here, what reclaim work costs in simulated time, and counters.
 * The code paths that act on it live one per file beside it (walk.ts, look-around.ts, rmap.ts, evict.ts, aging.ts,
 * reclaim.ts, tiers.ts, pid-controller.ts).
 *
 * Reclaim takes time: every path adds what its steps cost to `costNs` (a model device, not a kernel field), and the
 * caller that runs them as a task (kswapd, a direct reclaimer, the proactive-aging writer) yields that much
 * simulated time after each step. The state changes of a step are applied at its start.
 */
import type { Simulation } from "../../../sim/simulation";
import type { AddressSpace } from "./address-space";
import { BloomFilters } from "./bloom-filter";
import type { Lruvec } from "./lruvec";
import { Workingset } from "./workingset";
import { NotifierCalls } from "./young-notify";

export interface LruGenConfig {
  /**
   * LRU_GEN_MM_WALK (0x0002 in /sys/kernel/mm/lru_gen/enabled): aging walks page tables (walk_mm). Off, aging only
   * opens a generation (iterate_mm_list_nowalk) and A bits are found by the rmap walk and look-around alone.
   */
  mmWalk: boolean;
  /**
   * Commit 1d4832becdc2 ("mm: multi-gen LRU: use {ptep,pmdp}_clear_young_notify()"): the walk and look-around
   * test and clear every present entry of an mm with notifiers through *_clear_young_notify, and the rmap check of
   * the target goes through look-around. Off (6.6 as released): they clear host bits only, and KVM is asked only by
   * folio_referenced_one's ptep_clear_flush_young_notify on the target PTE.
   */
  clearYoungNotify: boolean;
  /** vm.swappiness (mem_cgroup_swappiness of the root memcg), 1..200: the anon gain in get_type_to_scan. */
  swappiness?: number;
}

/** What reclaim work costs the task doing it, ns (all 0 unless a model sets them). */
export interface ReclaimCosts {
  /** A folio scan_folios looks at (sort_folio or isolate_folio, under the LRU lock). */
  scanFolioNs: number;
  /** An isolated folio through shrink_folio_list: rmap walk, try_to_unmap, freeing. */
  shrinkFolioNs: number;
  /** Writing an anon folio out to swap (zram compression), on top of shrinkFolioNs. */
  swapOutNs: number;
  /** A PTE the aging walk or look-around reads (and clears if young). */
  walkPteNs: number;
  /** One secondary-MMU aging call (mmu_notifier_clear_young / clear_flush_young into KVM). */
  notifierCallNs: number;
}

export const NO_COSTS: ReclaimCosts = {
  scanFolioNs: 0,
  shrinkFolioNs: 0,
  swapOutNs: 0,
  walkPteNs: 0,
  notifierCallNs: 0,
};

/** Counters over a measurement window (reset with `resetStats`). */
export class MglruStats {
  /** Completed aging passes (try_to_inc_max_seq that opened a generation). */
  agingPasses = 0;
  /** Of which from the reclaim path (get_nr_to_scan), the rest proactive (run_aging). */
  reclaimAgingPasses = 0;
  /** PTE tables walk_pte_range visited. */
  tablesWalked = 0;
  /** PTEs walk_pte_range looked at (its `total`). */
  ptesWalked = 0;
  /** Folios the walk found young and promoted (MM_LEAF_YOUNG). */
  walkYoung = 0;
  /** Folios scan_folios isolated, and of those how many folio_referenced found young. */
  isolated = 0;
  referenced = 0;
  /** Folios evicted (swapped out). */
  evicted = 0;
  /** lru_gen_look_around runs that went through the window. */
  lookArounds = 0;
  /** Folios scan_folios looked at; of them sorted away (promoted or protected by their tier). */
  scanned = 0;
  protectedByTier = 0;
  /** evict_folios batches that scanned each type (isolate_folios' type_scanned). */
  anonBatches = 0;
  fileBatches = 0;

  reset(): void {
    Object.assign(this, new MglruStats());
  }
}

export class Mglru {
  readonly bloom = new BloomFilters();
  /** lru_gen_mm_state.seq: the last seq whose walk completed. */
  mmStateSeq = 0;
  readonly calls = new NotifierCalls();
  readonly stats = new MglruStats();
  /** Shadow entries and refault counters (mm/workingset.c). */
  readonly workingset: Workingset;
  /** What each step costs; see ReclaimCosts. */
  costs: ReclaimCosts = NO_COSTS;
  /** Cost of the work done since the caller last took it (takeCost), ns. */
  costNs = 0;
  /** Who the trace names as acting (the reclaiming task or the aging daemon). */
  actor = "reclaim";
  /** Called for each folio swapped out, after it left the LRU and its PTE (and any SPTE) was unmapped. */
  onEvict: (folio: number) => void = () => {};

  constructor(
    readonly as: AddressSpace,
    readonly lruvec: Lruvec,
    readonly config: LruGenConfig,
    readonly sim: Simulation | null = null,
  ) {
    this.workingset = new Workingset(lruvec.folios, lruvec.classes);
  }

  /** vm.swappiness. */
  get swappiness(): number {
    return this.config.swappiness ?? 60;
  }

  /**
   * The cost accumulated since the last call, in whole ns (the fraction is carried to the next call), which the
   * calling task then spends as simulated time.
   */
  takeCost(): number {
    const c = Math.floor(this.costNs);
    this.costNs -= c;
    return c;
  }

  /** Simulated time now (ns). */
  get now(): number {
    return this.sim ? this.sim.now : 0;
  }

  /** Records into the simulation's trace, when there is one (small test scenarios). */
  record(what: string, on = ""): void {
    if (this.sim !== null && this.sim.trace !== null) this.sim.record(this.actor, what, on);
  }

  resetStats(): void {
    this.stats.reset();
    this.calls.reset();
    this.workingset.resetCounters();
  }

  /** Measured (sim.measure): the measurement window opens. */
  reset(): void {
    this.resetStats();
  }
}
