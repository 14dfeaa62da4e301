/**
 * One replication of `spte-aging`: a user opening tabs and guest apps over fixed RAM with zram swap and a page cache
 * on storage; MGLRU (Linux 6.6, src/kernel/mm/mglru) with both types, tiers and the refault PID controller;
 * watermarks, kswapd and direct reclaim (src/kernel/mm/page-alloc-watermarks.ts, vmscan-kswapd.ts,
 * page-alloc-slowpath.ts), all taking simulated time; and KVM's SPTE A bits (src/kernel/kvm/spte-age.ts) seen by
 * aging only as the policy allows.
 *
 * Processes:
 * - user: opens a tab or app chosen by popularity: every page touched (its read() page cache read and marked
 *   accessed), absent pages faulted back at swapInUs (anon, zram) or fileReadUs (file, storage), allocations taking
 *   the allocator's paths (a direct-reclaim stall is the opening task's time); the open's latency is the time it
 *   took plus tabOpenBaseMs. It stays ~Exp(dwellMs), re-touching its mapped pages every touchIntervalMs;
 * - background: runs of 16 mapped pages touched at random places of tabs and apps chosen by popularity;
 * - kswapd: woken at WMARK_LOW, reclaims to WMARK_HIGH on its own time; aging when should_run_aging asks;
 * - aging (agingMode proactive only): run_aging(force_scan) every agingIntervalMs, on its own time;
 * - sampler: generation mix and true coldness every SAMPLE_MS after warm-up.
 * A touch of a resident page sets the host PTE's A bit for a tab's mapped page (and for a guest app in `base`), the
 * SPTE's A bit for a guest app under KVM, and folio_mark_accessed (a tier step) for a page read with read(). A fault
 * puts the folio at max_seq (folio_add_lru marks faulted folios active under MGLRU); a read() miss adds it as
 * inactive file (min_seq + 1). Tasks touch pages in chunks of CHUNK_PAGES and spend each chunk's read costs after it:
 * the state changes of a chunk (and of a reclaim step) happen at its start.
 */
import { Lruvec, LRU_GEN_FILE, PG_active } from "../../kernel/mm/mglru/lruvec";
import { Mglru } from "../../kernel/mm/mglru/mglru";
import { run_aging } from "../../kernel/mm/mglru/aging";
import { folio_inc_refs } from "../../kernel/mm/mglru/tiers";
import { Zone } from "../../kernel/mm/page-alloc-watermarks";
import { Kswapd } from "../../kernel/mm/vmscan-kswapd";
import { PageAllocator } from "../../kernel/mm/page-alloc-slowpath";
import { RandomStreams } from "../../sim/random";
import { Simulation } from "../../sim/simulation";
import { msToNs, nsToMs, nsToUs, roundNs, sToNs, usToNs } from "../../sim/time";
import type { Process, Yielded } from "../../sim/process";
import {
  buildLayout,
  GUEST,
  HOST,
  PAGE_ANON,
  PAGE_FILE_FD,
  PAGE_FILE_MAPPED,
  PAGE_GUEST,
  pickGroup,
  type Layout,
} from "./layout";
import { Metrics } from "./metrics";
import type { ParamValues } from "../params";
import type { SpteAgingParams } from "./params";

/** Pages per background run (a timer or GC touching a small heap region). */
export const BACKGROUND_RUN_PAGES = 16;
/** Sampling period of the generation mix and coldness, ms. */
export const SAMPLE_MS = 10_000;
/** The lruvec's third accounting class: host file pages (0 = HOST anon, 1 = GUEST). */
export const CLASS_HOST_FILE = 2;
/** Pages a task touches before it spends their read costs (and lets other tasks run). */
export const CHUNK_PAGES = 64;

/** Every parameter of the experiment (see params.ts for units, defaults and sources). */
export type ModelParams = ParamValues<SpteAgingParams>;

export interface ModelResult {
  metrics: Metrics;
  mglru: Mglru;
  layout: Layout;
  kswapd: Kswapd;
  allocator: PageAllocator;
  zone: Zone;
  /** Measured span, s. */
  measuredS: number;
  /** Aging notifier calls made by KVM in the window (all paths). */
  kvmAgeCalls: number;
  /** kswapd's busy time in the window, ns. */
  kswapdBusyNs: number;
}

