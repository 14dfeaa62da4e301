/**
 * MGLRU reclaim and aging as KVM's mmu_lock sees them: the lock-traffic view of mm/vmscan.c (Linux 6.6 with commit
 * 1d4832becdc2 "mm: multi-gen LRU: use {ptep,pmdp}_clear_young_notify()" applied, read in torvalds/linux
 * @538d5baacd8a, which is newer: see lru-gen-folio.ts for what differs and which 6.6 texts were read instead).
 *
 * try_to_shrink_lruvec() loops on get_nr_to_scan(): when should_run_aging() says so, the reclaimer calls
 * try_to_inc_max_seq() and does not evict in that call; otherwise evict_folios().
 * - try_to_inc_max_seq(): iterate_mm_list() hands each mm to one walker per generation (lru-gen-mm-state.ts); the
 *   walker runs walk_mm(): walk_pte_range() calls ptep_clear_young_notify() on every present PTE of an mm with
 *   notifiers, i.e. one clear_young notifier call per page (or per PMD with `pagesPerAgingCall` 512), checking between
 *   walk_page_range() chunks whether another caller already finished its generation. The caller that ends the mm
 *   list's iteration runs inc_max_seq(), whether or not the walks it handed out are done.
 * - evict_folios(): scan_folios() isolates up to MIN_LRU_BATCH folios of min_seq; shrink_folio_list() asks
 *   folio_referenced() about each. Under MGLRU folio_referenced_one() calls lru_gen_look_around() (mm/rmap.c
 *   @8cdf3792526a, the fixed form): one ptep_clear_young_notify() on the folio's PTE, and if it was young one more on
 *   every present PTE of the look-around window (up to MIN_LRU_BATCH, the folio's own included), promoting the young
 *   ones; the young folio is kept (PG_active, back to max_seq). An old one is unmapped (try_to_unmap():
 *   mmu_notifier_invalidate_range_start/_end, the eviction writers) and paged out.
 * - run_aging(), the '+ memcg nid seq swappiness force_scan' command of /sys/kernel/debug/lru_gen: try_to_inc_max_seq()
 *   on demand, without should_run_aging(): proactive aging (access_tracking_perf_test's lru_gen_util does this).
 *
 * Only the secondary-MMU side is timed: the host page-table walk, the PTL and lru_lock cost the same under every
 * variant and are left out (a walk under "none" takes no time). With `secondaryMmuAging` "none", MGLRU does not
 * consult KVM while aging or in the rmap check (Yu's fallback): guest accesses set only SPTE Accessed bits, so the
 * host bits it tests stay clear and every isolated guest folio is evicted; the reclaimers still unmap through the
 * notifier, as they must. Not modelled: look-around giving up on a contended PTL or VM_SPECIAL, the Bloom filter
 * (every PTE table is taken to stay suitable_to_scan), THP PMD entries, memcg.
 */
import { PARK, type Process, type Yielded } from "../../sim/process";
import type { RandomStream } from "../../sim/random";
import type { KvmVm } from "../kvm/kvm-vm";
import { kvm_mmu_notifier_clear_young, type AgingLockMode } from "../kvm/mmu-notifier-aging";
import {
  kvm_mmu_notifier_invalidate_range_end,
  kvm_mmu_notifier_invalidate_range_start,
} from "../kvm/mmu-notifier-invalidate";
import { LruGenFolio, lookAroundWindow, pagesToNextYoung, young } from "./lru-gen-folio";
import { LruGenMmState } from "./lru-gen-mm-state";

/** How MGLRU consults KVM while aging: under the write lock, the read lock, locklessly, or not at all. */
export type SecondaryMmuAging = AgingLockMode | "none";

/** One VM's guest memory: its KVM and where its pages sit in the lruvec's folio index (a 512-aligned range). */
export interface GuestMemory {
  kvm: KvmVm;
  firstSlot: number;
  pages: number;
}

export interface LruGenConfig {
  secondaryMmuAging: SecondaryMmuAging;
  /** Walking and test/clearing one stage-2 entry with no contention, ns. */
  agingPageNs: number;
  /** Pages per clear_young notifier call in the walk (1: per PTE, as walk_pte_range makes them). */
  pagesPerAgingCall: number;
  /** Pages walk_mm covers between its checks whether its generation was overtaken. */
  walkChunkPages: number;
  /** Folios one evict_folios call isolates (MIN_LRU_BATCH). */
  evictBatchPages: number;
  /** Chance a guest page is young at a check (accessed since its Accessed bit was last cleared). */
  youngFraction: number;
  /** Pages per unmap (invalidate_range_start): 1, one folio. */
  unmapPages: number;
}

