/**
 * From a model run to the experiment's observables and chart detail. The names an issue gave are contracts: the
 * first model's twelve, issue 11's concurrentAgingWalksMax, writerCmpxchgRetriesMean, lookAroundCallsPerEvictedFolio
 * and transientBiasFraction, and issue 20's vCPU interference and kswapd's write-lock share.
 */
import type { ObservableSpec } from "../experiment";
import { MMU_LOCK_SITES } from "../../kernel/kvm/mmu-lock";
import { nsToMs, perSecond } from "../../sim/time";
import type { ModelResult, Params } from "./model";

export const mmuLockAgingObservables: Record<string, ObservableSpec> = {
  writerWaitP50Ns: {
    unit: "ns",
    description:
      "Median wait of the eviction writers (write_lock in invalidate_range_start and in invalidate_range_end: every eviction " +
      "writer site counts since issue 20), waits still running at the end included.",
    samples: "writerWaits",
  },
  writerWaitP99Ns: {
    unit: "ns",
    description: "99th percentile of the eviction writers' wait (streaming histogram, within 0.4%).",
    samples: "writerWaits",
  },
  writerWaitMaxNs: {
    unit: "ns",
    description: "Longest eviction-writer wait, including one still running at the end (starvation shows here).",
  },
  evictedPagesPerSec: {
    unit: "per-s",
    description: "Folios unmapped and paged out per simulated second, all reclaimers together.",
  },
  agingPassMs: {
    unit: "ms",
    description: "Time to age the modelled guest memory once (vcpus x pagesPerVcpu pages at agingNsPerPage).",
  },
  faultLatencyP99Ns: {
    unit: "ns",
    description: "99th percentile of a stage-2 fault's time under mmu_lock: wait plus hold.",
    samples: "faultSamples",
  },
  spinCpuFraction: {
    unit: "fraction",
    description:
      "CPU time spent acquiring mmu_lock (spinning in the slow path and waiting for the lock word's cache line), over all CPUs of the model.",
  },
  agingNsPerPage: {
    unit: "ns",
    description:
      "Aging time per page over every clear_young call (the walk's and the rmap path's look-around), lock waits and atomics " +
      "included: scale-free (NaN when aging does not consult KVM).",
  },
  vcpuTimeLostFraction: {
    unit: "fraction",
    description: "Fraction of vCPU time spent acquiring mmu_lock in stage-2 faults (spin and cache-line wait).",
  },
  writerWaitOverBound: {
    unit: "fraction",
    description:
      "Largest writer wait divided by its strict bound (queue ahead + longest remaining hold, one transfer per hand-off) computed " +
      "when its fast path failed; <= 1 means the bound held. The kernel exceeds it by the hand-off window, transient reader " +
      "biases and its own slow-path line time (see writerWaitOverKernelBound).",
  },
  writerBoundViolations: {
    unit: "count",
    description: "Slow-path writers (every site) that waited longer than their strict bound.",
  },
  writerBoundExcessMaxNs: {
    unit: "ns",
    description: "Largest amount by which a writer's wait exceeded its strict bound (0 when it always held).",
  },
  writerWaitOverKernelBound: {
    unit: "fraction",
    description:
      "qrwlock: largest wait after the head writer's _QW_WAITING landed over the kernel's bound from then (longest remaining hold " +
      "of those inside then, hand-off-window readers included, plus per try at most one line transfer per CPU for the release, " +
      "the read, the cmpxchg and a transient bias's removal); <= 1 means no reader passed a waiting writer. 0 for reader-pref.",
  },
  writerCmpxchgRetriesMean: {
    unit: "count",
    description:
      "Head-writer cmpxchg failures per write acquisition (a transient reader bias or another change landed between the " +
      "writer's read of cnts and its cmpxchg); reader-pref: failed retries of the spinning writer.",
  },
  transientBiasFraction: {
    unit: "fraction",
    description:
      "Share of time at least one failed reader's _QR_BIAS sits in cnts (from its fast-path atomic_add_return to its slow " +
      "path's atomic_sub landing), which holds off the head writer.",
  },
  concurrentAgingWalksMax: {
    unit: "count",
    description:
      "Most aging walks (walk_mm) of the VM's mm in flight at once. iterate_mm_list hands the mm to one walker per " +
      "generation; a walk overtaken by another caller's inc_max_seq finishes its chunk (agingBatchPages) before it stops.",
  },
  lookAroundCallsPerEvictedFolio: {
    unit: "count",
    description:
      "clear_young notifier calls of the rmap path (folio_referenced -> lru_gen_look_around: one for the folio, one per present " +
      "PTE of the window when it was young) per folio evicted; NaN when nothing was evicted.",
  },
  generationsPerSec: {
    unit: "per-s",
    description: "Generations opened (inc_max_seq) per simulated second.",
  },
  kswapdWriteLockFraction: {
    unit: "fraction",
    description:
      "Share of kswapd's time spent acquiring mmu_lock for write (unmap, invalidate_range_end and write-lock aging calls: " +
      "the _raw_write_lock share of a profile); NaN when the workload has no kswapd.",
  },
  vcpuInterferenceFraction: {
    unit: "fraction",
    description:
      "Fraction of vCPU time lost to aging walks' interference (walkInterferenceFraction while a walk is in flight).",
  },
  vcpuWallLostFraction: {
    unit: "fraction",
    description:
      "Fraction of vCPU time not spent running the guest for these two reasons: acquiring mmu_lock in faults plus walk interference.",
  },
  faultsPerSec: { unit: "per-s", description: "Stage-2 faults handled per simulated second, all vCPUs." },
};

