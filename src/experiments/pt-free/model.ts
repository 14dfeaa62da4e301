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
 * Every real free checks that no walker begun before the table's unhook is still inside (strict: throw).
 */
import { RandomStreams } from "../../sim/random";
import { Simulation } from "../../sim/simulation";
import { msToNs, roundNs } from "../../sim/time";
import { Histogram } from "../../sim/stats/histogram";
import type { Trace } from "../../sim/trace";
import type { Yielded } from "../../sim/process";
import { PageTableWalkers } from "../../kernel/mm/gup-fast";
import { MmuGatherTableFree } from "../../kernel/mm/mmu-gather-table-free";
import { TlbShootdown } from "../../kernel/mm/tlb-shootdown";
import type { ParamValues } from "../params";
import { buildMachine } from "./grace-period-profiles";
import type { PtFreeParams } from "./params";

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
  const { cpus: all, rcu } = buildMachine(sim, rs, p.gracePeriodProfile, p.cpus, p.qsIntervalUs * 1000);
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
      yield Math.round(pause.exponential(1e9 / p.munmapRatePerSec));
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

  // Statistics start after the warm-up, in one measurement window; the bytes series is sampled at fixed intervals.
  const warmupNs = roundNs(msToNs(p.warmupMs));
  const measuredNs = roundNs(msToNs(p.durationMs));
  sim.measure(munmapLatencyNs);
  sim.measure(shootdown.remoteWaitNs);
  for (const c of all) sim.measure(c.ipiDelayNs);
  sim.measure(rcu.gpDurationNs);
  sim.measure({ reset: (nowNs) => tableFree.resetStats(nowNs) });
  // Plain counts, the model's and those of kernel objects that have no statistic of their own.
  sim.measure({
    reset: () => {
      munmaps = 0;
      shootdown.ipisSent = 0;
      walkers.unsafeFrees = 0;
    },
  });
  const walks = sim.window.since(() => walkers.walks);
  const series = { tMs: [] as number[], bytes: [] as number[], tables: [] as number[] };
  const points = options.seriesPoints ?? 0;
  if (points > 0) {
    const step = Math.max(1, Math.floor(measuredNs / points));
    const sample = () => {
      series.tMs.push((sim.now - warmupNs) / 1e6);
      series.bytes.push(tableFree.bytesAwaitingGp.value);
      series.tables.push(tableFree.tablesAwaitingGp.value);
      if (series.tMs.length < points) sim.schedule(step, sample);
    };
    sim.schedule(warmupNs, sample);
  }
  const endNs = warmupNs + measuredNs;
  sim.runMeasured({ warmupNs, durationNs: measuredNs });

  const ipiDelayNs = new Histogram("ipi delay ns");
  for (const c of all) ipiDelayNs.merge(c.ipiDelayNs);
  return {
    munmaps,
    munmapLatencyNs,
    shootdownWaitNs: shootdown.remoteWaitNs,
    ipiDelayNs,
    ipisSent: shootdown.ipisSent,
    gracePeriodNs: rcu.gpDurationNs,
    tablesAwaitingGpMean: tableFree.tablesAwaitingGp.mean(endNs),
    tablesAwaitingGpPeak: tableFree.tablesAwaitingGp.peak,
    bytesAwaitingGpMean: tableFree.bytesAwaitingGp.mean(endNs),
    bytesAwaitingGpPeak: tableFree.bytesAwaitingGp.peak,
    tablesQueuedPerSec: (tableFree.tablesQueued * 1e9) / measuredNs,
    tableWaitMeanNs: tableFree.tableWaitNs.count > 0 ? tableFree.tableWaitNs.mean : 0,
    allocFailures: tableFree.allocFailures,
    unsafeFrees: walkers.unsafeFrees,
    walks: walks.value,
    measuredNs,
    series,
    liveProcesses: sim.liveProcesses,
    queueCapacity: sim.queueCapacity,
    trace: sim.trace,
  };
}
