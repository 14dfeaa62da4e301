/**
 * The thread's claims as checkable propositions, each decided by running the model (on the context's seeds). The
 * published numbers they mention are in data/published/vma-lock.csv.
 */
import type { Claim, ClaimOutcome } from "../experiment";
import type { ResultSet } from "../results";
import { MICHEL_MACHINE, PFT_THREADS, type VmaLockParamSpecs } from "./params";

type Spec = VmaLockParamSpecs;
type Rs = ResultSet<Spec>;
type Match = Parameters<Rs["stat"]>[1];

const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const mean = (rs: Rs, obs: string, m: Match) => rs.stat(obs, m).mean;
const ci = (rs: Rs, obs: string, m: Match) => {
  const s = rs.stat(obs, m);
  return `${f2(s.mean)} ± ${f2(s.ci95)}`;
};

/** Speedups of one scheme at each of Mel's thread counts. */
function curve(rs: Rs, scheme: string): Array<{ threads: number; speedup: number }> {
  return PFT_THREADS.map((threads) => ({
    threads,
    speedup: mean(rs, "speedupVs1Thread", { scheme, threads } as Match),
  }));
}

/** Share of the RCU fault's gain over mmap_lock that per-VMA locks keep. */
function recovered(mmap: number, perVma: number, rcu: number): number {
  return (perVma - mmap) / (rcu - mmap);
}

const mmapLockSaturates: Claim<Spec> = {
  id: "mmap-lock-saturates-early",
  who: "Mel Gorman (pft on 5.17-rc3, SPF v2 review)",
  statement:
    "With every fault on mmap_lock, pft saturates early: by 12 threads the speedup is at least 80% of its peak over 1-80 threads, and from 12 to 80 threads it gains at most 10% (published: 7.9x at 12 threads, 7.9x at 80).",
  expected: "holds",
  async evaluate(ctx): Promise<ClaimOutcome> {
    const rs = await ctx.run({ scheme: "mmap-lock", threads: [...PFT_THREADS] });
    const c = curve(rs, "mmap-lock");
    const peak = Math.max(...c.map((p) => p.speedup));
    const s12 = c.find((p) => p.threads === 12)!.speedup;
    const s80 = c.find((p) => p.threads === 80)!.speedup;
    const ok = s12 >= 0.8 * peak && s80 <= 1.1 * s12;
    return {
      verdict: ok ? "holds" : "fails",
      detail: `speedup ${c.map((p) => `${p.threads}:${f2(p.speedup)}`).join(", ")}; at 12 threads ${pct(s12 / peak)} of the peak ${f2(peak)}; 12 -> 80 threads x${f2(s80 / s12)}`,
      evidence: rs.rows,
    };
  },
};

const mmapLockDegrades: Claim<Spec> = {
  id: "mmap-lock-degrades-past-saturation",
  who: "issue 8's reading of Mel Gorman's pft table",
  statement:
    "Past saturation mmap-lock gets slower as threads are added: at 80 threads its faults/s is at least 3% below its best thread count in 12-48, with the paired 95% CI of the drop above zero (published elapsed: 4.13 s at 12, 3.93 s at 21, 4.37 s at 48, 4.12 s at 80).",
  expected: "fails",
  async evaluate(ctx): Promise<ClaimOutcome> {
    const rs = await ctx.run({ scheme: "mmap-lock", threads: [12, 21, 48, 80] });
    const best = [12, 21, 48].reduce((b, t) =>
      mean(rs, "faultsPerSec", { threads: t } as Match) > mean(rs, "faultsPerSec", { threads: b } as Match) ? t : b,
    );
    const d = rs.difference("faultsPerSec", { threads: best } as Match, { threads: 80 } as Match);
    const base = mean(rs, "faultsPerSec", { threads: best } as Match);
    const drop = d.mean / base;
    const ok = drop >= 0.03 && d.mean - d.ci95 > 0;
    return {
      verdict: ok ? "holds" : "fails",
      detail: `80 threads vs the best (${best} threads): drop ${pct(drop)} (paired CI ± ${pct(d.ci95 / base)}); the model's plateau is flat: mmap_lock's line serves the same two atomics per fault whatever the number of waiters, and Mel's own 80-thread time equals his 12-thread time`,
      evidence: rs.rows,
    };
  },
};

