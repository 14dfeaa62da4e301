/**
 * One replication of `mmu-lock-aging`: V vCPUs faulting under mmu_lock's read side, and the host's MGLRU reclaim and
 * aging of the VM's memory (src/kernel/mm/mglru-reclaim-lock-traffic.ts) consulting KVM while aging (write, read,
 * lockless or not at all) and unmapping under the write side, every task on its own CPU, against one kvm->mmu_lock
 * whose every atomic is charged on its cache line (src/kernel/locking/qrwlock.ts).
 *
 * Who runs what, by workload (params.ts): reclaim: kswapd0 and reclaim1..D run try_to_shrink_lruvec; access-tracking:
 * aging0..D run the lru_gen debugfs aging command back to back; split: kswapd0 reclaims beside aging1..D.
 *
 * The kernel paths each task follows, with the source read, are in the kernel files' headers; the divergences from
 * the first model and what changed are in docs/fidelity/000-mmu-lock-aging.md.
 *
 * Random streams are per actor and purpose ("vcpu"/i/"run", "reclaimer"/r/"unmap", ...), so the agingLock and
 * lockKind variants see the same guest behaviour and the same hold draws: their differences are not noise.
 */
import { Simulation } from "../../sim/simulation";
import { RandomStreams, type RandomStream } from "../../sim/random";
import { Histogram } from "../../sim/stats/histogram";
import { msToNs, roundNs, usToNs } from "../../sim/time";
import type { Process } from "../../sim/process";
import type { Trace } from "../../sim/trace";
import type { ParamValues } from "../params";
import { EVICTION_WRITER_SITES, KvmMmuLock } from "../../kernel/kvm/mmu-lock";
import type { KvmVm } from "../../kernel/kvm/kvm-vm";
import { kvm_vcpu_run, VcpuFaultStats } from "../../kernel/kvm/stage2-fault";
import {
  lruGenContext,
  run_aging,
  try_to_shrink_lruvec,
  type LruGenContext,
  type ReclaimerStreams,
  type ReclaimStats,
  type SecondaryMmuAging,
} from "../../kernel/mm/mglru-reclaim-lock-traffic";
import type { MmuLockAgingParams } from "./params";

export type Params = ParamValues<MmuLockAgingParams>;

export interface ModelResult {
  /** Measured simulated time (after warm-up), ns. */
  measuredNs: number;
  mmuLock: KvmMmuLock;
  vcpu: VcpuFaultStats;
  reclaim: ReclaimStats;
  lruGen: LruGenContext;
  /** Eviction writers' waits (unmap and invalidate_range_end), waits still in progress at the end included. */
  writerWaitNs: Histogram;
  /** kswapd's process, when the workload has one. */
  kswapd: Process<any> | null;
  /** CPUs in the model: vCPUs plus the reclaim and aging tasks. */
  cpus: number;
  /** The simulation, for its trace and for checks that state does not grow with simulated time. */
  sim: Simulation;
}

function lognormalNs(s: RandomStream, mean: number, cv: number): () => number {
  return mean <= 0 ? () => 0 : () => Math.max(1, Math.round(s.lognormal(mean, cv)));
}

function exponentialNs(s: RandomStream, mean: number): () => number {
  return mean <= 0 ? () => 0 : () => Math.round(s.exponential(mean));
}

function secondaryMmuAging(p: Params): SecondaryMmuAging {
  return p.agingLock === "faults-only" ? "none" : p.agingLock;
}

/** What task r runs in each workload: try_to_shrink_lruvec (a reclaimer) or run_aging (a debugfs ager). */
function roleOf(p: Params, r: number): "reclaim" | "age" {
  if (p.workload === "reclaim") return "reclaim";
  if (p.workload === "access-tracking") return "age";
  return r === 0 ? "reclaim" : "age";
}