/** Checks what the parameter specs cannot: pairs of parameters. */
export function checkModelParams(p: ModelParams): void {
  if (p.warmupS >= p.durationS)
    throw new RangeError(`warmupS (${p.warmupS}) must be less than durationS (${p.durationS})`);
  if (p.agingMode === "proactive" && !(p.agingIntervalMs > 0))
    throw new RangeError(
      `agingIntervalMs must be > 0 with agingMode 'proactive' (got ${p.agingIntervalMs}); ` +
        "aging left to reclaim is agingMode 'reclaim'",
    );
}

/** Builds the world; returns it with a `run()` that simulates and returns the result. */
export function buildModel(
  p: ModelParams,
  seed: number,
  options: {
    trace?: boolean;
    /** Called with each group opened, in order (tests). */ onOpen?: (g: number) => void;
  } = {},
) {
  checkModelParams(p);
  const rs = new RandomStreams(seed);
  const sim = new Simulation({ trace: options.trace });
  const layout = buildLayout({ ...p, kvm: p.policy !== "base" }, rs);
  const { as, spte, ownerOfSlot, kindOfSlot } = layout;
  // accounting classes (statistics only): host anon, guest, host file, so guest pages compare with their own kind
  const lruvec = new Lruvec(as.slots, 3, () => sim.now);
  lruvec.klass.set(ownerOfSlot);
  for (let s = 0; s < as.slots; s++) {
    if (kindOfSlot[s] !== PAGE_FILE_MAPPED && kindOfSlot[s] !== PAGE_FILE_FD) continue;
    lruvec.type[s] = LRU_GEN_FILE;
    lruvec.klass[s] = CLASS_HOST_FILE;
  }
  const m = new Mglru(
    as,
    lruvec,
    { mmWalk: p.policy !== "no-walk", clearYoungNotify: p.policy === "walk-notify", swappiness: p.swappiness },
    sim,
  );
  m.costs = {
    scanFolioNs: p.scanFolioNs,
    shrinkFolioNs: usToNs(p.shrinkFolioUs),
    swapOutNs: usToNs(p.zramWriteUs),
    walkPteNs: p.walkPteNs,
    notifierCallNs: p.notifierCallNs,
  };
  const zone = new Zone(p.ramPages, p.watermarkScaleFactor);
  /** Resident (in RAM: mapped, or in the page cache) per slot. */
  const resident = new Uint8Array(as.slots);
  /** The page's contents are gone (its tab was killed): the next touch zero-fills it, no read. */
  const zeroFill = new Uint8Array(as.slots);
  const discarded = new Uint8Array(layout.len.length);
  const lastOpenNs = new Float64Array(layout.len.length).fill(-1);
  const lastAccessNs = new Float64Array(as.slots);
  // one measurement window for every statistic (sim.runMeasured opens it after the warm-up)
  const metrics = sim.measure(new Metrics(p.durationS));
  sim.measure(m);
  if (spte !== null) sim.measure({ reset: () => spte.resetCounters() });
  const measuring = () => sim.window.isOpen;

  /**
   * out_of_memory as ChromeOS sets it up (oom_score_adj by tab recency): kills the least recently opened host tab
   * that holds memory. Its anon pages are freed and its swap slots dropped; its page cache stays.
   */
  function oomKill(): boolean {
    let victim = -1;
    for (let g = 0; g < layout.len.length; g++) {
      if (layout.owner[g] !== HOST || discarded[g]) continue;
      if (victim < 0 || lastOpenNs[g] < lastOpenNs[victim]) victim = g;
    }
    if (victim < 0) return false;
    discarded[victim] = 1;
    const from = layout.start[victim];
    const to = from + layout.len[victim];
    for (let i = from; i < to; i++) {
      const slot = layout.pages[i];
      if (kindOfSlot[slot] !== PAGE_ANON) continue;
      zeroFill[slot] = 1;
      m.workingset.forget(slot);
      if (!resident[slot]) continue;
      if (lruvec.gen[slot] >= 0) lruvec.delFolio(slot);
      as.unmapPte(slot);
      lruvec.refs[slot] = 0;
      lruvec.flags[slot] = 0;
      resident[slot] = 0;
      zone.free++;
    }
    if (measuring()) metrics.oomKills++;
    return true;
  }

  const kswapd = new Kswapd(sim, m, zone, { minTtlNs: msToNs(p.minTtlMs), oomKill });
  const kswapdBusy = sim.window.since(() => kswapd.busyNs);
  const allocator = new PageAllocator(m, zone, kswapd, oomKill);
  m.onEvict = (f) => {
    zone.free++;
    resident[f] = 0;
    if (!measuring()) return;
    const o = ownerOfSlot[f];
    metrics.evictions[o]++;
    const idle = sim.now - lastAccessNs[f];
    if (lruvec.klass[f] === CLASS_HOST_FILE) {
      metrics.hostFileEvictions++;
      metrics.hostFileEvictIdleNs += idle;
      return;
    }
    // anon, host or guest: like compared with like
    metrics.anonEvictions[o]++;
    metrics.evictIdleNs[o] += idle;
    metrics.evictIdleMs[o].record(nsToMs(idle));
  };

  const swapInNs = usToNs(p.swapInUs);
  const fileReadNs = usToNs(p.fileReadUs);

  /** A touch of a resident page: the A bit its access path sets. */
  function accessResident(slot: number, kind: number): void {
    if (kind === PAGE_FILE_FD) folio_inc_refs(lruvec, slot);
    else if (kind === PAGE_GUEST && spte !== null) spte.guestAccess(slot);
    else as.young[slot] = 1;
  }

  /**
   * The fault (or read() miss) after a page was allocated for it: workingset_refault, the mapping, the LRU add, and
   * the read's cost (ns) for the caller to spend.
   */
  function faultIn(slot: number, kind: number): number {
    const owner = ownerOfSlot[slot];
    const inFault = kind !== PAGE_FILE_FD;
    m.workingset.lru_gen_refault(lruvec, slot, lruvec.klass[slot], inFault);
    if (inFault) {
      as.mapPte(slot);
      lruvec.flags[slot] |= PG_active; // folio_add_lru: lru_gen_in_fault
      if (kind === PAGE_GUEST && spte !== null) spte.installSpte(slot);
    }
    lruvec.lru_gen_add_folio(slot);
    if (!inFault) folio_inc_refs(lruvec, slot); // filemap_read's folio_mark_accessed
    resident[slot] = 1;
    if (zeroFill[slot]) {
      zeroFill[slot] = 0;
      return 0;
    }
    if (measuring()) {
      metrics.refaults[owner]++;
      if (owner === HOST) {
        if (kind === PAGE_ANON) metrics.hostAnonRefaults++;
        else metrics.hostFileRefaults++;
      }
    }
    return kind === PAGE_ANON || kind === PAGE_GUEST ? swapInNs : fileReadNs;
  }

  /**
   * The common case first, with no generator: touches pages[from ..) while they are resident; returns the index of
   * the first one that is not (`to` if all were).
   */
  function touchResident(from: number, to: number): number {
    const pages = layout.pages;
    const now = sim.now;
    for (let i = from; i < to; i++) {
      const slot = pages[i];
      if (!resident[slot]) return i;
      lastAccessNs[slot] = now;
      accessResident(slot, kindOfSlot[slot]);
    }
    return to;
  }

  /**
   * Touches pages[from .. to) as `task`: chunks of CHUNK_PAGES, their read costs spent after each chunk, the
   * allocator's slow path (direct reclaim) taken in the task where a page is needed below WMARK_MIN. Returns the
   * time spent in the slow path, ns.
   */
  function* touchRange(task: Process, from: number, to: number): Generator<Yielded, number, unknown> {
    const pages = layout.pages;
    let stallNs = 0;
    let i = from;
    while (i < to) {
      const stop = Math.min(to, i + CHUNK_PAGES);
      let cost = 0;
      let needSlowPath = false;
      const now = sim.now;
      for (; i < stop; i++) {
        const slot = pages[i];
        const kind = kindOfSlot[slot];
        lastAccessNs[slot] = now;
        if (resident[slot]) {
          accessResident(slot, kind);
          continue;
        }
        if (!allocator.tryAlloc()) {
          needSlowPath = true;
          break;
        }
        cost += faultIn(slot, kind);
      }
      if (cost > 0) yield roundNs(cost);
      if (needSlowPath) {
        const t0 = sim.now;
        yield* allocator.alloc_pages_slowpath(task);
        const stall = sim.now - t0;
        stallNs += stall;
        if (measuring()) metrics.directStallMs.record(nsToMs(stall));
        const slot = pages[i];
        const kind = kindOfSlot[slot];
        lastAccessNs[slot] = sim.now;
        i++;
        if (resident[slot]) {
          // another task faulted it in while this one reclaimed: the page taken goes back
          zone.free++;
          accessResident(slot, kind);
        } else {
          const c = faultIn(slot, kind);
          if (c > 0) yield roundNs(c);
        }
      }
    }
    return stallNs;
  }

  sim.spawn("user", function* user(self) {
    const choose = rs.stream("user", "choose");
    const dwell = rs.stream("user", "dwell");
    const interval = Math.max(1, roundNs(msToNs(p.touchIntervalMs)));
    for (;;) {
      const g = pickGroup(layout.cumWeight, choose.uniform());
      options.onOpen?.(g);
      const o = layout.owner[g];
      const from = layout.start[g];
      layout.mmOfGroup[g].ranSinceWalk = true;
      const t0 = sim.now;
      let reload = false;
      if (discarded[g]) {
        discarded[g] = 0;
        reload = true;
        yield Math.max(1, roundNs(msToNs(p.tabReloadMs)));
      }
      const stall = yield* touchRange(self, from, from + layout.len[g]);
      if (p.tabOpenBaseMs > 0) yield roundNs(msToNs(p.tabOpenBaseMs));
      lastOpenNs[g] = sim.now;
      // an open counts if it began in the window
      if (sim.window.contains(t0)) {
        const openNs = sim.now - t0;
        metrics.openUs[o].record(nsToUs(openNs));
        if (o === HOST) {
          metrics.tabOpenNs += openNs;
          metrics.tabOpenStallNs += stall;
          if (reload) metrics.reloads++;
        }
      }
      let left = Math.max(1, roundNs(msToNs(dwell.exponential(p.dwellMs))));
      while (left > interval) {
        yield interval;
        left -= interval;
        layout.mmOfGroup[g].ranSinceWalk = true;
        const end = from + layout.mapLen[g];
        const at = touchResident(from, end);
        if (at < end) {
          const t1 = sim.now;
          yield* touchRange(self, at, end);
          left -= sim.now - t1;
        }
      }
      if (left > 0) yield left;
    }
  });
  if (p.backgroundPagesPerSec > 0) {
    sim.spawn("background", function* background(self) {
      const when = rs.stream("background", "interval");
      const which = rs.stream("background", "choose");
      const where = rs.stream("background", "offset");
      const meanNs = sToNs(BACKGROUND_RUN_PAGES / p.backgroundPagesPerSec);
      for (;;) {
        yield Math.max(1, roundNs(when.exponential(meanNs)));
        const g = pickGroup(layout.cumWeight, which.uniform());
        const span = layout.mapLen[g];
        const n = Math.min(BACKGROUND_RUN_PAGES, span);
        const off = where.integer(span - n + 1);
        if (n <= 0) continue;
        const base = layout.start[g] + off;
        layout.mmOfGroup[g].ranSinceWalk = true;
        const at = touchResident(base, base + n);
        if (at < base + n) yield* touchRange(self, at, base + n);
      }
    });
  }
  if (p.agingMode === "proactive") {
    sim.spawn("aging", function* aging() {
      const period = Math.max(1, roundNs(msToNs(p.agingIntervalMs)));
      for (;;) {
        yield period;
        m.actor = "aging";
        run_aging(m, true);
        const cost = m.takeCost();
        if (cost > 0) yield cost;
      }
    });
  }
  const warmupNs = roundNs(sToNs(p.warmupS));
  sim.spawn("sampler", function* sampler() {
    yield warmupNs;
    for (;;) {
      metrics.sampleGenerations(lruvec);
      metrics.sampleColdness(resident, ownerOfSlot, lastAccessNs, sim.now, p.coldFraction);
      yield msToNs(SAMPLE_MS);
    }
  });

  return {
    sim,
    mglru: m,
    layout,
    zone,
    kswapd,
    allocator,
    run(): ModelResult {
      sim.runMeasured({ warmupNs, durationNs: roundNs(sToNs(p.durationS)) - warmupNs });
      let onLru = 0;
      for (let s = 0; s < as.slots; s++) onLru += resident[s];
      if (zone.free < 0 || zone.free + lruvec.totalPages !== p.ramPages || onLru !== lruvec.totalPages) {
        throw new Error(
          `memory accounting broken: free ${zone.free} + LRU ${lruvec.totalPages} != RAM ${p.ramPages} ` +
            `(resident ${onLru})`,
        );
      }
      return {
        metrics,
        mglru: m,
        layout,
        kswapd,
        allocator,
        zone,
        measuredS: p.durationS - p.warmupS,
        kvmAgeCalls: spte ? spte.ageCalls : 0,
        kswapdBusyNs: kswapdBusy.value,
      };
    },
  };
}

export { HOST, GUEST };
