/**
 * One replication of `spte-aging`: a user opening tabs and guest apps over fixed RAM with zram swap, MGLRU
 * (Linux 6.6, src/kernel/mm/mglru) reclaiming and aging, and KVM's SPTE A bits (src/kernel/kvm/spte-age.ts) seen
 * by aging only as the policy allows.
 *
 * Processes:
 * - user: opens a tab or app chosen by popularity (every page touched; absent pages refault, and the open's latency
 *   is refaults x swapInUs + tabOpenBaseMs), stays ~Exp(dwellMs), re-touching its pages every touchIntervalMs;
 * - background: runs of 16 pages touched at random places of tabs and apps chosen by popularity;
 * - aging: run_aging every agingIntervalMs (if > 0);
 * - sampler: generation mix and true coldness every SAMPLE_MS after warm-up.
 * A touch of a resident page sets the host PTE's A bit for a tab (and for a guest app in `base`), the SPTE's A bit
 * for a guest app under KVM. A touch of a swapped-out page is a fault: a free page is taken (direct reclaim when
 * none is left), the PTE is installed young, the folio goes to max_seq (folio_add_lru marks faulted folios active
 * under MGLRU), and for a guest app KVM installs a young SPTE.
 */
import { Lruvec } from "../../kernel/mm/mglru/lruvec";
import { Mglru } from "../../kernel/mm/mglru/mglru";
import { run_aging } from "../../kernel/mm/mglru/aging";
import { try_to_free_pages } from "../../kernel/mm/mglru/reclaim";
import { RandomStreams } from "../../sim/random";
import { Simulation } from "../../sim/simulation";
import { buildLayout, GUEST, HOST, pickGroup, type Layout } from "./layout";
import { Metrics } from "./metrics";
import type { ParamValues } from "../params";
import type { SpteAgingParams } from "./params";

const MS = 1e6;
const S = 1e9;
/** Pages per background run (a timer or GC touching a small heap region). */
export const BACKGROUND_RUN_PAGES = 16;
/** Sampling period of the generation mix and coldness, ms. */
export const SAMPLE_MS = 5_000;

/** Every parameter of the experiment (see params.ts for units, defaults and sources). */
export type ModelParams = ParamValues<SpteAgingParams>;

export interface ModelResult {
  metrics: Metrics;
  mglru: Mglru;
  layout: Layout;
  /** Measured span, s. */
  measuredS: number;
  /** Aging notifier calls made by KVM in the window (all paths). */
  kvmAgeCalls: number;
}