/** Runs the model; `trace` records every lock event (keep the run short, or pass a Trace with a limit). */
export function runMmuLockModel(p: Params, seed: number, options: { trace?: boolean | Trace } = {}): ModelResult {
  const sim = new Simulation({ trace: options.trace });
  const rs = new RandomStreams(seed);
  const tasks = 1 + p.reclaimers;
  const cpus = p.vcpus + tasks;
  const mmuLock = new KvmMmuLock(sim, { kind: p.lockKind, cpus, lineTransferNs: p.lineTransferNs });
  const kvm: KvmVm = { sim, mmu_lock: mmuLock, arch: p.arch };
  const vcpu = new VcpuFaultStats();
  const aging = secondaryMmuAging(p);
  const ctx = lruGenContext(
    [kvm],
    p.vcpus * p.pagesPerVcpu,
    {
      secondaryMmuAging: aging,
      agingPageNs: p.agingPageNs,
      pagesPerAgingCall: p.pagesPerAgingCall,
      walkChunkPages: p.agingBatchPages > 0 ? p.agingBatchPages : p.pagesPerVcpu,
      evictBatchPages: p.evictBatchPages,
      youngFraction: p.youngFraction,
      unmapPages: p.unmapPages,
    },
    rs.stream("lru", "phase").uniform(),
  );

  // The walk's interference: a guest run that starts while a walk of this VM's memory is in flight is stretched.
  const interference = p.walkInterferenceFraction;
  const walksInFlight = ctx.mmState.walksInFlight;
  const interferenceNs =
    interference > 0 ? (run: number) => (walksInFlight[0] > 0 ? Math.round(run * interference) : 0) : undefined;
  for (let i = 0; i < p.vcpus; i++) {
    const run = exponentialNs(rs.stream("vcpu", i, "run"), usToNs(p.faultIntervalUs));
    const hold = lognormalNs(rs.stream("vcpu", i, "fault-hold"), p.faultHoldNs, p.holdCv);
    sim.spawn(`vcpu${i}`, (self) => kvm_vcpu_run(kvm, self, i, run, hold, vcpu, interferenceNs));
  }

  let kswapd: Process<any> | null = null;
  for (let r = 0; r < tasks; r++) {
    const role = roleOf(p, r);
    // An ager whose aging does not consult KVM has nothing to do with mmu_lock (and would age in zero time).
    if (role === "age" && aging === "none") continue;
    const streams: ReclaimerStreams = {
      unmapHoldNs: lognormalNs(rs.stream("reclaimer", r, "unmap"), p.unmapHoldNs, p.holdCv),
      invalidateEndHoldNs: Math.round(p.invalidateEndHoldNs),
      pageoutNs: lognormalNs(rs.stream("reclaimer", r, "pageout"), p.pageoutNs, p.holdCv),
      idleNs: exponentialNs(rs.stream("reclaimer", r, "idle"), usToNs(p.reclaimIdleUs)),
      young: rs.stream("reclaimer", r, "young"),
    };
    const cpu = p.vcpus + r;
    if (role === "reclaim") {
      const name = r === 0 ? "kswapd0" : `reclaim${r}`;
      const proc = sim.spawn(name, (self) => try_to_shrink_lruvec(ctx, self, cpu, streams));
      if (r === 0) kswapd = proc;
    } else {
      sim.spawn(`aging${r}`, (self) => run_aging(ctx, self, cpu, streams));
    }
  }

  // One measurement window for every statistic (src/sim/measurement.ts): opening it resets them all at once.
  sim.measure({ reset: () => mmuLock.resetStats() });
  sim.measure({ reset: () => vcpu.reset() });
  sim.measure({ reset: () => ctx.stats.reset() });
  sim.measure({ reset: () => ctx.mmState.resetStats() });
  const window = sim.runMeasured({
    warmupNs: roundNs(msToNs(p.warmupMs)),
    durationNs: Math.max(1, roundNs(msToNs(p.durationMs))),
  });

  const writerWaitNs = new Histogram("eviction writer wait ns");
  for (const site of EVICTION_WRITER_SITES) {
    writerWaitNs.merge(mmuLock.sites[site].waitNs);
    for (const w of mmuLock.pendingWaits(site)) writerWaitNs.record(w);
  }
  return {
    measuredNs: window.durationNs,
    mmuLock,
    vcpu,
    reclaim: ctx.stats,
    lruGen: ctx,
    writerWaitNs,
    kswapd,
    cpus,
    sim,
  };
}
