/**
 * One replication of `spinlock-convoy`: CPUs contend for one FIFO queued spinlock (kernel/locking/qspinlock.c,
 * Linux 6.6, via src/kernel/locking/qspinlock.ts) whose critical section takes a cache miss, as a walker that maps
 * and locks a page table (pte_offset_map_lock) and then touches a line another CPU owns.
 *
 * Each CPU loops: work ~Exp(thinkNs); [the miss, if taken outside]; queued_spin_lock(); holdNs [+ the miss, if
 * inside]; queued_spin_unlock(). A waiter spins (burns its CPU) until the lock is handed to it.
 */
import { QueuedSpinlock } from "../../kernel/locking/qspinlock";
import type { Process, Yielded } from "../../sim/process";
import { RandomStreams } from "../../sim/random";
import { Simulation } from "../../sim/simulation";
import { msToNs, roundNs } from "../../sim/time";
import type { Histogram } from "../../sim/stats/histogram";
import type { Trace } from "../../sim/trace";
import type { ParamValues } from "../params";
import type { SpinlockConvoyParams } from "./params";

export interface SpinlockConvoyRun {
  /** Wait from queued_spin_lock() to ownership, per acquisition, ns. */
  waitNs: Histogram;
  acquisitions: number;
  /** Time the lock was held, ns (hand-offs in transit excluded). */
  heldNs: number;
  /** CPU time spent spinning, ns. */
  spinNs: number;
  measuredNs: number;
  trace: Trace | null;
}

export function runSpinlockConvoy(
  p: ParamValues<SpinlockConvoyParams>,
  seed: number,
  options: { trace?: boolean } = {},
): SpinlockConvoyRun {
  const sim = new Simulation({ trace: options.trace });
  const rs = new RandomStreams(seed);
  const lock = new QueuedSpinlock(sim, "ptl", { handoffNs: p.handoffNs });
  const inside = p.missPlacement === "inside";
  const holdNs = Math.round(p.holdNs + (inside ? p.missNs : 0));
  const outsideMissNs = inside ? 0 : Math.round(p.missNs);
  for (let i = 0; i < p.cpus; i++) {
    const think = rs.stream("cpu", i, "think");
    sim.spawn(`cpu${i}`, function* (self: Process): Generator<Yielded, void, unknown> {
      for (;;) {
        yield Math.round(think.exponential(p.thinkNs));
        if (outsideMissNs > 0) yield outsideMissNs; // read A before taking the lock
        yield lock.queued_spin_lock(self);
        yield holdNs;
        lock.queued_spin_unlock(self);
      }
    });
  }
  const measuredNs = Math.max(1, roundNs(msToNs(p.durationMs)));
  // The lock's statistics are registered with the measurement window: the warm-up is forgotten when it opens.
  sim.runMeasured({ warmupNs: roundNs(msToNs(p.warmupMs)), durationNs: measuredNs });
  const s = lock.stats;
  return {
    waitNs: s.waitNs,
    acquisitions: s.acquisitions,
    heldNs: s.holdNs.sum,
    spinNs: s.spinNs,
    measuredNs,
    trace: sim.trace,
  };
}