/** What every reclaimer and ager of one lruvec shares. */
export interface LruGenContext {
  lru: LruGenFolio;
  mmState: LruGenMmState;
  /** The mm_list: one entry per VM. */
  guests: GuestMemory[];
  /** mm index of each folio's VM (Uint16: up to 65535 VMs). */
  vmOfSlot: Uint16Array;
  cfg: LruGenConfig;
  stats: ReclaimStats;
  /** Debugfs agers that found their generation taken, asleep until the next one opens. */
  generationWaiters: Process<any>[];
}

/** One reclaimer's (or ager's) own draws. */
export interface ReclaimerStreams {
  unmapHoldNs: () => number;
  invalidateEndHoldNs: number;
  pageoutNs: () => number;
  idleNs: () => number;
  /** Young/old draws at this task's checks. */
  young: RandomStream;
  /** This task's isolation buffer (evict_folios allocates it once). */
  isolated?: Int32Array;
}

export class ReclaimStats {
  /** Time spent in secondary-MMU aging calls (walk and rmap path: lock waits, holds and atomics), ns. */
  agingNs = 0;
  /** Pages those calls covered. */
  agedPages = 0;
  /** Of agedPages, the ones the rmap path (folio_referenced -> lru_gen_look_around) checked: its notifier calls. */
  lookAroundCalls = 0;
  lookAroundNs = 0;
  /** Pages the walks covered. */
  walkedPages = 0;
  evictedPages = 0;
  /** Isolated folios found referenced and kept. */
  referencedFolios = 0;
  rounds = 0;
  /** Aging calls (try_to_inc_max_seq) that opened a new generation. */
  generations = 0;
  /** mmu_lock yields by unmaps (cond_resched_rwlock_write). */
  unmapLockYields = 0;

  reset(): void {
    this.agingNs = 0;
    this.agedPages = 0;
    this.lookAroundCalls = 0;
    this.lookAroundNs = 0;
    this.walkedPages = 0;
    this.evictedPages = 0;
    this.referencedFolios = 0;
    this.rounds = 0;
    this.generations = 0;
    this.unmapLockYields = 0;
  }
}

/** Builds the shared state for `guests` VMs of `pagesPerVm` pages each. `drained`: see LruGenFolio.init. */
export function lruGenContext(kvms: KvmVm[], pagesPerVm: number, cfg: LruGenConfig, drained: number): LruGenContext {
  const stride = Math.ceil(pagesPerVm / 512) * 512;
  const lru = new LruGenFolio(stride * kvms.length);
  lru.init(drained);
  const vmOfSlot = new Uint16Array(lru.folios);
  const guests = kvms.map((kvm, i) => {
    vmOfSlot.fill(i, i * stride, (i + 1) * stride);
    return { kvm, firstSlot: i * stride, pages: pagesPerVm };
  });
  // Slots past a VM's pages (padding to the PTE-table boundary) are not guest memory: keep them out of the LRU.
  for (let i = 0; i < kvms.length; i++) for (let s = i * stride + pagesPerVm; s < (i + 1) * stride; s++) lru.absent(s);
  return {
    lru,
    mmState: new LruGenMmState(kvms.length, lru.maxSeq - 1),
    guests,
    vmOfSlot,
    cfg,
    stats: new ReclaimStats(),
    generationWaiters: [],
  };
}

// ---- aging ------------------------------------------------------------------------------------------------------

/**
 * walk_mm() for one VM's mm and generation `seq`: the secondary-MMU part of walk_pte_range, in chunks of
 * walkChunkPages with the overtaken check before each. Returns whether it was overtaken.
 */
