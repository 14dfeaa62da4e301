/**
 * `cross-socket-convoy`: CPUs contend on one queued spinlock (kernel/locking/qspinlock.c, as mmsim/kernel's
 * QueuedSpinlock) whose holder writes one line of the data it protects (a counter, a list head) and so takes a cache
 * miss whenever the previous holder sat elsewhere: about 60 ns from a CPU on its own socket, about 200 ns from the
 * other socket (CacheLine, DEFAULT_LINE_COSTS). Split the same CPUs over two sockets and every critical section
 * that follows one on the other socket is longer; near saturation everyone queued behind pays for it.
 *
 * This file is what notebooks/05-your-own-experiment.ipynb imports. It lives beside the notebook, not in a cell,
 * so that the worker threads can load it too (`module: __filename`): the sweeps then run on every core.
 * It imports only mmsim's public faces.
 */
import { atLeast, crossover, defineClaim, defineExperiment, integer, observable, perSeed, real } from "mmsim";
import { Histogram, RandomStreams, Simulation, msToNs, perSecond, type Process } from "mmsim";
import { CacheLine, DEFAULT_LINE_COSTS, QueuedSpinlock, Topology } from "mmsim/kernel";

/** The parameters: each with its unit, default, range, description and where the default comes from. */
export const convoyParams = {
  cpus: integer({
    unit: "count",
    default: 16,
    min: 1,
    max: 256,
    description: "CPUs taking the lock, each in a loop: work outside, lock, critical section, unlock.",
    source: "assumption: the notebook sweeps 2-32",
  }),
  sockets: integer({
    unit: "count",
    default: 1,
    min: 1,
    max: 8,
    description: "Sockets the CPUs are spread over, in equal shares (CPU i on socket floor(i / (cpus / sockets))).",
    source: "assumption",
  }),
  holdNs: real({
    unit: "ns",
    default: 200,
    min: 1,
    max: 1e9,
    description: "Critical-section work besides the miss (constant).",
    source: "assumption, as spinlock-convoy's holdNs",
  }),
  thinkNs: real({
    unit: "ns",
    default: 5000,
    min: 1,
    max: 1e12,
    description: "Mean work between an unlock and the next lock (exponential).",
    source: "assumption, as spinlock-convoy's thinkNs",
  }),
  sameSocketNs: real({
    unit: "ns",
    default: DEFAULT_LINE_COSTS.sameSocketNs,
    min: 0,
    max: 1e6,
    description: "Moving the protected line from another CPU of the same socket.",
    source: "src/kernel/cpu/cacheline.ts DEFAULT_LINE_COSTS (secondary figures)",
  }),
  crossSocketNs: real({
    unit: "ns",
    default: DEFAULT_LINE_COSTS.crossSocketNs,
    min: 0,
    max: 1e6,
    description: "Moving the protected line from the other socket (100-300 ns on two-socket x86).",
    source: "src/kernel/cpu/cacheline.ts DEFAULT_LINE_COSTS; mechanisms-notifiers-vma-rcu.md E3 [secondary]",
  }),
  handoffNs: real({
    unit: "ns",
    default: 60,
    min: 0,
    max: 1e6,
    description: "Time for the next MCS waiter to see the unlock (fixed: this model does not place the lock word).",
    source: "assumption: a same-socket line transfer",
  }),
  durationMs: real({
    unit: "ms",
    default: 10,
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
    description: "Simulated time run before measuring.",
    source: "assumption",
  }),
};

/** The observables: what one replication reports, each with its unit. */
export const convoyObservables = {
  lockWaitMeanNs: { unit: "ns", description: "Mean wait from queued_spin_lock() to ownership." },
  lockWaitP99Ns: {
    unit: "ns",
    description: "99th percentile of that wait (streaming histogram, within 0.4%).",
    samples: "acquisitions",
  },
  holdMeanNs: { unit: "ns", description: "Mean time the lock is held, the miss included." },
  crossSocketShare: {
    unit: "fraction",
    description: "Share of critical sections that pulled the protected line from the other socket.",
  },
  utilization: { unit: "fraction", description: "Fraction of time the lock is held." },
  acquisitionsPerSec: { unit: "per-s", description: "Acquisitions per simulated second." },
};

/**
 * The claim, stated with the vocabulary: every number in it is a named value (`values`), used both by the
 * statement's text and by the test, and the test decides by the one rule (the 95% CI against the threshold).
 */
