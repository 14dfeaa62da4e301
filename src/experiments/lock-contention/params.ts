/** Parameters of `lock-contention`: the reference model of ../shared/bench. */
import { integer, real } from "../params";

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

export type LockContentionParams = typeof lockContentionParams;
