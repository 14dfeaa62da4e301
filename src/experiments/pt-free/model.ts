/**
 * One replication of `pt-free`: a munmap storm in an mm whose other CPUs walk its page tables locklessly.
 *
 * - CPU 0 of the mm runs the storm thread: pause ~Exp(1/rate), then munmap(): its own work (munmapWorkNs), then
 *   free_pgtables() unhooks `tablesPerMunmap` PTE tables into the mmu_gather (tlb_remove_table each), then
 *   tlb_finish_mmu() flushes and frees according to the config (src/kernel/mm/mmu-gather-table-free.ts).
 * - CPUs 1..cpus-1 run walkers: pause ~Exp, then one section of ~Lognormal(irqOffNs, irqOffCv), interrupts off
 *   (gup_fast) or under rcu_read_lock only.
 * - The machine around the mm (idle or busy), the RCU grace periods and the GP kthread come from the profile.
 *
 * - A synchronize_rcu() probe: one caller that sleeps ~Exp(5 ms) and calls synchronize_rcu(), as the calibration
 *   harness measureSynchronizeRcu() does on the profile's bare machine, measures what a caller waits on this machine
 *   with this load (issue 20's synchronizeRcuP50Ms/P99Ms). Its callback joins the grace periods the frees request;
 *   under "ipi", where nothing else calls call_rcu(), its grace periods are the only ones.
 *
 * Every real free checks that no walker begun before the table's unhook is still inside (strict: throw).
 */
import { RandomStreams } from "../../sim/random";
import { Simulation } from "../../sim/simulation";
import { Histogram } from "../../sim/stats/histogram";
import type { Trace } from "../../sim/trace";
import type { Yielded } from "../../sim/process";
import { PageTableWalkers } from "../../kernel/mm/gup-fast";
import { MmuGatherTableFree } from "../../kernel/mm/mmu-gather-table-free";
import { TlbShootdown } from "../../kernel/mm/tlb-shootdown";
import type { ParamValues } from "../params";
import { buildMachine } from "./grace-period-profiles";
import type { PtFreeParams } from "./params";
import { meanGapNsOfRate, msToNs, nsToMs, perSecond, roundNs, usToNs } from "../../sim/time";

/** Mean pause between the probe's synchronize_rcu() calls: the calibration harness's `gapMs` (5 ms). */
export const SYNCHRONIZE_RCU_PROBE_GAP_NS = 5_000_000;

export interface PtFreeRunOptions {
  /** Override the `strict` parameter (tests). */
  strict?: boolean;
  /** Test-only, deliberately broken: free each table at unhook. */
  brokenNoWait?: boolean;
  trace?: boolean;
  /** Samples of the bytes awaiting a grace period over the measured window (0 = none). */
  seriesPoints?: number;
}

export interface PtFreeRun {
  munmaps: number;
  munmapLatencyNs: Histogram;
  /** Time from sending IPIs to the last ack, per shootdown or sync IPI, ns. */
  shootdownWaitNs: Histogram;
  /** Per handled IPI: arrival to handler start (the target's remaining interrupts-off time), ns. */
  ipiDelayNs: Histogram;
  ipisSent: number;
  gracePeriodNs: Histogram;
  /** A synchronize_rcu() caller's latency on this machine (the probe: one caller, ~Exp(5 ms) between calls), ns. */
  synchronizeRcuNs: Histogram;
  /** Calls that sent IPIs (shootdowns to other CPUs, tlb_remove_table_sync_one). */
  ipiCalls: number;
  tablesAwaitingGpMean: number;
  tablesAwaitingGpPeak: number;
  bytesAwaitingGpMean: number;
  bytesAwaitingGpPeak: number;
  tablesQueuedPerSec: number;
  tableWaitMeanNs: number;
  allocFailures: number;
  unsafeFrees: number;
  walks: number;
  measuredNs: number;
  series: { tMs: number[]; bytes: number[]; tables: number[] };
  /** Memory checks: processes alive and event-queue capacity at the end (bounded by the model, not by time). */
  liveProcesses: number;
  queueCapacity: number;
  trace: Trace | null;
}