const rcuKeepsScaling: Claim<Spec> = {
  id: "rcu-fault-keeps-scaling",
  who: "Matthew Wilcox (the whole fault under RCU); Mel Gorman's SPF numbers",
  statement:
    "The fault under RCU keeps scaling past mmap_lock's plateau: its speedup at 80 threads is at least 1.2x its speedup at 12, and at 80 threads it completes at least 1.5x mmap-lock's faults/s (published SPF v2: 9.4x at 12, 15.3x at 80; 1.93x the baseline at 80).",
  expected: "holds",
  async evaluate(ctx): Promise<ClaimOutcome> {
    const rs = await ctx.run({ scheme: ["mmap-lock", "rcu-fault"], threads: [...PFT_THREADS] });
    const rc = curve(rs, "rcu-fault");
    const s12 = rc.find((p) => p.threads === 12)!.speedup;
    const s80 = rc.find((p) => p.threads === 80)!.speedup;
    const ratio =
      mean(rs, "faultsPerSec", { scheme: "rcu-fault", threads: 80 }) /
      mean(rs, "faultsPerSec", { scheme: "mmap-lock", threads: 80 });
    const ok = s80 >= 1.2 * s12 && ratio >= 1.5;
    return {
      verdict: ok ? "holds" : "fails",
      detail: `rcu-fault speedup ${rc.map((p) => `${p.threads}:${f2(p.speedup)}`).join(", ")}; 12 -> 80 threads x${f2(s80 / s12)}; at 80 threads ${f2(ratio)}x mmap-lock's faults/s. The model's knee is sharper than Mel's (it has one shared limit, the per-node lru_lock)`,
      evidence: rs.rows,
    };
  },
};

const perVmaRecovers: Claim<Spec> = {
  id: "per-vma-recovers-75pct",
  who: "Suren Baghdasaryan (per-VMA lock cover letters: ~75% of SPF's benefit)",
  statement:
    "At 48 threads per-VMA locks keep at least 75% of the RCU fault's gain over mmap_lock: (per-vma - mmap-lock) / (rcu-fault - mmap-lock) >= 0.75 in faults/s, whatever the VMA layout.",
  expected: "depends",
  async evaluate(ctx): Promise<ClaimOutcome> {
    const threads = 48;
    const sharing = [1, 4, 12, 16, 24, 48];
    const ends = await ctx.run({ scheme: ["mmap-lock", "rcu-fault"], layout: "per-thread-vma", threads });
    const pv = await ctx.run({ scheme: "per-vma", layout: "shared-vmas", threadsPerVma: sharing, threads });
    const mm = mean(ends, "faultsPerSec", { scheme: "mmap-lock" });
    const rcu = mean(ends, "faultsPerSec", { scheme: "rcu-fault" });
    const rows = sharing.map((k) => ({
      threadsPerVma: k,
      hotVmas: Math.ceil(threads / k),
      recovered: recovered(mm, mean(pv, "faultsPerSec", { threadsPerVma: k }), rcu),
    }));
    const good = rows.filter((r) => r.recovered >= 0.75);
    const verdict = good.length === rows.length ? "holds" : good.length === 0 ? "fails" : "depends";
    const fewest = good.length > 0 ? Math.min(...good.map((r) => r.hotVmas)) : NaN;
    const worst = rows.filter((r) => r.recovered < 0.75);
    return {
      verdict,
      detail:
        `recovered share by VMAs the 48 threads fault in: ${rows.map((r) => `${r.hotVmas} VMA(s): ${pct(r.recovered)}`).join(", ")}. ` +
        (verdict === "depends"
          ? `Crossover: >= 75% from ${fewest} hot VMAs up (the faults spread over enough VMA lock lines), below it with ${worst.map((r) => r.hotVmas).join(", ")}; one VMA is Peter Zijlstra's case.`
          : ""),
      evidence: [...ends.rows, ...pv.rows],
    };
  },
};

const oneHugeVma: Claim<Spec> = {
  id: "one-huge-vma",
  who: "Peter Zijlstra (per-VMA locks do nothing for one very large VMA)",
  statement:
    "With all 48 threads faulting in one huge VMA, per-VMA locks gain at most 10% faults/s over mmap_lock, while the fault under RCU gains at least 50%.",
  expected: "holds",
  async evaluate(ctx): Promise<ClaimOutcome> {
    const rs = await ctx.run({ scheme: ["mmap-lock", "per-vma", "rcu-fault"], layout: "one-huge-vma", threads: 48 });
    const mm = mean(rs, "faultsPerSec", { scheme: "mmap-lock" });
    const gPv = mean(rs, "faultsPerSec", { scheme: "per-vma" }) / mm - 1;
    const gRcu = mean(rs, "faultsPerSec", { scheme: "rcu-fault" }) / mm - 1;
    const ok = gPv <= 0.1 && gRcu >= 0.5;
    return {
      verdict: ok ? "holds" : "fails",
      detail: `one VMA, 48 threads: per-vma ${gPv >= 0 ? "+" : ""}${pct(gPv)}, rcu-fault +${pct(gRcu)} over mmap-lock (speedups: mmap-lock ${ci(rs, "speedupVs1Thread", { scheme: "mmap-lock" })}, per-vma ${ci(rs, "speedupVs1Thread", { scheme: "per-vma" })}, rcu-fault ${ci(rs, "speedupVs1Thread", { scheme: "rcu-fault" })}): the VMA lock's line is as hot as mmap_lock's`,
      evidence: rs.rows,
    };
  },
};

