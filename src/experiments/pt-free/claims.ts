/**
 * The claims of thread 004 about freeing page tables, each decided from runs on the context's seeds. Thresholds
 * are in the statements; the decisions compare means, CIs and paired differences (all configs share random streams).
 */
import type { Claim, ClaimOutcome } from "../experiment";
import { fmt, largerBy, meanOf, within } from "./compare";
import type { PtFreeParams } from "./params";

const SHORT = { durationMs: 100, warmupMs: 20 };

const growsWithCpusAndIrqOff: Claim<PtFreeParams> = {
  id: "ipi-grows-rcu-flat",
  who: "Matthew Wilcox (the case for freeing page tables under RCU)",
  statement:
    "Under 'ipi', munmap p99 grows with the CPUs in the mm (4 -> 64 CPUs: at least x2, paired CI excluding 0) and with the walkers' " +
    "interrupts-off length (irqOffNs 1 -> 20 us at 16 CPUs: at least x1.2); under 'rcu' (broadcast flush) p99 moves by less than 5% over the same sweeps.",
  expected: "holds",
  async evaluate(ctx): Promise<ClaimOutcome> {
    const byCpus = await ctx.run({ ...SHORT, config: ["ipi", "rcu"], cpus: [4, 64] });
    const byIrq = await ctx.run({ ...SHORT, config: ["ipi", "rcu"], irqOffNs: [1000, 20000] });
    // Native x86 (rcuTlbFlush 'ipi'): RCU table freeing with the flush still IPIing; shown beside, not deciding.
    const x86Cpus = await ctx.run({ ...SHORT, config: "rcu", rcuTlbFlush: "ipi", cpus: [4, 64] });
    const x86Irq = await ctx.run({ ...SHORT, config: "rcu", rcuTlbFlush: "ipi", irqOffNs: [1000, 20000] });
    const o = "munmapLatencyP99Us";
    const ipiCpus = largerBy(byCpus, o, { config: "ipi", cpus: 64 }, { config: "ipi", cpus: 4 }, 2);
    const ipiIrq = largerBy(byIrq, o, { config: "ipi", irqOffNs: 20000 }, { config: "ipi", irqOffNs: 1000 }, 1.2);
    const rcuCpus = within(byCpus, o, { config: "rcu", cpus: 64 }, { config: "rcu", cpus: 4 }, 0.05);
    const rcuIrq = within(byIrq, o, { config: "rcu", irqOffNs: 20000 }, { config: "rcu", irqOffNs: 1000 }, 0.05);
    const x86CpusText = within(x86Cpus, o, { cpus: 64 }, { cpus: 4 }, 0.05).text;
    const x86IrqText = within(x86Irq, o, { irqOffNs: 20000 }, { irqOffNs: 1000 }, 0.05).text;
    const ok = ipiCpus.ok && ipiIrq.ok && rcuCpus.ok && rcuIrq.ok;
    return {
      verdict: ok ? "holds" : "fails",
      detail:
        `munmap p99 (us), ipi 64 vs 4 CPUs: ${ipiCpus.text}; ipi irqOff 20 vs 1 us: ${ipiIrq.text}; ` +
        `rcu 64 vs 4 CPUs: ${rcuCpus.text}; rcu irqOff 20 vs 1 us: ${rcuIrq.text}; ` +
        `(not deciding) rcu with rcuTlbFlush ipi, 64 vs 4 CPUs: ${x86CpusText}; irqOff 20 vs 1 us: ${x86IrqText}`,
      evidence: [...byCpus.rows, ...byIrq.rows, ...x86Cpus.rows, ...x86Irq.rows],
    };
  },
};

