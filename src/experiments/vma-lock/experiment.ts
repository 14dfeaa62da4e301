/**
 * `vma-lock` (issue 8): mmap_lock vs per-VMA locks vs the whole fault under RCU, on a pft-like fault load over the
 * maple tree. Thread: ../shared/seeds/003-maple-tree-mmap-lock-scalability-2022.txt.
 */
import { defineExperiment } from "../experiment";
import type { ParamValues } from "../params";
import { vmaLockParams, vmaLockRules, type VmaLockParamSpecs } from "./params";
import { runPft, type PftResult } from "./model";
import { pftElapsedOverMoves } from "./pft-timeline";
import { vmaLockClaims } from "./claims";
import { NS_PER_US, nsToUs } from "../../sim/time";

/** Chart data of one replication (structured-cloneable). */
export interface VmaLockDetail {
  /** CDF of the writers' latency, us. */
  writerLatencyCdfUs: Array<{ value: number; fraction: number }>;
  /** CDF of the faults' latency, ns. */
  faultLatencyCdfNs: Array<{ value: number; fraction: number }>;
  /** Completed faults by path. */
  outcomes: {
    mmapLock: number;
    vmaLock: number;
    vmaLockFallback: number;
    speculative: number;
    speculativeRetry: number;
  };
  /** The 1-thread reference rate used for speedupVs1Thread. */
  referenceFaultsPerSec: number;
}

function cdf(h: PftResult["faultLatencyNs"], scale: number): Array<{ value: number; fraction: number }> {
  return h.count === 0 ? [] : h.cdf().map((pt) => ({ value: pt.value * scale, fraction: pt.fraction }));
}

export function pftParams(p: ParamValues<VmaLockParamSpecs>, threads = p.threads) {
  return { ...p, threads };
}