/** Builds the world; returns it with a `run()` that simulates and returns the result. */
export function buildModel(p: ModelParams, seed: number, options: { trace?: boolean } = {}) {
  if (p.warmupS >= p.durationS)
    throw new RangeError(`warmupS (${p.warmupS}) must be less than durationS (${p.durationS})`);
  const rs = new RandomStreams(seed);
  const sim = new Simulation({ trace: options.trace });
  const layout = buildLayout({ ...p, kvm: p.policy !== "base" }, rs);
  const { as, spte, ownerOfSlot } = layout;
  const lruvec = new Lruvec(as.slots, 2, () => sim.now);
  lruvec.klass.set(ownerOfSlot);
  const m = new Mglru(
    as,
    lruvec,
    { mmWalk: p.policy !== "no-walk", clearYoungNotify: p.policy === "walk-notify" },
    sim,
  );
  const lastAccessNs = new Float64Array(as.slots);
  // memory starts in zram: every page has a shadow entry from before the run (min_seq 0)
  m.workingset.shadow.fill(0);
  let metrics = new Metrics(p.durationS);
  let measuring = p.warmupS === 0;
  let free = p.ramPages;
  m.onEvict = (f) => {
    free++;
    if (!measuring) return;
    const o = ownerOfSlot[f];
    metrics.evictions[o]++;
    const idle = sim.now - lastAccessNs[f];
    metrics.evictIdleNs[o] += idle;
    metrics.evictIdleMs[o].record(idle / MS);
  };

  /** A touch of one page by its owner (the caller marks the mm as having run); returns 1 if it refaulted. */
  function touch(slot: number, owner: number): number {
    lastAccessNs[slot] = sim.now;
    if (as.present[slot] === 1) {
      if (owner === GUEST && spte !== null) spte.guestAccess(slot);
      else as.young[slot] = 1;
      return 0;
    }
    if (free === 0) {
      m.actor = "direct-reclaim";
      try_to_free_pages(m); // frees through onEvict
    }
    free--;
    m.workingset.lru_gen_refault(slot, owner, lruvec.maxSeq);
    as.mapPte(slot);
    lruvec.addFolio(slot, lruvec.maxSeq);
    if (owner === GUEST && spte !== null) spte.installSpte(slot);
    if (measuring) metrics.refaults[owner]++;
    return 1;
  }

  function touchGroup(g: number): number {
    const o = layout.owner[g];
    layout.mmOfGroup[g].ranSinceWalk = true;
    let refaults = 0;
    const end = layout.start[g] + layout.len[g];
    for (let i = layout.start[g]; i < end; i++) refaults += touch(layout.pages[i], o);
    return refaults;
  }

  const durationNs = Math.round(p.durationS * S);
  sim.spawn("user", function* user() {
    const choose = rs.stream("user", "choose");
    const dwell = rs.stream("user", "dwell");
    const interval = Math.max(1, Math.round(p.touchIntervalMs * MS));
    for (;;) {
      const g = pickGroup(layout.cumWeight, choose.uniform());
      const refaults = touchGroup(g);
      if (measuring) metrics.openUs[layout.owner[g]].record(refaults * p.swapInUs + p.tabOpenBaseMs * 1e3);
      let left = Math.max(1, Math.round(dwell.exponential(p.dwellMs) * MS));
      while (left > interval) {
        yield interval;
        left -= interval;
        touchGroup(g);
      }
      yield left;
    }
  });
  if (p.backgroundPagesPerSec > 0) {
    sim.spawn("background", function* background() {
      const when = rs.stream("background", "interval");
      const which = rs.stream("background", "choose");
      const where = rs.stream("background", "offset");
      const meanNs = (BACKGROUND_RUN_PAGES / p.backgroundPagesPerSec) * S;
      for (;;) {
        yield Math.max(1, Math.round(when.exponential(meanNs)));
        const g = pickGroup(layout.cumWeight, which.uniform());
        const n = Math.min(BACKGROUND_RUN_PAGES, layout.len[g]);
        const off = where.integer(layout.len[g] - n + 1);
        const base = layout.start[g] + off;
        layout.mmOfGroup[g].ranSinceWalk = true;
        for (let i = 0; i < n; i++) touch(layout.pages[base + i], layout.owner[g]);
      }
    });
  }
  if (p.agingIntervalMs > 0) {
    sim.spawn("aging", function* aging() {
      const period = Math.max(1, Math.round(p.agingIntervalMs * MS));
      for (;;) {
        yield period;
        m.actor = "aging";
        run_aging(m, true);
      }
    });
  }
  // One measurement window: when it opens, the scenario's metrics start afresh with MGLRU's and KVM's counters.
  sim.measure({
    reset: () => {
      measuring = true;
      metrics = new Metrics(p.durationS);
      m.resetStats();
      spte?.resetCounters();
    },
  });
  sim.spawn("sampler", function* sampler() {
    yield Math.round(p.warmupS * S);
    for (;;) {
      metrics.sampleGenerations(lruvec);
      metrics.sampleColdness(as.present, ownerOfSlot, lastAccessNs, sim.now, p.coldFraction);
      yield SAMPLE_MS * MS;
    }
  });

  return {
    sim,
    mglru: m,
    layout,
    run(): ModelResult {
      const warmupNs = Math.round(p.warmupS * S);
      sim.runMeasured({ warmupNs, durationNs: durationNs - warmupNs });
      if (free < 0 || free + lruvec.totalPages !== p.ramPages) {
        throw new Error(`memory accounting broken: free ${free} + LRU ${lruvec.totalPages} != RAM ${p.ramPages}`);
      }
      return { metrics, mglru: m, layout, measuredS: p.durationS - p.warmupS, kvmAgeCalls: spte ? spte.ageCalls : 0 };
    },
  };
}

export { HOST, GUEST };
