/**
 * kswapd, the node's background reclaimer (mm/vmscan.c, Linux 6.6: kswapd, kswapd_try_to_sleep,
 * prepare_kswapd_sleep, pgdat_balanced, balance_pgdat, kswapd_shrink_node, kswapd_age_node -> lru_gen_age_node,
 * wakeup_kswapd, allow_direct_reclaim's pfmemalloc_wait). Read in the 6.6.8 tree of syslab-CAU/ScaleSwap @83341de3
 * (linux-6.6.8/mm/vmscan.c); torvalds/linux @538d5baa (6.14+) makes lru_gen_age_node set the initial priority and
 * lets MGLRU count kswapd failures; 6.6's lru_gen_shrink_node resets kswapd_failures ("kswapd should never fail").
 *
 * Woken by an allocation that finds free pages at or below WMARK_LOW (wakeup_kswapd: only if it sleeps, the node is
 * not balanced and not hopeless), kswapd runs balance_pgdat: from DEF_PRIORITY down, each round ages the node
 * (lru_gen_age_node: with min_ttl_ms set, an OOM kill when even the oldest generation is younger than it) and
 * shrinks it by max(WMARK_HIGH, SWAP_CLUSTER_MAX) pages (kswapd_shrink_node -> lru_gen_shrink_node, whose
 * set_initial_priority picks the starting priority), until free pages exceed WMARK_HIGH. Then it naps HZ/10 and, if
 * no one woke it meanwhile and the node is still balanced, sleeps until woken.
 * It runs on its own CPU (a ChromeOS device has 2-8): the work costs kswapd's time, not the allocating task's.
 * Not modelled: order > 0 (compaction, kcompactd), watermark boosts, PGDAT_WRITEBACK/congestion throttling.
 * Model guard: a balance_pgdat round that costs no time and frees nothing waits 1 ms before the next (the kernel
 * would spin, as kswapd at 100% CPU; simulated time must advance).
 */
import type { Process, Yielded } from "../../sim/process";
import { PARK } from "../../sim/process";
import type { Simulation } from "../../sim/simulation";
import { DEF_PRIORITY, lru_gen_from_seq, LRU_GEN_FILE, MAX_RECLAIM_RETRIES, SWAP_CLUSTER_MAX } from "./mglru/constants";
import type { Mglru } from "./mglru/mglru";
import { lru_gen_shrink_node, scanControl, type ScanControl } from "./mglru/reclaim";
import type { Zone } from "./page-alloc-watermarks";
import { msToNs } from "../../sim/time";

/** HZ/10: kswapd_try_to_sleep's short nap. */
export const KSWAPD_NAP_NS = msToNs(100);
/** The model guard's wait after a round that cost nothing and freed nothing (see the file comment). */
const IDLE_ROUND_WAIT_NS = msToNs(1);

export interface KswapdOptions {
  /** lru_gen_min_ttl (/sys/kernel/mm/lru_gen/min_ttl_ms), ns; 0 = off (the kernel default). */
  minTtlNs?: number;
  /** out_of_memory: frees memory by killing a task; returns whether it killed one. */
  oomKill?: () => boolean;
}

export class Kswapd {
  readonly process: Process;
  /** On pgdat->kswapd_wait (napping or asleep): waitqueue_active. */
  waiting = false;
  /** pgdat->kswapd_failures. */
  failures = 0;
  /** Time spent reclaiming, ns (its CPU time). */
  busyNs = 0;
  /** Wake-ups that found it waiting. */
  wakeups = 0;
  /** balance_pgdat runs. */
  runs = 0;
  /** OOM kills from lru_gen_age_node (min_ttl). */
  oomKills = 0;
  /** Tasks throttled in throttle_direct_reclaim (pgdat->pfmemalloc_wait). */
  private readonly pfmemallocWait: Process[] = [];
  private napTimer = -1;
  private wokenEarly = false;

  constructor(
    readonly sim: Simulation,
    readonly m: Mglru,
    readonly zone: Zone,
    readonly options: KswapdOptions = {},
  ) {
    this.process = sim.spawn("kswapd", this.kswapd());
  }

  /**
   * wakeup_kswapd (6.6): nothing if kswapd is not waiting (it is reclaiming already), or the node is hopeless or
   * balanced; else wake it (cutting a nap short counts as a premature wake-up: it rebalances at once).
   */
  wakeup_kswapd(): void {
    if (!this.waiting) return;
    if (this.failures >= MAX_RECLAIM_RETRIES || this.zone.balanced) return;
    this.waiting = false;
    this.wakeups++;
    this.sim.record("kswapd", "wakeup", `free ${this.zone.free}`);
    if (this.napTimer >= 0) {
      this.sim.cancel(this.napTimer);
      this.napTimer = -1;
      this.wokenEarly = true;
    }
    this.sim.wake(this.process);
  }