const michelOneAtomic: Claim<Spec> = {
  id: "michel-one-atomic",
  who: "Michel Lespinasse (SPF RFC: one atomic per VMA costs 62% at 48 threads)",
  statement:
    "On Michel's 24-core/48-thread machine (two costs recalibrated to his SPF 24x and 3.7x-the-baseline figures), one atomic per fault on a VMA all threads share costs at least 30% of the RCU fault's throughput at 48 threads, and the published 62% lies between the model's loss with one atomic and with a get/put pair.",
  expected: "holds",
  async evaluate(ctx): Promise<ClaimOutcome> {
    const rs = await ctx.run({
      ...MICHEL_MACHINE,
      layout: "one-huge-vma",
      threads: 48,
      scheme: ["mmap-lock", "rcu-fault", "rcu-fault-vma-atomic"],
      vmaAtomics: [1, 2],
    });
    const spf = mean(rs, "faultsPerSec", { scheme: "rcu-fault", vmaAtomics: 1 });
    const loss1 = 1 - mean(rs, "faultsPerSec", { scheme: "rcu-fault-vma-atomic", vmaAtomics: 1 }) / spf;
    const loss2 = 1 - mean(rs, "faultsPerSec", { scheme: "rcu-fault-vma-atomic", vmaAtomics: 2 }) / spf;
    const vsBase = spf / mean(rs, "faultsPerSec", { scheme: "mmap-lock", vmaAtomics: 1 });
    const ok = loss1 >= 0.3 && loss1 <= 0.62 && 0.62 <= loss2;
    return {
      verdict: ok ? "holds" : "fails",
      detail: `loss at 48 threads: ${pct(loss1)} with one atomic, ${pct(loss2)} with a get/put pair (published 62%); calibration check: SPF speedup ${ci(rs, "speedupVs1Thread", { scheme: "rcu-fault", vmaAtomics: 1 })} (published 24), ${f2(vsBase)}x the baseline (published 3.7)`,
      evidence: rs.rows,
    };
  },
};

const gainsNeedWriters: Claim<Spec> = {
  id: "gains-need-writers",
  who: "Mel Gorman (SPF v2: gains need programs that both fault and change their address space heavily)",
  statement:
    "Without address-space changes, per-VMA locks gain less than 10% faults/s over mmap_lock (threads in their own VMAs, 1 to 48 threads).",
  expected: "depends",
  async evaluate(ctx): Promise<ClaimOutcome> {
    const counts = [1, 2, 4, 8, 12, 48];
    const rs = await ctx.run({ scheme: ["mmap-lock", "per-vma"], threads: counts, writerRatePerSec: 0 });
    const rows = counts.map((t) => {
      const d = rs.difference("faultsPerSec", { scheme: "per-vma", threads: t }, { scheme: "mmap-lock", threads: t });
      const base = mean(rs, "faultsPerSec", { scheme: "mmap-lock", threads: t });
      return { threads: t, gain: d.mean / base, ci: d.ci95 / base };
    });
    const small = rows.filter((r) => r.gain < 0.1);
    const verdict = small.length === rows.length ? "holds" : small.length === 0 ? "fails" : "depends";
    const cross = rows.find((r) => r.gain >= 0.1);
    return {
      verdict,
      detail:
        `gain of per-vma over mmap-lock with no writers: ${rows.map((r) => `${r.threads} threads ${pct(r.gain)} ± ${pct(r.ci)}`).join(", ")}` +
        (verdict === "depends" && cross
          ? `. Crossover: from ${cross.threads} threads the gain passes 10% with no writer at all (mmap_lock's line alone)`
          : ""),
      evidence: rs.rows,
    };
  },
};

