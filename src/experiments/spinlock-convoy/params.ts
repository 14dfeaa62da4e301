/**
 * Parameters of `spinlock-convoy`. Sources: ../shared/reference/mechanisms-notifiers-vma-rcu.md, Argument E, and
 * the thread (Matthew Wilcox, lore:20210429161234.GG1847222@casper.infradead.org).
 */
import { choice, integer, real } from "../params";

const E = "mechanisms-notifiers-vma-rcu.md E";

export const spinlockConvoyParams = {
  cpus: integer({
    unit: "count",
    default: 16,
    min: 1,
    max: 512,
    description: "CPUs taking the lock, each in a loop: work outside, acquire, critical section, release.",
    source: "assumption: the notebook sweeps 2-64",
  }),
  missNs: real({
    unit: "ns",
    default: 1000,
    min: 0,
    max: 1e6,
    description:
      "One cache miss taken in each pass: local DRAM about 90 ns, remote DRAM about 140 ns, a contended line from another socket about 1 us.",
    source: `lore:20210429161234.GG1847222@casper.infradead.org ("several thousand cycles", about 1 us at 3 GHz); ${E}: DRAM local 80-90 ns, remote 130-140 ns [secondary]`,
  }),
  missPlacement: choice({
    choices: ["inside", "outside"] as const,
    default: "inside",
    description:
      "Where the miss is taken: 'inside' the critical section, or 'outside' (read A, take lock L, read A again: the line is already cached under the lock).",
    source: "lore:20210429161234.GG1847222@casper.infradead.org",
  }),
  holdNs: real({
    unit: "ns",
    default: 200,
    min: 1,
    max: 1e9,
    description: "Critical-section time without the miss (constant).",
    source: "assumption",
  }),
  thinkNs: real({
    unit: "ns",
    default: 5000,
    min: 1,
    max: 1e12,
    description: "Mean work between a release and the next acquire (exponential).",
    source: "assumption: 16 CPUs load the lock to about 60% without a miss",
  }),
  handoffNs: real({
    unit: "ns",
    default: 60,
    min: 0,
    max: 1e6,
    description: "Time for the next MCS waiter to see the release (a cache-line transfer within a socket).",
    source: "src/kernel/cpu/cacheline.ts DEFAULT_LINE_COSTS.sameSocketNs; 100-300 ns across sockets [secondary]",
  }),
  durationMs: real({
    unit: "ms",
    default: 20,
    min: 0.01,
    max: 1e6,
    description: "Simulated time measured, after the warm-up.",
    source: "assumption: tens of thousands of acquisitions at the defaults",
  }),
  warmupMs: real({
    unit: "ms",
    default: 1,
    min: 0,
    max: 1e6,
    description: "Simulated time before measuring.",
    source: "assumption",
  }),
};

export type SpinlockConvoyParams = typeof spinlockConvoyParams;