export function* walk_mm(
  ctx: LruGenContext,
  self: Process<any>,
  cpu: number,
  mm: number,
  seq: number,
  rs: ReclaimerStreams,
): Generator<Yielded, boolean, unknown> {
  const { lru, cfg, stats } = ctx;
  const g = ctx.guests[mm];
  const mode = cfg.secondaryMmuAging;
  const chunk = cfg.walkChunkPages > 0 ? cfg.walkChunkPages : g.pages;
  ctx.mmState.walkBegins(mm);
  let overtaken = false;
  for (let next = 0; next < g.pages;) {
    // walk_mm: "another thread might have called inc_max_seq()".
    if (seq !== lru.maxSeq) {
      overtaken = true;
      break;
    }
    const end = Math.min(next + chunk, g.pages);
    if (mode === "none") {
      // Host bits only: guest accesses left them clear, so nothing is young; the host walk is not timed.
      next = end;
      continue;
    }
    if (mode === "lockless") {
      // Lockless calls touch nothing shared in this model: the chunk's calls are one span.
      const t0 = g.kvm.sim.now;
      yield* kvm_mmu_notifier_clear_young(g.kvm, self, cpu, end - next, cfg.agingPageNs, mode);
      stats.agingNs += g.kvm.sim.now - t0;
      promoteYoung(ctx, rs, g.firstSlot + next, g.firstSlot + end, seq);
      stats.agedPages += end - next;
      stats.walkedPages += end - next;
      next = end;
      continue;
    }
    while (next < end) {
      const n = Math.min(cfg.pagesPerAgingCall, end - next);
      const t0 = g.kvm.sim.now;
      yield* kvm_mmu_notifier_clear_young(g.kvm, self, cpu, n, cfg.agingPageNs, mode);
      stats.agingNs += g.kvm.sim.now - t0;
      promoteYoung(ctx, rs, g.firstSlot + next, g.firstSlot + next + n, seq);
      stats.agedPages += n;
      stats.walkedPages += n;
      next += n;
    }
  }
  ctx.mmState.walkEnds(mm, overtaken);
  return overtaken;
}

/** The walk's verdicts over slots [from, to): the young pages move to `seq`'s generation (folio_update_gen). */
function promoteYoung(ctx: LruGenContext, rs: ReclaimerStreams, from: number, to: number, seq: number): void {
  const y = ctx.cfg.youngFraction;
  for (let s = from + pagesToNextYoung(rs.young, y); s < to; s += 1 + pagesToNextYoung(rs.young, y))
    ctx.lru.promote(s, seq);
}

/**
 * try_to_inc_max_seq(lruvec, seq): walk whatever mm iterate_mm_list hands out, and run inc_max_seq if this caller
 * ended the iteration. Returns whether a new generation was opened.
 */
export function* try_to_inc_max_seq(
  ctx: LruGenContext,
  self: Process<any>,
  cpu: number,
  seq: number,
  rs: ReclaimerStreams,
): Generator<Yielded, boolean, unknown> {
  if (seq <= ctx.mmState.seq) return false;
  // do { success = iterate_mm_list(walk, &mm); if (mm) walk_mm(mm, walk); } while (mm);
  let step = ctx.mmState.iterate_mm_list(seq);
  while (step.mm >= 0) {
    yield* walk_mm(ctx, self, cpu, step.mm, seq, rs);
    step = ctx.mmState.iterate_mm_list(seq);
  }
  let success = step.last;
  if (success) success = ctx.lru.inc_max_seq(seq);
  if (success) {
    ctx.stats.generations++;
    const sim = ctx.guests[0].kvm.sim;
    for (const t of ctx.generationWaiters.splice(0)) sim.wake(t);
  }
  return success;
}

// ---- eviction ---------------------------------------------------------------------------------------------------

/**
 * lru_gen_look_around() from folio_referenced_one() for `slot`: the notifier on its PTE, then, if young, on every
 * present PTE of the window (all guest PTEs are present here: evicted folios are refaulted at once), promoting the
 * young ones. Returns whether the folio was referenced.
 */
export function* lru_gen_look_around(
  ctx: LruGenContext,
  self: Process<any>,
  cpu: number,
  slot: number,
  rs: ReclaimerStreams,
): Generator<Yielded, boolean, unknown> {
  const { lru, cfg, stats } = ctx;
  const mode = cfg.secondaryMmuAging;
  if (mode === "none") return false;
  const g = ctx.guests[ctx.vmOfSlot[slot]];
  const sim = g.kvm.sim;
  let t0 = sim.now;
  yield* kvm_mmu_notifier_clear_young(g.kvm, self, cpu, 1, cfg.agingPageNs, mode);
  lookAroundCall(stats, sim.now - t0);
  const referenced = young(rs.young, cfg.youngFraction);
  if (referenced) {
    const [start, end] = lookAroundWindow(slot, g.firstSlot, g.firstSlot + g.pages);
    if (end - start > 1) {
      for (let s = start; s < end; s++) {
        t0 = sim.now;
        yield* kvm_mmu_notifier_clear_young(g.kvm, self, cpu, 1, cfg.agingPageNs, mode);
        lookAroundCall(stats, sim.now - t0);
        // The folio's own PTE was cleared a moment ago: old now.
        if (s !== slot && young(rs.young, cfg.youngFraction)) lru.promote(s, lru.maxSeq);
      }
    }
  }
  return referenced;
}

