/** `pt-free`: freeing page tables after a shootdown IPI or after an RCU grace period (thread 004, Argument E). */
import { defineExperiment } from "../experiment";
import { ptFreeClaims } from "./claims";
import { runPtFree } from "./model";
import { ptFreeParams } from "./params";
import { NS_PER_MS, NS_PER_US, nsToMs, nsToS, nsToUs } from "../../sim/time";

/** Chart data of one replication (structured-cloneable). */
export interface PtFreeDetail {
  munmapLatencyCdfUs: Array<{ value: number; fraction: number }>;
  ipiDelayCdfUs: Array<{ value: number; fraction: number }>;
  gracePeriodCdfMs: Array<{ value: number; fraction: number }>;
  /** Bytes and tables awaiting a grace period, sampled at 200 fixed instants of the measured window. */
  series: { tMs: number[]; bytes: number[]; tables: number[] };
}

const SERIES_POINTS = 200;

function scaled(
  cdf: Array<{ value: number; fraction: number }>,
  per: number,
): Array<{ value: number; fraction: number }> {
  return cdf.map((p) => ({ value: p.value / per, fraction: p.fraction }));
}

export const ptFree = defineExperiment({
  id: "pt-free",
  title: "Freeing page tables after a shootdown IPI or after an RCU grace period",
  thread: "004-speculative-faults-rcu-vs-ipi-2021.txt",
  kernel:
    "Linux 6.14: mm/mmu_gather.c (tlb_remove_table, tlb_table_flush, tlb_remove_table_one, tlb_remove_table_sync_one, PT_RECLAIM's ptdesc rcu_head), " +
    "arch/x86/mm/tlb.c flush_tlb_mm_range / native_flush_tlb_multi -> kernel/smp.c smp_call_function_many_cond (CSDs, IPIs, local flush, wait), mm/gup.c gup_fast, kernel/rcu/tree.c grace periods (jiffies_till_first_fqs = 3 + nr_cpu_ids / 256)",
  params: ptFreeParams,
  observables: {
    munmapLatencyP50Us: {
      unit: "us",
      description: "Median munmap latency (syscall entry to return).",
      samples: "munmaps",
    },
    munmapLatencyP99Us: { unit: "us", description: "99th percentile of munmap latency.", samples: "munmaps" },
    munmapLatencyP999Us: { unit: "us", description: "99.9th percentile of munmap latency.", samples: "munmaps" },
    munmapLatencyMaxUs: { unit: "us", description: "Longest munmap in the run." },
    ipisSent: {
      unit: "count",
      description: "IPIs sent in the measured window (one per target CPU): shootdowns and tlb_remove_table_sync_one.",
    },
    ipiTargetsPerMunmap: {
      unit: "count",
      description:
        "ipisSent / munmaps: CPUs IPI'd per munmap (mm_cpumask minus this CPU per shootdown, plus every other online CPU per tlb_remove_table_sync_one; 0 under a broadcast flush).",
    },
    synchronizeRcuP50Ms: {
      unit: "ms",
      description:
        "Median latency of synchronize_rcu() on this machine under this load: a probe caller sleeps ~Exp(5 ms) between calls, as the profiles' calibration harness does (NaN when no call completed).",
      samples: "synchronizeRcuCalls",
    },
    synchronizeRcuMeanMs: {
      unit: "ms",
      description:
        "Mean of that latency: what the published idle figure (9.75 ms on 32 CPUs) states (NaN when no call completed).",
    },
    synchronizeRcuP99Ms: {
      unit: "ms",
      description: "99th percentile of that latency (about 20 calls in 300 ms: read it as the tail of a small sample).",
      samples: "synchronizeRcuCalls",
    },
    ipiDelayMeanUs: {
      unit: "us",
      description: "Mean wait of an IPI for its target to re-enable interrupts (0 when no IPI was sent).",
    },
    ipiDelayP99Us: {
      unit: "us",
      description: "99th percentile of that wait (0 when no IPI was sent).",
      samples: "ipiDelays",
    },
    shootdownShare: {
      unit: "fraction",
      description:
        "Share of munmap time spent waiting for IPI acks (LATR removed about 70% of munmap latency on 2 sockets).",
    },
    tablesAwaitingGpMean: {
      unit: "count",
      description: "Time-average number of page tables handed to call_rcu and not yet freed.",
    },
    tablesAwaitingGpPeak: { unit: "count", description: "Peak of that number." },
    bytesAwaitingGpMean: {
      unit: "bytes",
      description: "Time-average bytes awaiting a grace period: tables plus their batch pages.",
    },
    bytesAwaitingGpPeak: { unit: "bytes", description: "Peak bytes awaiting a grace period." },
    tableFreeRatePerSec: {
      unit: "per-s",
      description: "Tables handed to call_rcu per second (Little's law's lambda).",
    },
    tableWaitMeanMs: { unit: "ms", description: "Mean time from call_rcu to the free, per table (Little's law's W)." },
    littleTablesPredicted: {
      unit: "count",
      description: "tableFreeRatePerSec x tableWaitMeanMs: Little's law's prediction of tablesAwaitingGpMean.",
    },
    gracePeriodMeanMs: { unit: "ms", description: "Mean grace period, rcu_gp_init to its end (NaN when none ran)." },
    allocFailures: { unit: "count", description: "Batch-page allocations that failed and took the fallback." },
    unsafeFrees: {
      unit: "count",
      description:
        "Tables freed while a walker that began before their unhook was still inside (must be 0 for a safe config).",
    },
    munmaps: { unit: "count", description: "munmap calls completed in the measured window." },
  },
  scenario(p, seed, options) {
    const r = runPtFree(p, seed, { seriesPoints: options.detail ? SERIES_POINTS : 0 });
    const lat = r.munmapLatencyNs;
    const noIpi = r.ipiDelayNs.count === 0;
    return {
      values: {
        munmapLatencyP50Us: nsToUs(lat.quantile(0.5)),
        munmapLatencyP99Us: nsToUs(lat.quantile(0.99)),
        munmapLatencyP999Us: nsToUs(lat.quantile(0.999)),
        munmapLatencyMaxUs: nsToUs(lat.max),
        ipisSent: r.ipisSent,
        ipiTargetsPerMunmap: r.munmaps > 0 ? r.ipisSent / r.munmaps : 0,
        synchronizeRcuP50Ms: r.synchronizeRcuNs.count > 0 ? nsToMs(r.synchronizeRcuNs.quantile(0.5)) : NaN,
        synchronizeRcuMeanMs: r.synchronizeRcuNs.count > 0 ? nsToMs(r.synchronizeRcuNs.mean) : NaN,
        synchronizeRcuP99Ms: r.synchronizeRcuNs.count > 0 ? nsToMs(r.synchronizeRcuNs.quantile(0.99)) : NaN,
        ipiDelayMeanUs: nsToUs(noIpi ? 0 : r.ipiDelayNs.mean),
        ipiDelayP99Us: nsToUs(noIpi ? 0 : r.ipiDelayNs.quantile(0.99)),
        shootdownShare: lat.sum > 0 ? r.shootdownWaitNs.sum / lat.sum : 0,
        tablesAwaitingGpMean: r.tablesAwaitingGpMean,
        tablesAwaitingGpPeak: r.tablesAwaitingGpPeak,
        bytesAwaitingGpMean: r.bytesAwaitingGpMean,
        bytesAwaitingGpPeak: r.bytesAwaitingGpPeak,
        tableFreeRatePerSec: r.tablesQueuedPerSec,
        tableWaitMeanMs: nsToMs(r.tableWaitMeanNs),
        littleTablesPredicted: r.tablesQueuedPerSec * nsToS(r.tableWaitMeanNs),
        gracePeriodMeanMs: nsToMs(r.gracePeriodNs.mean),
        allocFailures: r.allocFailures,
        unsafeFrees: r.unsafeFrees,
        munmaps: r.munmaps,
        // Sample counts behind quantiles (declared with `samples`), not observables.
        ipiDelays: r.ipiDelayNs.count,
        synchronizeRcuCalls: r.synchronizeRcuNs.count,
      },
      detail: options.detail
        ? ({
            munmapLatencyCdfUs: scaled(lat.cdf(), NS_PER_US),
            ipiDelayCdfUs: scaled(r.ipiDelayNs.cdf(), NS_PER_US),
            gracePeriodCdfMs: scaled(r.gracePeriodNs.cdf(), NS_PER_MS),
            series: r.series,
          } satisfies PtFreeDetail)
        : undefined,
    };
  },
  claims: ptFreeClaims,
});