const WRITER_RATES = [0, 10_000, 30_000, 60_000, 100_000, 150_000];

const writersRcuVsPerVma: Claim<Spec> = {
  id: "writers-mm-seq-vs-per-vma",
  who: "Matthew Wilcox on Michel's alternative (which wins depends on the mmap rate)",
  statement:
    "At 48 threads in their own VMAs, the fault under RCU with Michel's mm-wide sequence is within 5% of per-VMA locks at low writer rates and falls more than 5% behind above some writer rate (swept 0-150k changes/s at 5 us each).",
  expected: "depends",
  async evaluate(ctx): Promise<ClaimOutcome> {
    const rs = await ctx.run({
      scheme: ["per-vma", "rcu-fault"],
      seqScope: "mm",
      threads: 48,
      writerRatePerSec: WRITER_RATES,
    });
    const rows = WRITER_RATES.map((w) => {
      const pv = mean(rs, "faultsPerSec", { scheme: "per-vma", writerRatePerSec: w });
      const rcu = mean(rs, "faultsPerSec", { scheme: "rcu-fault", writerRatePerSec: w });
      return {
        w,
        behind: 1 - rcu / pv,
        retry: mean(rs, "retryRate", { scheme: "rcu-fault", writerRatePerSec: w }),
        fallback: mean(rs, "fallbackRate", { scheme: "per-vma", writerRatePerSec: w }),
      };
    });
    const firstBehind = rows.find((r) => r.behind > 0.05);
    const lowTied = Math.abs(rows[0].behind) <= 0.05;
    const verdict = lowTied && firstBehind ? "depends" : lowTied ? "fails" : "holds";
    return {
      verdict,
      detail:
        rows
          .map(
            (r) =>
              `${r.w}/s: rcu-fault ${pct(-r.behind)} vs per-vma (retry ${pct(r.retry)}, per-vma fallback ${pct(r.fallback)})`,
          )
          .join("; ") +
        (firstBehind ? `. Crossover: per-vma leads by more than 5% from ${firstBehind.w} changes/s` : ""),
      evidence: rs.rows,
    };
  },
};

const perVmaLosesAdvantage: Claim<Spec> = {
  id: "per-vma-loses-advantage-with-writers",
  who: "issue 8 (skeptics: the gain needs address-space changes to be rare)",
  statement:
    "As writers grow (0-150k changes/s at 5 us each, 48 threads in their own VMAs, each change write-locking one VMA), per-VMA locks lose their advantage: at some swept rate per-vma completes less than 1.1x mmap-lock's faults/s.",
  expected: "fails",
  async evaluate(ctx): Promise<ClaimOutcome> {
    const rs = await ctx.run({ scheme: ["mmap-lock", "per-vma"], threads: 48, writerRatePerSec: WRITER_RATES });
    const rows = WRITER_RATES.map((w) => ({
      w,
      ratio:
        mean(rs, "faultsPerSec", { scheme: "per-vma", writerRatePerSec: w }) /
        mean(rs, "faultsPerSec", { scheme: "mmap-lock", writerRatePerSec: w }),
      fallback: mean(rs, "fallbackRate", { scheme: "per-vma", writerRatePerSec: w }),
      p99Pv: mean(rs, "writerLatencyP99Us", { scheme: "per-vma", writerRatePerSec: w }),
      p99Mm: mean(rs, "writerLatencyP99Us", { scheme: "mmap-lock", writerRatePerSec: w }),
    }));
    const lost = rows.find((r) => r.ratio < 1.1);
    return {
      verdict: lost ? "holds" : "fails",
      detail:
        rows
          .map(
            (r) =>
              `${r.w}/s: x${f2(r.ratio)}, fallback ${pct(r.fallback)}, writer p99 ${f1(r.p99Pv)} us (mmap-lock ${f1(r.p99Mm)} us)`,
          )
          .join("; ") +
        (lost
          ? `. Advantage below 1.1x from ${lost.w}/s`
          : ". No crossover in the swept range: writers stall every mmap-lock fault but only the faults in the VMAs they touch, so the advantage grows; the writers pay instead (they wait for the faults inside the VMAs they lock)"),
      evidence: rs.rows,
    };
  },
};

export const vmaLockClaims: Array<Claim<Spec>> = [
  mmapLockSaturates,
  mmapLockDegrades,
  rcuKeepsScaling,
  perVmaRecovers,
  oneHugeVma,
  michelOneAtomic,
  gainsNeedWriters,
  writersRcuVsPerVma,
  perVmaLosesAdvantage,
];
