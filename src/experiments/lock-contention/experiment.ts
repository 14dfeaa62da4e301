/** `lock-contention`: the engine's own check and benchmark model, with its closed-form answer beside it. */
import { defineExperiment } from "../experiment";
import { integer, real } from "../params";
import { finiteSourceMeanWaitNs, runLockModel } from "./model";

export const lockContentionParams = {
  threads: integer({
    unit: "count",
    default: 8,
    min: 1,
    max: 4096,
    description: "Threads contending for the mutex (K).",
    source: "../shared/bench/README.md",
  }),
  thinkNs: real({
    unit: "ns",
    default: 1000,
    min: 1,
    max: 1e12,
    description: "Mean think time between releases and the next acquire, exponential.",
    source: "../shared/bench/README.md",
  }),
  holdNs: real({
    unit: "ns",
    default: 100,
    min: 1,
    max: 1e12,
    description: "Mean hold time, exponential.",
    source: "../shared/bench/README.md",
  }),
  acquisitions: integer({
    unit: "count",
    default: 200_000,
    min: 1,
    max: 1e9,
    description: "Acquisitions simulated per replication.",
    source: "assumption: enough for a CI of about 1% of the mean wait",
  }),
};

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
    waitP99Ns: { unit: "ns", description: "99th percentile of the wait (streaming histogram, within 0.4%)." },
    throughput: { unit: "per-s", description: "Acquisitions per simulated second." },
    utilization: { unit: "fraction", description: "Fraction of simulated time the mutex is held." },
    exactMeanWaitNs: { unit: "ns", description: "Closed-form mean wait of the finite-source M/M/1 queue (no noise)." },
  },
  scenario(p, seed, options) {
    const r = runLockModel(p, seed);
    const exact = finiteSourceMeanWaitNs(p.threads, p.thinkNs, p.holdNs);
    const throughput = (r.acquisitions * 1e9) / r.simNs;
    return {
      values: {
        meanWaitNs: r.meanWaitNs,
        waitP99Ns: r.wait.quantile(0.99),
        throughput,
        utilization: (throughput * p.holdNs) / 1e9,
        exactMeanWaitNs: exact.meanWaitNs,
      },
      detail: options.detail ? ({ cdf: r.wait.cdf() } satisfies LockContentionDetail) : undefined,
    };
  },
  claims: [
    {
      id: "matches-closed-form",
      who: "queueing theory (finite-source M/M/1)",
      statement:
        "The simulated mean wait agrees with the closed form at every sweep point: within 3 half-widths of its 95% CI " +
        "everywhere, and within one half-width at two thirds of the points or more (95% expected).",
      expected: "holds",
      async evaluate(ctx) {
        const rs = await ctx.run({ threads: [2, 8, 32], holdNs: [100, 400] });
        const off = rs.rows.map(
          (r) => Math.abs((r.meanWaitNs as number) - (r.exactMeanWaitNs as number)) / (r.meanWaitNsCi95 as number),
        );
        const within1 = off.filter((x) => x <= 1).length;
        const within3 = off.filter((x) => x <= 3).length;
        const ok = within3 === off.length && within1 >= (2 * off.length) / 3;
        return {
          verdict: ok ? "holds" : "fails",
          detail: `${within1}/${off.length} points within one CI half-width of the exact mean wait, ${within3}/${off.length} within three`,
          evidence: rs.rows,
        };
      },
    },
  ],
});
