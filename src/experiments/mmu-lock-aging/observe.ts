/** From a model run to the experiment's observables and chart detail. */
import type { ObservableSpec } from "../experiment";
import { MMU_LOCK_SITES } from "../../kernel/kvm/mmu-lock";
import type { ModelResult, Params } from "./model";

export const mmuLockAgingObservables: Record<string, ObservableSpec> = {
  writerWaitP50Ns: {
    unit: "ns",
    description:
      "Median wait of the eviction writers (the unmap's write_lock in invalidate_range_start), waits still running at the end included.",
  },
  writerWaitP99Ns: {
    unit: "ns",
    description: "99th percentile of the eviction writers' wait (streaming histogram, within 0.4%).",
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
  },
  spinCpuFraction: {
    unit: "fraction",
    description:
      "CPU time spent acquiring mmu_lock (spinning in the slow path and waiting for the lock word's cache line), over all CPUs of the model.",
  },
  agingNsPerPage: {
    unit: "ns",
    description:
      "Aging time per page, lock waits and atomics included: scale-free (NaN when aging does not consult KVM).",
  },
  vcpuTimeLostFraction: {
    unit: "fraction",
    description: "Fraction of vCPU time spent acquiring mmu_lock in stage-2 faults (spin and cache-line wait).",
  },
  writerWaitOverBound: {
    unit: "fraction",
    description:
      "Largest writer wait divided by its bound (queue ahead + longest remaining hold) computed when it began to spin; <= 1 means the bound held.",
  },
  writerBoundViolations: {
    unit: "count",
    description: "Writers (unmap and aging) that waited longer than their bound.",
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
  return {
    writerWaitP50Ns: w.quantile(0.5),
    writerWaitP99Ns: w.quantile(0.99),
    writerWaitMaxNs: w.count > 0 ? w.max : NaN,
    evictedPagesPerSec: (r.reclaim.evictedPages * 1e9) / measured,
    agingPassMs: (agingNsPerPage * p.vcpus * p.pagesPerVcpu) / 1e6,
    faultLatencyP99Ns: r.vcpu.faultLatencyNs.quantile(0.99),
    spinCpuFraction: spin / (r.cpus * measured),
    agingNsPerPage,
    vcpuTimeLostFraction: (m.sites.fault.spinNs + m.sites.fault.lineNs + pendingFault) / (p.vcpus * measured),
    writerWaitOverBound: m.maxWaitOverBound,
    writerBoundViolations: m.boundViolations,
    faultsPerSec: (r.vcpu.faults * 1e9) / measured,
  };
}

export function detail(r: ModelResult): MmuLockAgingDetail {
  return {
    writerWaitCdf: r.writerWaitNs.cdf(),
    faultLatencyCdf: r.vcpu.faultLatencyNs.cdf(),
    agingWaitCdf: r.mmuLock.sites.aging.waitNs.cdf(),
  };
}