const littlesLaw: Claim<PtFreeParams> = {
  id: "little-law",
  who: "queueing theory, for Matthew Wilcox's question of what RCU table freeing costs",
  statement:
    "Under 'rcu', the time-average number of tables awaiting a grace period equals the table free rate x the mean time a table waits " +
    "(Little's law) within 5% under both grace-period profiles; that wait exceeds the mean grace period by 20% or more, so rate x mean grace period underestimates the memory held.",
  expected: "holds",
  async evaluate(ctx): Promise<ClaimOutcome> {
    const rs = await ctx.run({ config: "rcu", gracePeriodProfile: ["idle", "busy"], durationMs: 400, warmupMs: 100 });
    const parts: string[] = [];
    let ok = true;
    for (const profile of ["idle", "busy"] as const) {
      const m = { gracePeriodProfile: profile };
      const l = rs.stat("tablesAwaitingGpMean", m);
      const pred = rs.stat("littleTablesPredicted", m);
      const rel = Math.abs(pred.mean - l.mean) / l.mean;
      const w = meanOf(rs, "tableWaitMeanMs", m);
      const gp = meanOf(rs, "gracePeriodMeanMs", m);
      const bytes = rs.stat("bytesAwaitingGpMean", m);
      ok = ok && rel <= 0.05 && w >= 1.2 * gp;
      parts.push(
        `${profile}: tables awaiting ${fmt(l.mean)} +- ${fmt(l.ci95)} vs rate x wait ${fmt(pred.mean)} +- ${fmt(pred.ci95)} (${fmt(100 * rel, 2)}% apart); ` +
          `wait ${fmt(w)} ms = x${fmt(w / gp)} the mean grace period ${fmt(gp)} ms; bytes held ${fmt(bytes.mean / 1024)} KiB +- ${fmt(bytes.ci95 / 1024)} ` +
          `at ${fmt(meanOf(rs, "tableFreeRatePerSec", m))} tables/s`,
      );
    }
    return { verdict: ok ? "holds" : "fails", detail: parts.join("; "), evidence: rs.rows };
  },
};

const FALLBACK_PS = [1e-4, 1e-3, 1e-2, 3e-2, 1e-1];

const fallbackTail: Claim<PtFreeParams> = {
  id: "fallback-tail",
  who: "Qi Zheng (PT_RECLAIM: the ptdesc rcu_head fallback instead of tlb_remove_table_sync_one)",
  statement:
    "Batch-page allocation failures turn into munmap latency spikes under 'rcu-ipi-fallback' (max latency at least x2 that of 'rcu' for p >= 1e-2) " +
    "and 'rcu-ptdesc' removes them (its p99.9 and max within 5% of 'rcu' at every p swept); at the default p = 1e-4 the p99 is unchanged (within 5%), " +
    "and the smallest p at which the fallback raises p99 by x1.5 or more is reported.",
  expected: "holds",
  async evaluate(ctx): Promise<ClaimOutcome> {
    const rs = await ctx.run({
      durationMs: 200,
      warmupMs: 20,
      config: ["rcu", "rcu-ipi-fallback", "rcu-ptdesc"],
      allocFailProbability: FALLBACK_PS,
    });
    const at = (config: "rcu" | "rcu-ipi-fallback" | "rcu-ptdesc", p: number) => ({ config, allocFailProbability: p });
    let spikes = true;
    let removed = true;
    let crossover: number | undefined;
    const parts: string[] = [];
    for (const p of FALLBACK_PS) {
      const max = largerBy(rs, "munmapLatencyMaxUs", at("rcu-ipi-fallback", p), at("rcu", p), 2);
      if (p >= 1e-2) spikes = spikes && max.ok;
      const pt999 = within(rs, "munmapLatencyP999Us", at("rcu-ptdesc", p), at("rcu", p), 0.05);
      const ptMax = within(rs, "munmapLatencyMaxUs", at("rcu-ptdesc", p), at("rcu", p), 0.05);
      removed = removed && pt999.ok && ptMax.ok;
      const p99 = largerBy(rs, "munmapLatencyP99Us", at("rcu-ipi-fallback", p), at("rcu", p), 1.5);
      if (p99.ok && crossover === undefined) crossover = p;
      parts.push(`p=${p}: fallback max ${max.text}, p99 ${p99.text}; ptdesc p99.9 ${pt999.text}`);
    }
    const atDefault = within(rs, "munmapLatencyP99Us", at("rcu-ipi-fallback", 1e-4), at("rcu", 1e-4), 0.05);
    const ok = spikes && removed && atDefault.ok && crossover !== undefined;
    return {
      verdict: ok ? "holds" : "fails",
      detail: `p99 first rises x1.5 at p = ${crossover ?? "none swept"}; at p = 1e-4 fallback p99 ${atDefault.text} of rcu's. ${parts.join("; ")}`,
      evidence: rs.rows,
    };
  },
};

