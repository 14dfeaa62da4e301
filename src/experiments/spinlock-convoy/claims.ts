/**
 * Matthew Wilcox's convoy argument as claims: how much a cache miss inside a spinlock's critical section adds to
 * the wait of everyone queued behind it, compared with the miss itself.
 */
import type { Claim, ClaimOutcome } from "../experiment";
import type { ResultSet } from "../results";
import { fmt, largerBy, meanOf } from "../pt-free/compare";
import type { SpinlockConvoyParams } from "./params";

type R = ResultSet<SpinlockConvoyParams>;

/** (wait with the miss - wait without) / miss: how many times its own cost a miss adds to the wait. */
function amplification(rs: R, obs: string, cpus: number, missNs: number): number {
  return (meanOf(rs, obs, { cpus, missNs }) - meanOf(rs, obs, { cpus, missNs: 0 })) / missNs;
}

const DRAM_NS = 90;
const CROSS_SOCKET_NS = 1000;

const pileUp: Claim<SpinlockConvoyParams> = {
  id: "pile-up",
  who: "Matthew Wilcox",
  statement:
    "A 1 us miss (contended cross-socket line) inside the critical section raises the mean and the p99 lock wait by at least 5x the miss itself " +
    "at 16 CPUs (near saturation), but by less than 1x at 2 CPUs (low utilization).",
  expected: "holds",
  async evaluate(ctx): Promise<ClaimOutcome> {
    const rs = await ctx.run({ cpus: [2, 16], missNs: [0, CROSS_SOCKET_NS] });
    const amp = (obs: string, c: number) => amplification(rs, obs, c, CROSS_SOCKET_NS);
    const high = amp("lockWaitMeanNs", 16) >= 5 && amp("lockWaitP99Ns", 16) >= 5;
    const low = amp("lockWaitMeanNs", 2) < 1;
    const u = (c: number, m: number) => fmt(meanOf(rs, "utilization", { cpus: c, missNs: m }));
    return {
      verdict: high && low ? "holds" : "fails",
      detail:
        `16 CPUs (utilization ${u(16, 0)} -> ${u(16, CROSS_SOCKET_NS)}): the miss adds x${fmt(amp("lockWaitMeanNs", 16))} its cost to the mean wait, ` +
        `x${fmt(amp("lockWaitP99Ns", 16))} to the p99; 2 CPUs (utilization ${u(2, 0)} -> ${u(2, CROSS_SOCKET_NS)}): x${fmt(amp("lockWaitMeanNs", 2))} to the mean`,
      evidence: rs.rows,
    };
  },
};

const ONSET_CPUS = [2, 4, 8, 12, 16, 24, 32, 48, 64];

const dramVsCrossSocket: Claim<SpinlockConvoyParams> = {
  id: "dram-vs-cross-socket",
  who: "Matthew Wilcox ('several thousand cycles') vs DRAM latency (about 90 ns)",
  statement:
    "Whether a miss starts a pile-up (adds at least 2x its own cost to the mean wait) depends on the CPU count: the onset is reported for a DRAM miss " +
    "(90 ns) and a cross-socket miss (1 us) over 2-64 CPUs, with the lock utilization there.",
  expected: "depends",
  async evaluate(ctx): Promise<ClaimOutcome> {
    const rs = await ctx.run({ cpus: ONSET_CPUS, missNs: [0, DRAM_NS, CROSS_SOCKET_NS] });
    const onset = (miss: number) => ONSET_CPUS.find((c) => amplification(rs, "lockWaitMeanNs", c, miss) >= 2);
    const parts = [DRAM_NS, CROSS_SOCKET_NS].map((miss) => {
      const c = onset(miss);
      const curve = ONSET_CPUS.map((k) => `${k}:x${fmt(amplification(rs, "lockWaitMeanNs", k, miss), 2)}`).join(" ");
      return c === undefined
        ? `${miss} ns miss: no pile-up up to ${ONSET_CPUS[ONSET_CPUS.length - 1]} CPUs (${curve})`
        : `${miss} ns miss: pile-up from ${c} CPUs, utilization ${fmt(meanOf(rs, "utilization", { cpus: c, missNs: 0 }))} without the miss -> ` +
            `${fmt(meanOf(rs, "utilization", { cpus: c, missNs: miss }))} with it (${curve})`;
    });
    const onsets = [onset(DRAM_NS), onset(CROSS_SOCKET_NS)];
    const everywhere = onsets.every((c) => c === ONSET_CPUS[0]);
    const nowhere = onsets.every((c) => c === undefined);
    return {
      verdict: everywhere ? "holds" : nowhere ? "fails" : "depends",
      detail: parts.join("; "),
      evidence: rs.rows,
    };
  },
};

const missOutside: Claim<SpinlockConvoyParams> = {
  id: "miss-outside",
  who: "Matthew Wilcox ('read A, take lock L, then read A')",
  statement:
    "Taking the same 1 us miss before the lock instead of inside it cuts the mean lock wait at 16 CPUs by at least half (paired CI excluding 0).",
  expected: "holds",
  async evaluate(ctx): Promise<ClaimOutcome> {
    const rs = await ctx.run({ cpus: 16, missNs: CROSS_SOCKET_NS, missPlacement: ["inside", "outside"] });
    const c = largerBy(rs, "lockWaitMeanNs", { missPlacement: "inside" }, { missPlacement: "outside" }, 2);
    return {
      verdict: c.ok ? "holds" : "fails",
      detail:
        `mean wait inside vs outside (ns): ${c.text}; throughput ${fmt(meanOf(rs, "acquisitionsPerSec", { missPlacement: "inside" }))} vs ` +
        `${fmt(meanOf(rs, "acquisitionsPerSec", { missPlacement: "outside" }))} per s`,
      evidence: rs.rows,
    };
  },
};

export const spinlockConvoyClaims: Array<Claim<SpinlockConvoyParams>> = [pileUp, dramVsCrossSocket, missOutside];
