/** `lock-contention`: the engine's own check and benchmark model, with its closed-form answer beside it. */
import { defineExperiment } from "../experiment";
import { lockContentionClaims } from "./claims";
import { finiteSourceMeanWaitNs, runLockModel } from "./model";
import { lockContentionParams } from "./params";
import { nsToS, perSecond } from "../../sim/time";

export { lockContentionParams, type LockContentionParams } from "./params";

export interface LockContentionDetail {
  cdf: Array<{ value: number; fraction: number }>;
}

export const lockContention = defineExperiment({
  id: "lock-contention",
  title: "K threads, one FIFO mutex: the finite-source queue",
  thread: "../shared/bench/README.md",
  kernel: "none: the engine's reference model (a generic FIFO mutex)",
  params: lockContentionParams,
  observables: {
    meanWaitNs: { unit: "ns", description: "Mean wait from acquire to ownership." },
    waitP99Ns: {
      unit: "ns",
      description: "99th percentile of the wait (streaming histogram, within 0.4%).",
      samples: "waits",
    },
    throughput: { unit: "per-s", description: "Acquisitions per simulated second." },
    utilization: { unit: "fraction", description: "Fraction of simulated time the mutex is held." },
    exactMeanWaitNs: { unit: "ns", description: "Closed-form mean wait of the finite-source M/M/1 queue (no noise)." },
  },
  scenario(p, seed, options) {
    const r = runLockModel(p, seed);
    const exact = finiteSourceMeanWaitNs(p.threads, p.thinkNs, p.holdNs);
    const throughput = perSecond(r.acquisitions, r.simNs);
    return {
      values: {
        meanWaitNs: r.meanWaitNs,
        waitP99Ns: r.wait.quantile(0.99),
        throughput,
        utilization: throughput * nsToS(p.holdNs),
        exactMeanWaitNs: exact.meanWaitNs,
        waits: r.wait.count,
      },
      detail: options.detail ? ({ cdf: r.wait.cdf() } satisfies LockContentionDetail) : undefined,
    };
  },
  claims: lockContentionClaims,
});