const missCostsTheQueueMore = defineClaim(
  { params: convoyParams, observables: convoyObservables },
  {
    id: "miss-costs-the-queue-more",
    who: "Matthew Wilcox (thread 004: a miss under a contended lock costs everyone queued behind it)",
    values: { cpus: [4, 8, 12, 16, 24, 32], amplification: 2 },
    statement: (v) =>
      "Spreading the same CPUs over two sockets instead of one lengthens each critical section by its " +
      `cross-socket misses; the mean lock wait grows by at least ${v.amplification}x that extra hold time ` +
      `(the queue pays more for the miss than the holder) at every CPU count of ${v.cpus.join(", ")}, or, ` +
      "where it depends, from a located crossover CPU count on.",
    runs: (v) => ({ sockets: { cpus: v.cpus, sockets: [1, 2] } }),
    test: (r, v) =>
      crossover("cpus", v.cpus, (cpus) => {
        const at = (obs: "lockWaitMeanNs" | "holdMeanNs", sockets: number) => observable(r.sockets, obs, { cpus, sockets });
        // Per seed (one and two sockets draw the same think times): extra wait over extra hold.
        const amplification = perSeed(
          "extra wait / extra hold, two sockets vs one",
          [at("lockWaitMeanNs", 2), at("lockWaitMeanNs", 1), at("holdMeanNs", 2), at("holdMeanNs", 1)],
          (wait2, wait1, hold2, hold1) => (wait2 - wait1) / (hold2 - hold1),
        );
        return atLeast(amplification, v.amplification);
      }),
    expected: "depends",
  },
);

/** What one replication keeps for charts (structured-cloneable, so workers can send it back). */
export interface ConvoyDetail {
  waitCdfNs: Array<{ value: number; fraction: number }>;
}

export const crossSocketConvoy = defineExperiment({
  id: "cross-socket-convoy",
  title: "A queued spinlock whose holder misses on a line that crosses sockets",
  thread: "004-speculative-faults-rcu-vs-ipi-2021.txt (Matthew Wilcox's convoy argument), on two sockets",
  kernel: "Linux 6.6 kernel/locking/qspinlock.c via mmsim/kernel QueuedSpinlock; CacheLine for the protected data",
  params: convoyParams,
  observables: convoyObservables,
  scenario(p, seed, options) {
    const sim = new Simulation();
    const streams = new RandomStreams(seed);
    const topology = new Topology({ cpus: p.cpus, cpusPerSocket: Math.ceil(p.cpus / p.sockets) });
    const lock = new QueuedSpinlock(sim, "lock", { handoffNs: Math.round(p.handoffNs) });
    const data = new CacheLine(sim, "protected data", topology, {
      localNs: DEFAULT_LINE_COSTS.localNs,
      sameSocketNs: p.sameSocketNs,
      crossSocketNs: p.crossSocketNs,
    });
    // Everything recorded during the warm-up is forgotten when the window opens.
    sim.measure(lock.stats);
    const crossings = sim.window.since(() => data.crossSocketTransfers);
    const holdNs = sim.measure(new Histogram("hold ns"));
    for (let cpu = 0; cpu < p.cpus; cpu++) {
      // One stream per CPU, named by the CPU: one socket and two sockets draw the same think times (paired).
      const think = streams.stream("cpu", cpu, "think");
      sim.spawn(`cpu${cpu}`, function* (self: Process) {
        for (;;) {
          yield Math.round(think.exponential(p.thinkNs));
          yield lock.queued_spin_lock(self);
          const held = Math.round(p.holdNs + data.atomic(cpu)); // write the protected data: a miss if it moved
          yield held;
          holdNs.record(held);
          lock.queued_spin_unlock(self);
        }
      });
    }
    const window = sim.runMeasured({ warmupNs: Math.round(msToNs(p.warmupMs)), durationNs: Math.round(msToNs(p.durationMs)) });
    const s = lock.stats;
    return {
      values: {
        lockWaitMeanNs: s.waitNs.mean,
        lockWaitP99Ns: s.waitNs.quantile(0.99),
        holdMeanNs: holdNs.mean,
        crossSocketShare: s.acquisitions > 0 ? crossings.value / s.acquisitions : NaN,
        utilization: s.holdNs.sum / window.durationNs,
        acquisitionsPerSec: perSecond(s.acquisitions, window.durationNs),
        acquisitions: s.acquisitions,
      },
      detail: options.detail ? ({ waitCdfNs: s.waitNs.cdf() } satisfies ConvoyDetail) : undefined,
    };
  },
  claims: [missCostsTheQueueMore],
  // The worker threads load the experiment from this file (tslab names it .js; the workers find the .ts).
  module: __filename,
});