export const vmaLock = defineExperiment({
  id: "vma-lock",
  title: "mmap_lock vs per-VMA locks vs the whole fault under RCU: page-fault scalability over the maple tree",
  thread: "003-maple-tree-mmap-lock-scalability-2022.txt",
  kernel:
    "Linux 6.4 per-VMA locks (include/linux/mm.h vma_start_read/vma_start_write, include/linux/mmap_lock.h vma_end_write_all/mmap_write_unlock, mm/memory.c lock_vma_under_rcu, arch/x86/mm/fault.c do_user_addr_fault, lib/maple_tree.c mas_walk/mas_store, mm/swap.c folio_add_lru, mm/page_alloc.c rmqueue_pcplist/rmqueue_bulk); kernel/locking/rwsem.c for mmap_lock; kernel/sched/fair.c 5.11-5.17 find_idlest_group/calculate_imbalance for placement numa-5.17; Michel Lespinasse's SPF v2 mmap_seq for rcu-fault (from memory)",
  params: vmaLockParams,
  rules: vmaLockRules,
  observables: {
    faultsPerSec: { unit: "per-s", description: "Faults completed per simulated second, all threads." },
    speedupVs1Thread: {
      unit: "fraction",
      description:
        "faultsPerSec over the same scheme, layout and writers with 1 thread, run inside the replication on the same seed.",
    },
    fallbackRate: {
      unit: "fraction",
      description:
        "Faults done under mmap_lock because the fast path failed (VMA write-locked, or a sequence changed), over all faults; 0 for mmap-lock, which has no fast path.",
    },
    retryRate: {
      unit: "fraction",
      description:
        "Speculative (rcu-fault) attempts aborted because a sequence changed or was odd, over all faults; 0 for the locking schemes.",
    },
    writerLatencyP99Us: {
      unit: "us",
      description:
        "99th percentile of a change's latency, arrival to mmap_write_unlock (streaming histogram); 0 when no change ran.",
      samples: "writerOps",
    },
    elapsedS: {
      unit: "s",
      description:
        "pft's elapsed (wall) time, comparable to Mel's table: every thread faults pftFaults / threads pages and pft times the last one to finish (pft.c: bytes_per_test = bytes / nr_tests; WallTime = last wall_end - first wall_start), so (pftFaults / threads) / the slowest kind of thread's rate (threads on one socket with the same SMT sharing are alike). Under placement numa-5.17 with numaMoveIntervalMs > 0, each thread's progress is followed through the balancer's moves (src/experiments/vma-lock/pft-timeline.ts).",
    },
    elapsedAggregateS: {
      unit: "s",
      description:
        "pftFaults / faultsPerSec: the elapsed time if all threads finished together (what elapsedS was before pft's wall-time rule).",
    },
    writerLatencyMeanUs: { unit: "us", description: "Mean latency of a change; 0 when none ran." },
    writerOpsPerSec: {
      unit: "per-s",
      description:
        "Changes that arrived after the warm-up and completed; below writerRatePerSec when the writers' queue grows (then their latency depends on durationMs).",
    },
    faultLatencyP99Us: { unit: "us", description: "99th percentile of one fault's latency.", samples: "faultSamples" },
    mmapLockLineUtilization: {
      unit: "fraction",
      description: "Share of time mmap_lock's cache line was busy serving atomics.",
    },
    mmapLockTransfersPerFault: { unit: "count", description: "Transfers of mmap_lock's line per fault." },
    cmpxchgRetriesPerFault: {
      unit: "count",
      description:
        "Failed cmpxchg attempts per fault on the fault path's lock lines (mmap_lock's and the VMA locks'): down_read_trylock's try_cmpxchg finding the count changed since its read (0 under lineModel 'fixed', where a cmpxchg cannot fail).",
    },
    lineQueueMeanNs: {
      unit: "ns",
      description:
        "Mean time a request to those lines waited for the requests ahead of it before its own transfer began (queued misses; under 'fixed', atomics that waited for the previous atomic).",
    },
  },
  scenario(p, seed, options) {
    const r = runPft(p, seed);
    const ref = p.threads === 1 ? r : runPft(pftParams(p, 1), seed);
    const detail: VmaLockDetail | undefined = options.detail
      ? {
          writerLatencyCdfUs: cdf(r.writerLatencyNs, 1 / NS_PER_US),
          faultLatencyCdfNs: cdf(r.faultLatencyNs, 1),
          outcomes: {
            mmapLock: r.outcomes[0],
            vmaLock: r.outcomes[1],
            vmaLockFallback: r.outcomes[2],
            speculative: r.outcomes[3],
            speculativeRetry: r.outcomes[4],
          },
          referenceFaultsPerSec: ref.faultsPerSec,
        }
      : undefined;
    const wrote = r.writerLatencyNs.count > 0;
    return {
      values: {
        faultsPerSec: r.faultsPerSec,
        speedupVs1Thread: r.faultsPerSec / ref.faultsPerSec,
        fallbackRate: r.fallbackRate,
        retryRate: r.retryRate,
        writerLatencyP99Us: wrote ? nsToUs(r.writerLatencyNs.quantile(0.99)) : 0,
        elapsedS:
          p.placement === "numa-5.17" && p.numaMoveIntervalMs > 0 && p.threads > 1
            ? pftElapsedOverMoves(p, seed, p.pftFaults).elapsedS
            : p.pftFaults / p.threads / r.slowestThreadFaultsPerSec,
        elapsedAggregateS: p.pftFaults / r.faultsPerSec,
        writerLatencyMeanUs: wrote ? nsToUs(r.writerLatencyNs.mean) : 0,
        writerOpsPerSec: r.writerOpsPerSec,
        faultLatencyP99Us: nsToUs(r.faultLatencyNs.quantile(0.99)),
        mmapLockLineUtilization: r.mmapLockLineUtilization,
        mmapLockTransfersPerFault: r.mmapLockTransfersPerFault,
        cmpxchgRetriesPerFault: r.cmpxchgRetriesPerFault,
        lineQueueMeanNs: r.lineQueueMeanNs,
        // Sample counts behind the quantiles (declared with `samples`), not observables.
        writerOps: r.writerLatencyNs.count,
        faultSamples: r.faultLatencyNs.count,
      },
      detail,
    };
  },
  claims: vmaLockClaims,
});
