/**
 * The state one node's MGLRU reclaim works on: the address spaces, the lruvec, the walk's Bloom filters and
 * lru_gen_mm_state.seq, the two switches that distinguish the kernels compared here, and counters.
 * The code paths that act on it live one per file beside it (walk.ts, look-around.ts, rmap.ts, evict.ts, aging.ts).
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
}

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
  /** PG_referenced on isolated folios: set when a look-around hits a folio that reclaim holds (folio_update_gen). */
  readonly pgReferenced: Uint8Array;
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
    this.pgReferenced = new Uint8Array(lruvec.folios);
    this.workingset = new Workingset(lruvec.folios, lruvec.classes);
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
}
