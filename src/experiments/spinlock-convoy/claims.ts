/**
 * Matthew Wilcox's convoy argument as claims: how much a cache miss inside a spinlock's critical section adds to
 * the wait of everyone queued behind it, compared with the miss itself. Decided by the one rule on per-seed
 * measures (the variants of a seed share their random streams). pile-up and dram-vs-cross-socket share one sweep.
 */
import {
  allOf,
  atLeast,
  below,
  crossover,
  defineClaim,
  observable,
  overCases,
  pairedRatio,
  perSeed,
  type Measure,
} from "../claims/vocabulary";
import type { ResultSet } from "../results";
import { spinlockConvoyParams, type SpinlockConvoyParams } from "./params";

const subject = { params: spinlockConvoyParams };

/** Local DRAM, and a contended line from another socket ("several thousand cycles", about 1 us at 3 GHz). */
const DRAM_NS = 90;
const CROSS_SOCKET_NS = 1000;
/** A miss starts a pile-up when it adds at least this many times its own cost to the wait. */
const PILE_UP_FACTOR = 2;
/** The sweep both pile-up claims read: CPU counts by miss sizes (0 = no miss). */
const CONVOY_CPUS = [2, 4, 8, 12, 16, 24, 32, 48, 64];
const CONVOY_SWEEP = { cpus: CONVOY_CPUS, missNs: [0, DRAM_NS, CROSS_SOCKET_NS] };

type Wait = "lockWaitMeanNs" | "lockWaitP99Ns";

/**
 * (wait with the miss - wait without) / miss, per seed: how many times its own cost the miss adds to the wait.
 * `where` names the point in the label (not needed where the case names it).
 */
function amplification(
  rs: ResultSet<SpinlockConvoyParams>,
  wait: Wait,
  cpus: number,
  missNs: number,
  where = true,
): Measure {
  return perSeed(
    `${wait === "lockWaitMeanNs" ? "mean" : "p99"} wait added / miss${where ? `, cpus=${cpus}, missNs=${missNs}` : ""}`,
    [observable(rs, wait, { cpus, missNs }), observable(rs, wait, { cpus, missNs: 0 })],
    (withMiss, without) => (withMiss - without) / missNs,
  );
}

const pileUp = defineClaim(subject, {
  id: "pile-up",
  who: "Matthew Wilcox",
  values: { missNs: CROSS_SOCKET_NS, highCpus: 16, pileUp: 5, lowCpus: 2, noPileUp: PILE_UP_FACTOR },
  statement: (v) =>
    `A ${v.missNs} ns miss (a contended cross-socket line) inside the critical section raises the mean and the p99 ` +
    `lock wait by at least ${v.pileUp}x the miss itself at ${v.highCpus} CPUs (near saturation), and starts no ` +
    `pile-up at ${v.lowCpus} CPUs (low utilization): both rise by less than ${v.noPileUp}x the miss there.`,
  runs: () => ({ convoy: CONVOY_SWEEP }),
  test: (r, v) =>
    allOf(
      atLeast(amplification(r.convoy, "lockWaitMeanNs", v.highCpus, v.missNs), v.pileUp),
      atLeast(amplification(r.convoy, "lockWaitP99Ns", v.highCpus, v.missNs), v.pileUp),
      below(amplification(r.convoy, "lockWaitMeanNs", v.lowCpus, v.missNs), v.noPileUp),
      below(amplification(r.convoy, "lockWaitP99Ns", v.lowCpus, v.missNs), v.noPileUp),
    ),
  expected: "holds",
  note:
    "Restated on the one rule (issue 20): the old statement bounded the 2-CPU p99 by 1x but its code checked only " +
    "the mean. At 2 CPUs the p99 waiter waits out one whole critical section, so the p99 rises by the miss itself " +
    "(1.01 +- 0.01x on seeds 1-5): against 1x that is decided by noise (fails on seeds 1-5, undecided on the test " +
    "seeds). Both 2-CPU bounds now use the pile-up threshold of dram-vs-cross-socket (2x); the verdict stays holds.",
});

const dramVsCrossSocket = defineClaim(subject, {
  id: "dram-vs-cross-socket",
  who: "Matthew Wilcox ('several thousand cycles') vs DRAM latency (about 90 ns)",
  values: { misses: [DRAM_NS, CROSS_SOCKET_NS], cpus: CONVOY_CPUS, pileUp: PILE_UP_FACTOR },
  statement: (v) =>
    `A miss inside the critical section starts a pile-up (adds at least ${v.pileUp}x its own cost to the mean ` +
    `wait) at every CPU count from ${v.cpus[0]} to ${v.cpus[v.cpus.length - 1]}, for a DRAM miss ` +
    `(${v.misses[0]} ns) and a cross-socket miss (${v.misses[1]} ns); where it depends, the crossover CPU count is ` +
    "located.",
  runs: () => ({ convoy: CONVOY_SWEEP }),
  test: (r, v) =>
    overCases(
      "each miss",
      v.misses,
      (missNs) =>
        crossover("cpus", v.cpus, (cpus) =>
          atLeast(amplification(r.convoy, "lockWaitMeanNs", cpus, missNs, false), v.pileUp),
        ),
      { caseName: (missNs) => `missNs=${missNs}`, caseValues: (missNs) => ({ missNs }) },
    ),
  expected: "depends",
});

const missOutside = defineClaim(subject, {
  id: "miss-outside",
  who: "Matthew Wilcox ('read A, take lock L, then read A')",
  values: { cpus: 16, missNs: CROSS_SOCKET_NS, cut: 2 },
  statement: (v) =>
    `Taking the same ${v.missNs} ns miss before the lock instead of inside it cuts the mean lock wait at ${v.cpus} ` +
    `CPUs by at least ${v.cut}x (paired ratio inside / outside).`,
  runs: (v) => ({ placement: { cpus: v.cpus, missNs: v.missNs, missPlacement: ["inside", "outside"] } }),
  test: (r, v) =>
    atLeast(
      pairedRatio(r.placement, "lockWaitMeanNs", { missPlacement: "inside" }, { missPlacement: "outside" }),
      v.cut,
    ),
  expected: "holds",
});

export const spinlockConvoyClaims = [pileUp, dramVsCrossSocket, missOutside];
