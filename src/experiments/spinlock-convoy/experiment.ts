/** `spinlock-convoy`: a cache miss under a spinlock and the pile-up behind it (thread 004, Matthew Wilcox). */
import { defineExperiment } from "../experiment";
import { spinlockConvoyClaims } from "./claims";
import { runSpinlockConvoy } from "./model";
import { spinlockConvoyParams } from "./params";
import { perSecond } from "../../sim/time";

/** Chart data of one replication (structured-cloneable). */
export interface SpinlockConvoyDetail {
  waitCdfNs: Array<{ value: number; fraction: number }>;
}

export const spinlockConvoy = defineExperiment({
  id: "spinlock-convoy",
  title: "A cache miss inside a spinlock's critical section, and the convoy it starts",
  thread: "004-speculative-faults-rcu-vs-ipi-2021.txt",
  kernel:
    "Linux 6.6 kernel/locking/qspinlock.c (queued_spin_lock, queued_spin_lock_slowpath: FIFO MCS hand-off) as src/kernel/locking/qspinlock.ts",
  params: spinlockConvoyParams,
  observables: {
    lockWaitP50Ns: {
      unit: "ns",
      description: "Median wait from queued_spin_lock() to ownership (0 when the lock was free).",
      samples: "lockWaits",
    },
    lockWaitP99Ns: { unit: "ns", description: "99th percentile of that wait.", samples: "lockWaits" },
    lockWaitMeanNs: { unit: "ns", description: "Mean wait." },
    acquisitionsPerSec: { unit: "per-s", description: "Acquisitions per simulated second." },
    utilization: { unit: "fraction", description: "Fraction of time the lock is held." },
    spinCpuFraction: { unit: "fraction", description: "Fraction of all CPUs' time burnt spinning on the lock." },
  },
  scenario(p, seed, options) {
    const r = runSpinlockConvoy(p, seed);
    return {
      values: {
        lockWaitP50Ns: r.waitNs.quantile(0.5),
        lockWaitP99Ns: r.waitNs.quantile(0.99),
        lockWaitMeanNs: r.waitNs.mean,
        acquisitionsPerSec: perSecond(r.acquisitions, r.measuredNs),
        utilization: r.heldNs / r.measuredNs,
        spinCpuFraction: r.spinNs / (p.cpus * r.measuredNs),
        lockWaits: r.waitNs.count, // the sample behind the quantiles
      },
      detail: options.detail ? ({ waitCdfNs: r.waitNs.cdf() } satisfies SpinlockConvoyDetail) : undefined,
    };
  },
  claims: spinlockConvoyClaims,
});
