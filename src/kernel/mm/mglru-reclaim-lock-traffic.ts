/**
 * MGLRU reclaimers as mmu_lock sees them: the lock-traffic view of reclaim, not its generations (the full MGLRU
 * model lives in src/kernel/mm/mglru/). After mm/vmscan.c of Linux 6.6, with commit 1d4832becdc2 ("use
 * {ptep,pmdp}_clear_young_notify()") applied, so that aging consults the secondary MMU wherever it clears A bits:
 *
 * try_to_shrink_lruvec() loops: get_nr_to_scan(), which may age (try_to_inc_max_seq() -> walk_mm() ->
 * walk_pte_range(), one ptep_clear_young_notify() per present PTE, i.e. one clear_young notifier call per page),
 * then evict_folios(), which for each folio of the batch runs the rmap walk (folio_referenced(): the notifier
 * test/clear on the target PTE), unmaps it (try_to_unmap(): mmu_notifier_invalidate_range_start/_end around the
 * host PTE clear) and pages it out.
 *
 * kswapd and every direct reclaimer run this loop; each is one task on its own CPU. Only the secondary-MMU side is
 * timed: the host page-table walk costs the same under every variant and is left out. With `secondaryMmuAging`
 * "none", MGLRU does not consult KVM while aging or in the rmap check at all (Yu's fallback: no secondary-MMU
 * participation; here the reclaimers still unmap through the notifier, as they must).
 */
import type { Process, Yielded } from "../../sim/process";
import type { KvmVm } from "../kvm/kvm-vm";
import { kvm_mmu_notifier_clear_young, type AgingLockMode } from "../kvm/mmu-notifier-aging";
import {
  kvm_mmu_notifier_invalidate_range_end,
  kvm_mmu_notifier_invalidate_range_start,
} from "../kvm/mmu-notifier-invalidate";

/** How MGLRU consults KVM while aging: under the write lock, the read lock, locklessly, or not at all. */
export type SecondaryMmuAging = AgingLockMode | "none";

export interface ReclaimerConfig {
  secondaryMmuAging: SecondaryMmuAging;
  /** Walking and test/clearing one stage-2 entry, ns (uncontended). */
  agingPageNs: number;
  /** Pages per clear_young notifier call (1: one call per PTE, as walk_pte_range() makes them). */
  pagesPerAgingCall: number;
  /** Pages the aging walk covers per round (0: no walk). */
  agingBatchPages: number;
  /** Folios evict_folios() takes per round (0: no eviction). */
  evictBatchPages: number;
  /** Draws the unmap writer's hold (stage-2 unmap plus TLB invalidation), ns. */
  unmapHoldNs: () => number;
  /** The invalidate_range_end writer's hold, ns. */
  invalidateEndHoldNs: number;
  /** Draws the page-out work per folio, outside mmu_lock, ns. */
  pageoutNs: () => number;
  /** Draws the time between rounds, ns (0: reclaim back to back). */
  idleNs: () => number;
  /**
   * Where in its first round the reclaimer starts, in [0, 1): its first aging walk covers only the remaining
   * fraction. Reclaimers that all start a round at t=0 march in step; a random phase spreads them out as they
   * would be in steady state, so the warm-up can be short.
   */
  initialPhase?: number;
}

export class ReclaimStats {
  /** Time spent in secondary-MMU aging calls (walk, lock waits and atomics), ns. */
  agingNs = 0;
  agedPages = 0;
  evictedPages = 0;
  rounds = 0;

  reset(): void {
    this.agingNs = 0;
    this.agedPages = 0;
    this.evictedPages = 0;
    this.rounds = 0;
  }
}

/**
 * The secondary-MMU part of walk_mm(): clear_young notifier calls over `pages` pages, `pagesPerAgingCall` at a
 * time. Returns the release atomic still to be spent.
 */
export function* walk_mm_secondary(
  kvm: KvmVm,
  self: Process<any>,
  cpu: number,
  pages: number,
  cfg: ReclaimerConfig,
  stats: ReclaimStats,
): Generator<Yielded, number, unknown> {
  const mode = cfg.secondaryMmuAging;
  if (mode === "none" || pages === 0) return 0;
  if (mode === "lockless") {
    // Lockless calls touch nothing shared in this model, so the walk's calls are timed as one span: the same
    // result as one sleep per call, without an event per page.
    const t0 = kvm.sim.now;
    yield* kvm_mmu_notifier_clear_young(kvm, self, cpu, pages, cfg.agingPageNs, mode);
    stats.agingNs += kvm.sim.now - t0;
    stats.agedPages += pages;
    return 0;
  }
  let carryNs = 0;
  for (let done = 0; done < pages;) {
    const n = Math.min(cfg.pagesPerAgingCall, pages - done);
    const t0 = kvm.sim.now;
    // The previous call's release atomic is dropped: the next atomic on the lock word queues behind it.
    carryNs = yield* kvm_mmu_notifier_clear_young(kvm, self, cpu, n, cfg.agingPageNs, mode);
    stats.agingNs += kvm.sim.now - t0;
    stats.agedPages += n;
    done += n;
  }
  return carryNs;
}

/**
 * evict_folios(), per folio: folio_referenced() asks KVM whether the target page was young (unless MGLRU does not
 * consult KVM), try_to_unmap() invalidates the stage-2 entry, then the folio is paged out. The folio is taken to be
 * old: what is timed is the lock traffic of the ones that go. Returns the release atomic still to be spent.
 */
export function* evict_folios(
  kvm: KvmVm,
  self: Process<any>,
  cpu: number,
  cfg: ReclaimerConfig,
  stats: ReclaimStats,
): Generator<Yielded, number, unknown> {
  let carryNs = 0;
  for (let i = 0; i < cfg.evictBatchPages; i++) {
    yield* walk_mm_secondary(kvm, self, cpu, 1, cfg, stats);
    yield* kvm_mmu_notifier_invalidate_range_start(kvm, self, cpu, cfg.unmapHoldNs());
    carryNs = yield* kvm_mmu_notifier_invalidate_range_end(kvm, self, cpu, cfg.invalidateEndHoldNs);
    yield carryNs + cfg.pageoutNs();
    carryNs = 0;
    stats.evictedPages++;
  }
  return carryNs;
}

/** try_to_shrink_lruvec() for one reclaimer (kswapd or a direct reclaimer), forever. */
export function* try_to_shrink_lruvec(
  kvm: KvmVm,
  self: Process<any>,
  cpu: number,
  cfg: ReclaimerConfig,
  stats: ReclaimStats,
): Generator<Yielded, void, unknown> {
  if (cfg.evictBatchPages === 0 && (cfg.agingBatchPages === 0 || cfg.secondaryMmuAging === "none")) {
    throw new RangeError(
      `${self.name}: a reclaimer that neither ages KVM nor evicts would spin without simulated time passing`,
    );
  }
  let carryNs = 0;
  let walkPages = Math.round((1 - (cfg.initialPhase ?? 0)) * cfg.agingBatchPages);
  for (;;) {
    const idle = cfg.idleNs() + carryNs;
    if (idle > 0) yield idle;
    // get_nr_to_scan() -> try_to_inc_max_seq() -> walk_mm(): the aging walk.
    carryNs = yield* walk_mm_secondary(kvm, self, cpu, walkPages, cfg, stats);
    walkPages = cfg.agingBatchPages;
    if (cfg.evictBatchPages > 0) carryNs = yield* evict_folios(kvm, self, cpu, cfg, stats);
    stats.rounds++;
  }
}