const walkerSafety: Claim<PtFreeParams> = {
  id: "walker-safety",
  who: "Paul McKenney and Andy Lutomirski (which walkers each freeing scheme protects)",
  statement:
    "Interrupts-off walkers are never freed under in any of the four configs (IPIs and, since v5.0, grace periods wait for them); walkers under " +
    "rcu_read_lock only are freed under in 'ipi' and 'rcu-ipi-fallback' when walks outlast the IPI wait (unsafeFrees > 0), and never in 'rcu' or 'rcu-ptdesc'.",
  expected: "holds",
  async evaluate(ctx): Promise<ClaimOutcome> {
    const rs = await ctx.run({
      ...SHORT,
      config: ["ipi", "rcu", "rcu-ipi-fallback", "rcu-ptdesc"],
      walker: ["irq-off", "rcu"],
      cpus: 4,
      irqOffNs: 20_000,
      irqOffCv: 1,
      walkerDuty: 0.2,
      allocFailProbability: 0.05,
    });
    const unsafe = (config: "ipi" | "rcu" | "rcu-ipi-fallback" | "rcu-ptdesc", walker: "irq-off" | "rcu") =>
      meanOf(rs, "unsafeFrees", { config, walker });
    const configs = ["ipi", "rcu", "rcu-ipi-fallback", "rcu-ptdesc"] as const;
    const irqSafe = configs.every((c) => unsafe(c, "irq-off") === 0);
    const rcuUnsafe = unsafe("ipi", "rcu") > 0 && unsafe("rcu-ipi-fallback", "rcu") > 0;
    const rcuSafe = unsafe("rcu", "rcu") === 0 && unsafe("rcu-ptdesc", "rcu") === 0;
    return {
      verdict: irqSafe && rcuUnsafe && rcuSafe ? "holds" : "fails",
      detail:
        "mean unsafe frees per run (4 CPUs, 20 us walks): " +
        configs.map((c) => `${c}: irq-off ${fmt(unsafe(c, "irq-off"))}, rcu-only ${fmt(unsafe(c, "rcu"))}`).join("; "),
      evidence: rs.rows,
    };
  },
};

const BALANCE_CPUS = [2, 4, 8, 16, 32];
// No walkers (the IPI cost alone, deterministic), a light and a heavy walker load.
const BALANCE_DUTY = [0, 0.05, 0.2];

const balance: Claim<PtFreeParams> = {
  id: "balance",
  who: "Matthew Wilcox (free page tables under RCU on all architectures) vs Michel Lespinasse (a separate risk)",
  statement:
    "RCU table freeing (broadcast flush) cuts munmap p99 by 25% or more relative to 'ipi' (paired CI excluding 0) only from some CPU count on, " +
    "and that count depends on the walker load: the smallest such count in {2..32} is reported for walkerDuty 0, 0.05 and 0.2, with the memory it costs (bytesAwaitingGpMean).",
  expected: "depends",
  async evaluate(ctx): Promise<ClaimOutcome> {
    const rs = await ctx.run({
      durationMs: 60,
      warmupMs: 20,
      config: ["ipi", "rcu"],
      cpus: BALANCE_CPUS,
      walkerDuty: BALANCE_DUTY,
    });
    const parts: string[] = [];
    const crossovers: Array<number | undefined> = [];
    for (const d of BALANCE_DUTY) {
      let cross: number | undefined;
      for (const c of BALANCE_CPUS) {
        const win = largerBy(
          rs,
          "munmapLatencyP99Us",
          { config: "ipi", cpus: c, walkerDuty: d },
          { config: "rcu", cpus: c, walkerDuty: d },
          1 / 0.75,
        );
        if (win.ok) {
          cross = c;
          const bytes = meanOf(rs, "bytesAwaitingGpMean", { config: "rcu", cpus: c, walkerDuty: d });
          parts.push(
            `walkerDuty ${d}: from ${c} CPUs (ipi vs rcu p99 ${win.text} us), holding ${fmt(bytes / 1024)} KiB awaiting grace periods`,
          );
          break;
        }
      }
      if (cross === undefined)
        parts.push(`walkerDuty ${d}: no win of 25% up to ${BALANCE_CPUS[BALANCE_CPUS.length - 1]} CPUs`);
      crossovers.push(cross);
    }
    const everywhere = crossovers.every((c) => c === BALANCE_CPUS[0]);
    const nowhere = crossovers.every((c) => c === undefined);
    return {
      verdict: everywhere ? "holds" : nowhere ? "fails" : "depends",
      detail: parts.join("; "),
      evidence: rs.rows,
    };
  },
};

export const ptFreeClaims: Array<Claim<PtFreeParams>> = [
  growsWithCpusAndIrqOff,
  littlesLaw,
  fallbackTail,
  walkerSafety,
  balance,
];
