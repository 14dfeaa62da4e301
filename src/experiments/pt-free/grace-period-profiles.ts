/**
 * Grace-period profiles: the core's tree RCU (src/kernel/rcu/tree.ts) set up so that synchronize_rcu() takes as
 * long as the published measurements say, on the machine they were taken on.
 *
 * - "idle": Joel Fernandes, 32 CPUs, HZ=1000, an idle machine: mean 9.75 ms, min about 6, max 25.7 ms; each FQS
 *   wait about 3 ms (lore:20260101163417.1065705-7-joelagnelf@nvidia.com). Modelled as: every CPU but the GP
 *   kthread's is dyntick-idle and is reported by the first FQS scan (3 ms); the kthread's CPU is reported by the
 *   second scan (6 ms, the floor); the rest is a calibrated exponential delay before rcu_gp_init that lumps what the
 *   model does not resolve (the kthread's wake-up, extra FQS rounds).
 * - "busy": Uladzislau Rezki's data in the same series, 64 CPUs busy with bridge setup/teardown: median 37 ms,
 *   max 64 ms. Modelled as: every CPU busy, each reporting at its next quiescent point, exponential with a
 *   calibrated mean, so the grace period is the slowest of 64 (a Gumbel-like spread), plus a calibrated constant for
 *   the wake-ups of the GP kthread and the waiters on a loaded machine.
 *
 * The calibration constants below were fitted with measureSynchronizeRcu() and are checked by a test against the
 * published figures. In an experiment the mm's CPUs join this machine as busy CPUs with their own quiescent-point
 * interval; the rest of the machine keeps the profile's state.
 */
import { Cpu } from "../../kernel/cpu/cpu";
import { Rcu, type RcuOptions } from "../../kernel/rcu/tree";
import type { RandomStreams } from "../../sim/random";
import { Histogram } from "../../sim/stats/histogram";
import { Simulation } from "../../sim/simulation";
import { msToNs } from "../../sim/time";

export type GracePeriodProfile = "idle" | "busy";
export const GRACE_PERIOD_PROFILES: readonly GracePeriodProfile[] = ["idle", "busy"];

export interface GracePeriodProfileSpec {
  /** CPUs of the machine the figures were measured on. */
  machineCpus: number;
  /** CPUs outside the mm are dyntick-idle (true) or busy (false). */
  backgroundIdle: boolean;
  /** Mean time between quiescent points of a busy background CPU, ns. */
  backgroundQsIntervalNs: number;
  /**
   * FQS scan interval on a machine with up to 255 CPUs: jiffies_till_first_fqs = jiffies_till_next_fqs =
   * RCU_JIFFIES_TILL_FORCE_QS = 3 jiffies at HZ=1000. buildMachine() adds one jiffy per 256 CPUs.
   */
  fqsIntervalNs: number;
  /** Mean of the exponential delay before rcu_gp_init, ns (calibrated). */
  gpStartDelayNs: number;
  /**
   * Constant time from the last quiescent report to the callbacks' invocation, ns: rcu_gp_cleanup plus the wake-ups
   * of the GP kthread and the waiters (small when idle; calibrated, and large, on the loaded machine).
   */
  gpCleanupNs: number;
  /** The published synchronize_rcu() latency this profile is calibrated to, ms. */
  published: { statistic: "mean" | "median"; valueMs: number; minMs?: number; maxMs: number; source: string };
}

const SOURCE = "lore:20260101163417.1065705-7-joelagnelf@nvidia.com";

export const GRACE_PERIOD_PROFILE_SPECS: Record<GracePeriodProfile, GracePeriodProfileSpec> = {
  idle: {
    machineCpus: 32,
    backgroundIdle: true,
    backgroundQsIntervalNs: msToNs(1),
    fqsIntervalNs: 3_000_000,
    gpStartDelayNs: 3_650_000,
    gpCleanupNs: 250_000,
    published: { statistic: "mean", valueMs: 9.75, minMs: 6, maxMs: 25.7, source: SOURCE },
  },
  busy: {
    machineCpus: 64,
    backgroundIdle: false,
    backgroundQsIntervalNs: 5_600_000,
    fqsIntervalNs: 3_000_000,
    gpStartDelayNs: msToNs(1),
    gpCleanupNs: 11_200_000,
    published: { statistic: "median", valueMs: 37, maxMs: 64, source: SOURCE + " (Rezki's data)" },
  },
};