export interface MmuLockAgingDetail {
  /** Eviction-writer wait CDF (ns, fraction). */
  writerWaitCdf: Array<{ value: number; fraction: number }>;
  /** Stage-2 fault latency CDF (ns, fraction). */
  faultLatencyCdf: Array<{ value: number; fraction: number }>;
  /** Aging-call wait CDF (ns, fraction); empty when aging takes no lock. */
  agingWaitCdf: Array<{ value: number; fraction: number }>;
}

export function observe(p: Params, r: ModelResult): Record<string, number> {
  const m = r.mmuLock;
  const measured = r.measuredNs;
  // Waits still running at the end count up to the measured time (a starved spinner burns its CPU all along).
  let pendingSpin = 0;
  let pendingFault = 0;
  for (const site of MMU_LOCK_SITES) {
    for (const w of m.pendingWaits(site)) {
      const inWindow = Math.min(w, measured);
      pendingSpin += inWindow;
      if (site === "fault") pendingFault += inWindow;
    }
  }
  const spin = MMU_LOCK_SITES.reduce((a, s) => a + m.sites[s].spinNs + m.sites[s].lineNs, 0) + pendingSpin;
  const agingNsPerPage = r.reclaim.agedPages > 0 ? r.reclaim.agingNs / r.reclaim.agedPages : NaN;
  const w = r.writerWaitNs;
  const st = r.reclaim;
  const lock = m.lock;
  const vcpuLost = (m.sites.fault.spinNs + m.sites.fault.lineNs + pendingFault) / (p.vcpus * measured);
  const interference = r.vcpu.interferenceNs / (p.vcpus * measured);
  return {
    writerWaitP50Ns: w.quantile(0.5),
    writerWaitP99Ns: w.quantile(0.99),
    writerWaitMaxNs: w.count > 0 ? w.max : NaN,
    // Sample counts behind the quantiles (declared with `samples`), not observables.
    writerWaits: w.count,
    faultSamples: r.vcpu.faultLatencyNs.count,
    evictedPagesPerSec: perSecond(r.reclaim.evictedPages, measured),
    agingPassMs: nsToMs(agingNsPerPage * p.vcpus * p.pagesPerVcpu),
    faultLatencyP99Ns: r.vcpu.faultLatencyNs.quantile(0.99),
    spinCpuFraction: spin / (r.cpus * measured),
    agingNsPerPage,
    vcpuTimeLostFraction: vcpuLost,
    writerWaitOverBound: m.maxWaitOverBound,
    writerBoundViolations: m.boundViolations,
    faultsPerSec: perSecond(r.vcpu.faults, measured),
    writerBoundExcessMaxNs: m.maxBoundExcessNs,
    writerWaitOverKernelBound: m.maxWaitOverKernelBound,
    writerCmpxchgRetriesMean: m.writeAcquisitions > 0 ? lock.writerCmpxchgRetries / m.writeAcquisitions : 0,
    transientBiasFraction: lock.transientBiasNs() / measured,
    concurrentAgingWalksMax: r.lruGen.mmState.concurrentWalksMax,
    lookAroundCallsPerEvictedFolio: st.evictedPages > 0 ? st.lookAroundCalls / st.evictedPages : NaN,
    generationsPerSec: perSecond(st.generations, measured),
    kswapdWriteLockFraction: r.kswapd ? m.writeAcquireNsOf(r.kswapd) / measured : NaN,
    vcpuInterferenceFraction: interference,
    vcpuWallLostFraction: vcpuLost + interference,
  };
}

export function detail(r: ModelResult): MmuLockAgingDetail {
  return {
    writerWaitCdf: r.writerWaitNs.cdf(),
    faultLatencyCdf: r.vcpu.faultLatencyNs.cdf(),
    agingWaitCdf: r.mmuLock.sites.aging.waitNs.cdf(),
  };
}