function lookAroundCall(stats: ReclaimStats, ns: number): void {
  stats.lookAroundCalls++;
  stats.agedPages++;
  stats.agingNs += ns;
  stats.lookAroundNs += ns;
}

/**
 * evict_folios(): scan_folios() from min_seq, then per folio folio_referenced() (look-around), and for an old one
 * try_to_unmap() (the notifier's invalidate_range_start/_end under mmu_lock for write) and page-out; it is refaulted
 * at once and re-enters at max_seq. Returns the folios isolated (0: only MIN_NR_GENS generations, nothing to scan).
 */
export function* evict_folios(
  ctx: LruGenContext,
  self: Process<any>,
  cpu: number,
  rs: ReclaimerStreams,
): Generator<Yielded, number, unknown> {
  const { lru, cfg, stats } = ctx;
  // scan_folios fills the batch before shrink_folio_list starts; another reclaimer's scan can run meanwhile.
  if (rs.isolated === undefined || rs.isolated.length < cfg.evictBatchPages)
    rs.isolated = new Int32Array(cfg.evictBatchPages);
  const folios = rs.isolated;
  const n = lru.scan_folios(cfg.evictBatchPages, folios);
  for (let i = 0; i < n; i++) {
    const f = folios[i];
    const referenced = yield* lru_gen_look_around(ctx, self, cpu, f, rs);
    if (referenced) {
      stats.referencedFolios++;
      lru.putback(f);
      continue;
    }
    const kvm = ctx.guests[ctx.vmOfSlot[f]].kvm;
    stats.unmapLockYields += yield* kvm_mmu_notifier_invalidate_range_start(
      kvm,
      self,
      cpu,
      rs.unmapHoldNs(),
      cfg.unmapPages,
    );
    yield* kvm_mmu_notifier_invalidate_range_end(kvm, self, cpu, rs.invalidateEndHoldNs);
    const out = rs.pageoutNs();
    if (out > 0) yield out;
    stats.evictedPages++;
    lru.putback(f);
  }
  return n;
}

/** try_to_shrink_lruvec() for one reclaimer (kswapd or a direct reclaimer), forever. */
export function* try_to_shrink_lruvec(
  ctx: LruGenContext,
  self: Process<any>,
  cpu: number,
  rs: ReclaimerStreams,
): Generator<Yielded, void, unknown> {
  for (;;) {
    const idle = rs.idleNs();
    if (idle > 0) yield idle;
    ctx.stats.rounds++;
    // get_nr_to_scan(): below DEF_PRIORITY a reclaimer that finds aging needed ages instead of evicting.
    if (ctx.lru.should_run_aging()) {
      const opened = yield* try_to_inc_max_seq(ctx, self, cpu, ctx.lru.maxSeq, rs);
      // A walker overtaken by another caller's inc_max_seq, or a caller with a stale seq: no progress this call.
      if (!opened) yield NO_PROGRESS_BACKOFF_NS;
      continue;
    }
    const scanned = yield* evict_folios(ctx, self, cpu, rs);
    if (scanned === 0) yield NO_PROGRESS_BACKOFF_NS;
  }
}

/**
 * A proactive ager writing '+ memcg nid max_seq swappiness 1' to /sys/kernel/debug/lru_gen in a loop: run_aging() ->
 * try_to_inc_max_seq(force_scan), with no should_run_aging() test and no eviction.
 */
export function* run_aging(
  ctx: LruGenContext,
  self: Process<any>,
  cpu: number,
  rs: ReclaimerStreams,
): Generator<Yielded, void, unknown> {
  for (;;) {
    const idle = rs.idleNs();
    if (idle > 0) yield idle;
    ctx.stats.rounds++;
    const seq = ctx.lru.maxSeq;
    const opened = yield* try_to_inc_max_seq(ctx, self, cpu, seq, rs);
    if (opened) continue;
    // -EEXIST: another ager has this generation's walk. Writing again does nothing until max_seq moves, so the
    // ager sleeps until then (as polling would, minus the syscalls), then pays one syscall's worth.
    if (ctx.lru.maxSeq === seq) {
      ctx.generationWaiters.push(self);
      self.waitingOn = null;
      yield PARK;
    }
    yield NO_PROGRESS_BACKOFF_NS;
  }
}

/**
 * Time a reclaimer or ager that could do nothing waits before trying again, ns: the kernel's loops cond_resched()
 * or throttle there; 1 us keeps a model with nothing to do from spinning in zero time (assumption).
 */
export const NO_PROGRESS_BACKOFF_NS = 1000;