export interface Machine {
  /** Every CPU; the mm's are cpus[0 .. mmCpus-1]. */
  cpus: Cpu[];
  rcu: Rcu;
  /** The CPU running rcu_gp_kthread (the last one, never in the mm). */
  gpKthreadCpu: number;
}

/**
 * rcu_init_geometry() (kernel/rcu/tree.c, read at torvalds/linux @70513098, a 6.5/6.6-era copy):
 * d = RCU_JIFFIES_TILL_FORCE_QS + nr_cpu_ids / RCU_JIFFIES_FQS_DIV (256), for both jiffies_till_first_fqs and
 * jiffies_till_next_fqs: one jiffy (1 ms at HZ=1000) more per 256 CPUs. The model has one interval for both.
 */
export function fqsIntervalFor(baseNs: number, nrCpuIds: number): number {
  return baseNs + Math.floor(nrCpuIds / 256) * msToNs(1);
}

/**
 * A machine of max(profile's CPUs, mmCpus + 1) CPUs: the first `mmCpus` run the mm (busy, a quiescent point every
 * `mmQsIntervalNs` on average), the last hosts the GP kthread, the rest are in the profile's state.
 */
export function buildMachine(
  sim: Simulation,
  rs: RandomStreams,
  profile: GracePeriodProfile,
  mmCpus: number,
  mmQsIntervalNs: number,
): Machine {
  const spec = GRACE_PERIOD_PROFILE_SPECS[profile];
  const n = Math.max(spec.machineCpus, mmCpus + 1);
  const cpus = Array.from({ length: n }, (_, i) => new Cpu(sim, i));
  const gpKthreadCpu = n - 1;
  const idle = new Set<number>();
  const qs = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    if (c < mmCpus) qs[c] = mmQsIntervalNs;
    else {
      qs[c] = spec.backgroundQsIntervalNs;
      if (spec.backgroundIdle && c !== gpKthreadCpu) idle.add(c);
    }
  }
  const options: RcuOptions = {
    fqsIntervalNs: fqsIntervalFor(spec.fqsIntervalNs, n),
    qsIntervalNs: spec.backgroundQsIntervalNs,
    qsIntervalNsByCpu: qs,
    gpStartDelayNs: spec.gpStartDelayNs,
    gpCleanupNs: spec.gpCleanupNs,
    idleCpus: idle,
    gpKthreadCpu,
    irqOffIsReader: true,
  };
  const rcu = new Rcu(
    sim,
    cpus,
    cpus.map((c) => rs.stream("cpu", c.id, "quiescent")),
    rs.stream("rcu", "gp-start"),
    options,
  );
  return { cpus, rcu, gpKthreadCpu };
}

/**
 * The published experiment, replayed: one caller on the profile's machine (no mm) calls synchronize_rcu(), waits,
 * pauses ~Exp(`gapMs`) so most calls start a fresh grace period, and repeats `samples` times. Returns the latencies.
 */
export function measureSynchronizeRcu(
  profile: GracePeriodProfile,
  rs: RandomStreams,
  samples: number,
  gapMs = 5,
): Histogram {
  const sim = new Simulation();
  const { rcu } = buildMachine(sim, rs, profile, 0, 1);
  const latency = new Histogram("synchronize_rcu ns");
  const gap = rs.stream("caller", "gap");
  sim.spawn("caller", function* () {
    for (let i = 0; i < samples; i++) {
      yield Math.round(gap.exponential(msToNs(gapMs)));
      const t0 = sim.now;
      yield rcu.synchronize_rcu();
      latency.record(sim.now - t0);
    }
  });
  sim.run();
  return latency;
}
