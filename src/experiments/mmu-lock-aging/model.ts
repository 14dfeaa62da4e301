/**
 * One replication of `mmu-lock-aging`: V vCPUs faulting under mmu_lock's read side, kswapd plus D direct
 * reclaimers consulting KVM while aging (write, read, lockless or not at all) and unmapping under the write side,
 * all on their own CPUs, against one kvm->mmu_lock.
 *
 * Random streams are per actor and purpose ("vcpu"/i/"run", "reclaimer"/r/"unmap", ...), so the agingLock and
 * lockKind variants see the same guest behaviour and the same hold draws: their differences are not noise.
 */
import { Simulation } from "../../sim/simulation";
import { msToNs, roundNs } from "../../sim/time";
import { RandomStreams, type RandomStream } from "../../sim/random";
import { Histogram } from "../../sim/stats/histogram";
import type { Trace } from "../../sim/trace";
import type { ParamValues } from "../params";
import { KvmMmuLock } from "../../kernel/kvm/mmu-lock";
import type { KvmVm } from "../../kernel/kvm/kvm-vm";
import { kvm_vcpu_run, VcpuFaultStats } from "../../kernel/kvm/stage2-fault";
import {
  ReclaimStats,
  try_to_shrink_lruvec,
  type ReclaimerConfig,
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
  /** Unmap writers' waits, with the waits still in progress at the end counted as they stand (censored). */
  writerWaitNs: Histogram;
  /** CPUs in the model: vCPUs plus kswapd plus the direct reclaimers (plus extra aging threads). */
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

/**
 * What reclaimer r does in each workload: in reclaim, both (the parameters' batches); in access-tracking, whole-guest
 * aging walks and no eviction; in split, kswapd (r = 0) evicts without a walk and the others only age.
 */
function reclaimerRole(p: Params, r: number): { agingBatchPages: number; evictBatchPages: number } {
  if (p.workload === "access-tracking") return { agingBatchPages: p.vcpus * p.pagesPerVcpu, evictBatchPages: 0 };
  if (p.workload === "split")
    return r === 0
      ? { agingBatchPages: 0, evictBatchPages: p.evictBatchPages }
      : { agingBatchPages: p.agingBatchPages, evictBatchPages: 0 };
  return { agingBatchPages: p.agingBatchPages, evictBatchPages: p.evictBatchPages };
}

/** Runs the model; `trace` records every lock event (keep the run short, or pass a Trace with a limit). */
export function runMmuLockModel(p: Params, seed: number, options: { trace?: boolean | Trace } = {}): ModelResult {
  const sim = new Simulation({ trace: options.trace });
  const rs = new RandomStreams(seed);
  const reclaimTasks = 1 + p.reclaimers;
  const cpus = p.vcpus + reclaimTasks;
  const mmuLock = new KvmMmuLock(sim, { kind: p.lockKind, cpus, lineTransferNs: p.lineTransferNs });
  const kvm: KvmVm = { sim, mmu_lock: mmuLock };
  const vcpu = new VcpuFaultStats();
  const reclaim = new ReclaimStats();

  for (let i = 0; i < p.vcpus; i++) {
    const run = exponentialNs(rs.stream("vcpu", i, "run"), p.faultIntervalUs * 1000);
    const hold = lognormalNs(rs.stream("vcpu", i, "fault-hold"), p.faultHoldNs, p.holdCv);
    sim.spawn(`vcpu${i}`, (self) => kvm_vcpu_run(kvm, self, i, run, hold, vcpu));
  }

  const aging = secondaryMmuAging(p);
  for (let r = 0; r < reclaimTasks; r++) {
    const name = r === 0 ? "kswapd0" : `reclaim${r}`;
    const role = reclaimerRole(p, r);
    // A thread that would only age, when aging does not consult KVM, has nothing to do here.
    if (role.evictBatchPages === 0 && aging === "none") continue;
    const cfg: ReclaimerConfig = {
      secondaryMmuAging: aging,
      agingPageNs: p.agingPageNs,
      pagesPerAgingCall: p.pagesPerAgingCall,
      agingBatchPages: role.agingBatchPages,
      evictBatchPages: role.evictBatchPages,
      unmapHoldNs: lognormalNs(rs.stream("reclaimer", r, "unmap"), p.unmapHoldNs, p.holdCv),
      invalidateEndHoldNs: Math.round(p.invalidateEndHoldNs),
      pageoutNs: lognormalNs(rs.stream("reclaimer", r, "pageout"), p.pageoutNs, p.holdCv),
      idleNs: exponentialNs(rs.stream("reclaimer", r, "idle"), p.reclaimIdleUs * 1000),
      initialPhase: rs.stream("reclaimer", r, "phase").uniform(),
    };
    sim.spawn(name, (self) => try_to_shrink_lruvec(kvm, self, p.vcpus + r, cfg, reclaim));
  }

  // One measurement window for every statistic (the rwlock's own statistics register themselves).
  sim.measure({ reset: () => mmuLock.resetStats() });
  sim.measure(vcpu);
  sim.measure(reclaim);
  const window = sim.runMeasured({
    warmupNs: roundNs(msToNs(p.warmupMs)),
    durationNs: Math.max(1, roundNs(msToNs(p.durationMs))),
  });

  const writerWaitNs = new Histogram("unmap writer wait ns");
  writerWaitNs.merge(mmuLock.sites.unmap.waitNs);
  for (const w of mmuLock.pendingWaits("unmap")) writerWaitNs.record(w);
  return { measuredNs: window.durationNs, mmuLock, vcpu, reclaim, writerWaitNs, cpus, sim };
}