  /** allow_direct_reclaim (6.6): free pages above half of WMARK_MIN (the pfmemalloc reserve); else wakes kswapd. */
  allow_direct_reclaim(): boolean {
    if (this.failures >= MAX_RECLAIM_RETRIES) return true;
    const ok = this.zone.free > this.zone.wmark.min / 2;
    if (!ok) this.wakeup_kswapd();
    return ok;
  }

  /** throttle_direct_reclaim's wait: parks `task` on pfmemalloc_wait; kswapd wakes it when allow_direct_reclaim. */
  throttle(task: Process): number {
    this.pfmemallocWait.push(task);
    return PARK;
  }

  private wakePfmemalloc(): void {
    if (this.pfmemallocWait.length === 0) return;
    const waiters = this.pfmemallocWait.splice(0);
    for (const t of waiters) this.sim.wake(t);
  }

  /** The kswapd() loop. */
  private *kswapd(): Generator<Yielded, void, unknown> {
    for (;;) {
      yield* this.kswapd_try_to_sleep();
      this.runs++;
      const before = this.busyNs;
      const reclaimed = yield* this.balance_pgdat();
      if (reclaimed === 0 && this.busyNs === before && !this.zone.balanced) yield IDLE_ROUND_WAIT_NS;
    }
  }

  /** prepare_kswapd_sleep (6.6): wakes throttled tasks; true if hopeless or balanced. */
  private prepare_kswapd_sleep(): boolean {
    this.wakePfmemalloc();
    return this.failures >= MAX_RECLAIM_RETRIES || this.zone.balanced;
  }

  /** kswapd_try_to_sleep (6.6): a HZ/10 nap, then, if not woken and still balanced, sleep until woken. */
  private *kswapd_try_to_sleep(): Generator<Yielded, void, unknown> {
    if (!this.prepare_kswapd_sleep()) return;
    this.waiting = true;
    this.wokenEarly = false;
    this.sim.record("kswapd", "nap", `free ${this.zone.free}`);
    this.napTimer = this.sim.schedule(KSWAPD_NAP_NS, () => {
      this.napTimer = -1;
      this.sim.wake(this.process);
    });
    yield PARK;
    if (this.wokenEarly) return;
    if (!this.prepare_kswapd_sleep()) {
      this.waiting = false;
      return;
    }
    this.sim.record("kswapd", "sleep", `free ${this.zone.free}`);
    yield PARK; // schedule(): until wakeup_kswapd
  }

  /**
   * balance_pgdat (6.6), order 0, no boost: rounds from DEF_PRIORITY (set_initial_priority lowers it in the first
   * lru_gen_shrink_node) until the node is balanced or priority reaches 1. Returns the pages reclaimed.
   */
  private *balance_pgdat(): Generator<Yielded, number, unknown> {
    const sc = scanControl({ priority: DEF_PRIORITY, isKswapd: true, zone: this.zone });
    this.sim.record("kswapd", "balance_pgdat", `free ${this.zone.free}`);
    do {
      const nrReclaimed = sc.nrReclaimed;
      if (this.zone.balanced) break;
      let raisePriority = true;
      this.lru_gen_age_node(sc);
      sc.nrScanned = 0;
      // kswapd_shrink_node: reclaim a number of pages proportional to the zones
      sc.nrToReclaim = Math.max(this.zone.wmark.high, SWAP_CLUSTER_MAX);
      const steps = lru_gen_shrink_node(this.m, sc);
      for (;;) {
        this.m.actor = "kswapd";
        const r = steps.next();
        if (r.done) break;
        this.busyNs += r.value;
        yield r.value;
      }
      this.failures = 0; // lru_gen_shrink_node: "kswapd should never fail"
      if (sc.nrScanned >= sc.nrToReclaim) raisePriority = false;
      if (this.allow_direct_reclaim()) this.wakePfmemalloc();
      if (raisePriority || sc.nrReclaimed - nrReclaimed === 0) sc.priority--;
    } while (sc.priority >= 1);
    if (sc.nrReclaimed === 0) this.failures++;
    this.sim.record("kswapd", "balanced", `free ${this.zone.free} reclaimed ${sc.nrReclaimed} priority ${sc.priority}`);
    return sc.nrReclaimed;
  }

  /**
   * lru_gen_age_node (6.6): with min_ttl set, past the first round, an OOM kill if no lruvec is reclaimable, i.e.
   * the oldest file generation was born less than min_ttl ago (the working set of the last min_ttl ms would have to
   * go). 6.6 ages nothing here: aging comes from get_nr_to_scan.
   */
  private lru_gen_age_node(sc: ScanControl): void {
    const minTtlNs = this.options.minTtlNs ?? 0;
    if (minTtlNs <= 0 || sc.priority === DEF_PRIORITY) return;
    const lv = this.m.lruvec;
    const birth = lv.timestamps[lru_gen_from_seq(lv.minSeq[LRU_GEN_FILE])];
    if (birth + minTtlNs <= this.sim.now) return; // lruvec_is_reclaimable
    this.sim.record("kswapd", "oom-kill", "min_ttl");
    if (this.options.oomKill?.()) this.oomKills++;
  }
}
