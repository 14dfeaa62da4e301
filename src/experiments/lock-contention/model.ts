/**
 * The reference model of ../shared/bench: K threads contend for one FIFO mutex. Each loops: think ~Exp(thinkNs),
 * acquire, hold ~Exp(holdNs), release. It is the finite-source single-server queue ("machine repairman"), so its
 * mean wait has a closed form to test the engine against, and it is the engine's speed benchmark.
 */
import { FifoMutex } from "../../sim/resource";
import { Histogram } from "../../sim/stats/histogram";
import { RandomStreams, type RandomStream } from "../../sim/random";
import { Simulation } from "../../sim/simulation";
import { DONE, type Process, type Yielded } from "../../sim/process";
import type { Trace } from "../../sim/trace";

export interface LockModelParams {
  threads: number;
  thinkNs: number;
  holdNs: number;
  acquisitions: number;
}

export interface LockModelResult {
  acquisitions: number;
  simNs: number;
  meanWaitNs: number;
  wait: Histogram;
  events: number;
  trace: Trace | null;
  /** Event-queue slots allocated: bounded by the model's concurrency, not by simulated time. */
  queueCapacity: number;
  liveProcesses: number;
}

/** How the threads are written: generators (the readable style) or state machines (no generator per resumption). */
export type ProcessStyle = "generator" | "machine";

export function runLockModel(
  p: LockModelParams,
  seed: number,
  options: { trace?: boolean; style?: ProcessStyle } = {},
): LockModelResult {
  const sim = new Simulation({ trace: options.trace });
  const mutex = new FifoMutex(sim, "mutex");
  const streams = new RandomStreams(seed);
  const wait = new Histogram("waitNs");
  const target = p.acquisitions;
  const thinkNs = p.thinkNs;
  const holdNs = p.holdNs;
  let done = 0;
  const machine = options.style === "machine";
  const world: LockWorld = { sim, mutex, wait, thinkNs, holdNs, target, done: 0 };
  for (let i = 0; i < p.threads; i++) {
    const think = streams.stream("thread", i, "think");
    const hold = streams.stream("thread", i, "hold");
    if (machine) {
      sim.spawnMachine(`thread${i}`, () => new LockThread(world, think, hold));
      continue;
    }
    sim.spawn(`thread${i}`, function* worker(self: Process) {
      for (;;) {
        yield think.exponentialRounded(thinkNs);
        const t0 = sim.now;
        if (!mutex.tryLock(self)) yield mutex.lockSlow(self);
        wait.record(sim.now - t0);
        yield hold.exponentialRounded(holdNs);
        mutex.unlock(self);
        if (++done >= target) sim.stop();
      }
    });
  }
  sim.run();
  if (machine) done = world.done;
  return {
    acquisitions: done,
    simNs: sim.now,
    meanWaitNs: wait.mean,
    wait,
    events: sim.eventCount,
    trace: sim.trace,
    queueCapacity: sim.queueCapacity,
    liveProcesses: sim.liveProcesses,
  };
}

/** What the threads share. */
interface LockWorld {
  sim: Simulation;
  mutex: FifoMutex;
  wait: Histogram;
  thinkNs: number;
  holdNs: number;
  target: number;
  done: number;
}

const THINK = 0;
const ACQUIRE = 1;
const ACQUIRED = 2;
const RELEASE = 3;

/** One thread of the model as a state machine: the same loop as the generator, `phase` saying where it resumes. */
class LockThread {
  private phase = THINK;
  private t0 = 0;

  constructor(
    private readonly w: LockWorld,
    private readonly think: RandomStream,
    private readonly hold: RandomStream,
  ) {}

  step(self: Process): Yielded {
    const w = this.w;
    for (;;) {
      switch (this.phase) {
        case THINK:
          this.phase = ACQUIRE;
          return this.think.exponentialRounded(w.thinkNs);
        case ACQUIRE:
          this.t0 = w.sim.now;
          this.phase = ACQUIRED;
          if (!w.mutex.tryLock(self)) return w.mutex.lockSlow(self);
          continue;
        case ACQUIRED:
          w.wait.record(w.sim.now - this.t0);
          this.phase = RELEASE;
          return this.hold.exponentialRounded(w.holdNs);
        case RELEASE:
          w.mutex.unlock(self);
          if (++w.done >= w.target) w.sim.stop();
          this.phase = THINK;
          continue;
        default:
          return DONE;
      }
    }
  }
}

/**
 * Exact mean wait (queueing time before acquisition, ns) of the finite-source M/M/1 queue with K sources, mean think
 * time Z and mean hold S: p0 = 1 / sum_{n=0..K} K!/(K-n)! (S/Z)^n, throughput X = (1 - p0)/S, and by Little's law
 * on the whole cycle, W = K/X - Z - S.
 */
export function finiteSourceMeanWaitNs(
  threads: number,
  thinkNs: number,
  holdNs: number,
): { meanWaitNs: number; throughputPerNs: number; utilization: number } {
  const rho = holdNs / thinkNs;
  let term = 1;
  let sum = 1;
  for (let n = 1; n <= threads; n++) {
    term *= (threads - n + 1) * rho;
    sum += term;
  }
  const p0 = 1 / sum;
  const x = (1 - p0) / holdNs;
  // With one thread nobody ever waits; rounding would otherwise leave -1e-13.
  const meanWaitNs = Math.max(0, threads / x - thinkNs - holdNs);
  return { meanWaitNs, throughputPerNs: x, utilization: 1 - p0 };
}