export function runPtFree(p: ParamValues<PtFreeParams>, seed: number, options: PtFreeRunOptions = {}): PtFreeRun {
  const sim = new Simulation({ trace: options.trace });
  const rs = new RandomStreams(seed);
  const { cpus: all, rcu } = buildMachine(sim, rs, p.gracePeriodProfile, p.cpus, usToNs(p.qsIntervalUs));
  const mm = all.slice(0, p.cpus);
  const walkers = new PageTableWalkers(sim, rcu, all.length, options.strict ?? p.strict);
  const shootdown = new TlbShootdown(sim, {
    method: p.config === "ipi" ? "ipi" : p.rcuTlbFlush,
    localFlushNs: p.localFlushNs,
    ipiLatencyNs: p.ipiLatencyNs,
    ipiPerTargetNs: p.ipiPerTargetNs,
    broadcastFlushNs: p.broadcastFlushNs,
  });
  const tableFree = new MmuGatherTableFree(sim, rcu, walkers, shootdown, rs.stream("mm", "batch-page-alloc"), {
    config: p.config,
    tableBytes: p.tableBytes,
    maxTableBatch: p.maxTableBatch,
    allocFailProbability: p.allocFailProbability,
    brokenNoWait: options.brokenNoWait,
  });

  // Walkers on CPUs 1..cpus-1.
  if (p.walkerDuty > 0) {
    const gapMeanNs = (p.irqOffNs * (1 - p.walkerDuty)) / p.walkerDuty;
    for (let i = 1; i < p.cpus; i++) {
      const cpu = mm[i];
      const gap = rs.stream("walker", i, "gap");
      const len = rs.stream("walker", i, "length");
      sim.spawn(`walker${i}`, function* (): Generator<Yielded, void, unknown> {
        for (;;) {
          yield Math.round(gap.exponential(gapMeanNs));
          yield* walkers.walk(p.walker, cpu, Math.max(1, Math.round(len.lognormal(p.irqOffNs, p.irqOffCv))));
        }
      });
    }
  }

  // The munmap storm on CPU 0.
  const munmapLatencyNs = new Histogram("munmap latency ns");
  const pause = rs.stream("munmap", "pause");
  const mmOthers = mm.slice(1);
  const onlineOthers = all.slice(1);
  let munmaps = 0;
  sim.spawn("munmap", function* (): Generator<Yielded, void, unknown> {
    for (;;) {
      yield Math.round(pause.exponential(meanGapNsOfRate(p.munmapRatePerSec)));
      const t0 = sim.now;
      if (sim.trace) sim.record("munmap", "enter");
      if (p.munmapWorkNs > 0) yield Math.round(p.munmapWorkNs);
      const tlb = tableFree.tlb_gather_mmu(mm[0], mmOthers, onlineOthers);
      for (let k = 0; k < p.tablesPerMunmap; k++) yield* tableFree.tlb_remove_table(tlb);
      yield* tableFree.tlb_finish_mmu(tlb);
      munmapLatencyNs.record(sim.now - t0);
      munmaps++;
      if (sim.trace) sim.record("munmap", "return");
    }
  });

  // The synchronize_rcu() probe on CPU 0's machine (its own random stream: it shifts nobody's draws).
  const synchronizeRcuNs = new Histogram("synchronize_rcu ns");
  const probeGap = rs.stream("synchronize_rcu", "gap");
  sim.spawn("synchronize_rcu", function* (): Generator<Yielded, void, unknown> {
    for (;;) {
      yield Math.max(1, Math.round(probeGap.exponential(SYNCHRONIZE_RCU_PROBE_GAP_NS)));
      const t0 = sim.now;
      yield rcu.synchronize_rcu();
      synchronizeRcuNs.record(sim.now - t0);
    }
  });

  // One measurement window (sim.runMeasured): every statistic below forgets the warm-up at once; the bytes series
  // is sampled at fixed intervals from the window's start.
  const warmupNs = roundNs(msToNs(p.warmupMs));
  const measuredNs = roundNs(msToNs(p.durationMs));
  sim.measure(munmapLatencyNs);
  sim.measure(shootdown.remoteWaitNs);
  sim.measure(synchronizeRcuNs);
  for (const c of all) sim.measure(c.ipiDelayNs);
  sim.measure(rcu.gpDurationNs);
  sim.measure({ reset: (nowNs: number) => tableFree.resetStats(nowNs) });
  const munmapsIn = sim.window.since(() => munmaps);
  const ipisSentIn = sim.window.since(() => shootdown.ipisSent);
  const ipiCallsIn = sim.window.since(() => shootdown.ipiCalls);
  const unsafeFreesIn = sim.window.since(() => walkers.unsafeFrees);
  const walksIn = sim.window.since(() => walkers.walks);
  const series = { tMs: [] as number[], bytes: [] as number[], tables: [] as number[] };
  const points = options.seriesPoints ?? 0;
  if (points > 0) {
    const step = Math.max(1, Math.floor(measuredNs / points));
    const sample = () => {
      series.tMs.push(nsToMs(sim.now - warmupNs));
      series.bytes.push(tableFree.bytesAwaitingGp.value);
      series.tables.push(tableFree.tablesAwaitingGp.value);
      if (series.tMs.length < points) sim.schedule(step, sample);
    };
    sim.schedule(warmupNs, sample);
  }
  const endNs = sim.runMeasured({ warmupNs, durationNs: measuredNs }).endNs;

  const ipiDelayNs = new Histogram("ipi delay ns");
  for (const c of all) ipiDelayNs.merge(c.ipiDelayNs);
  return {
    munmaps: munmapsIn.value,
    munmapLatencyNs,
    shootdownWaitNs: shootdown.remoteWaitNs,
    ipiDelayNs,
    ipisSent: ipisSentIn.value,
    gracePeriodNs: rcu.gpDurationNs,
    synchronizeRcuNs,
    ipiCalls: ipiCallsIn.value,
    tablesAwaitingGpMean: tableFree.tablesAwaitingGp.mean(endNs),
    tablesAwaitingGpPeak: tableFree.tablesAwaitingGp.peak,
    bytesAwaitingGpMean: tableFree.bytesAwaitingGp.mean(endNs),
    bytesAwaitingGpPeak: tableFree.bytesAwaitingGp.peak,
    tablesQueuedPerSec: perSecond(tableFree.tablesQueued, measuredNs),
    tableWaitMeanNs: tableFree.tableWaitNs.count > 0 ? tableFree.tableWaitNs.mean : 0,
    allocFailures: tableFree.allocFailures,
    unsafeFrees: unsafeFreesIn.value,
    walks: walksIn.value,
    measuredNs,
    series,
    liveProcesses: sim.liveProcesses,
    queueCapacity: sim.queueCapacity,
    trace: sim.trace,
  };
}
