/**
 * One-shot events and conditions over them (SimPy's Event, AllOf, AnyOf).
 *
 * An event is pending until it succeeds (with a value) or fails (with an error, thrown into every waiter).
 * Processes wait on one by yielding it; callbacks can be attached for non-process listeners.
 */
import type { Process, Waitable } from "./process";
import type { Simulation } from "./simulation";

const PENDING = 0;
const SUCCEEDED = 1;
const FAILED = 2;

export class SimEvent<T = unknown> implements Waitable {
  private status = PENDING;
  private payload: unknown = undefined;
  private waiters: Process[] | null = null;
  private callbacks: Array<(value: T) => void> | null = null;

  constructor(
    readonly sim: Simulation,
    readonly name = "event",
  ) {}

  get triggered(): boolean {
    return this.status !== PENDING;
  }

  get ok(): boolean {
    return this.status === SUCCEEDED;
  }

  get value(): T | undefined {
    return this.status === SUCCEEDED ? (this.payload as T) : undefined;
  }

  succeed(value?: T): this {
    this.settle(SUCCEEDED, value);
    return this;
  }

  fail(error: Error): this {
    this.settle(FAILED, error);
    return this;
  }

  /** Runs `fn` when the event succeeds (immediately if it already has). */
  then(fn: (value: T) => void): this {
    if (this.status === SUCCEEDED) fn(this.payload as T);
    else if (this.status === PENDING) (this.callbacks ??= []).push(fn);
    return this;
  }

  subscribe(process: Process): boolean {
    if (this.status === SUCCEEDED) {
      process.resumeValue = this.payload;
      return true;
    }
    if (this.status === FAILED) {
      process.pendingThrow = this.payload;
      return true;
    }
    (this.waiters ??= []).push(process);
    return false;
  }

  unsubscribe(process: Process): void {
    if (!this.waiters) return;
    const i = this.waiters.indexOf(process);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  private settle(status: number, payload: unknown): void {
    if (this.status !== PENDING) {
      throw new Error(`event '${this.name}' triggered twice (at t=${this.sim.now} ns)`);
    }
    this.status = status;
    this.payload = payload;
    const waiters = this.waiters;
    this.waiters = null;
    if (waiters) {
      for (const w of waiters) {
        if (status === FAILED) w.pendingThrow = payload;
        this.sim.wake(w, status === SUCCEEDED ? payload : undefined);
      }
    }
    const callbacks = this.callbacks;
    this.callbacks = null;
    if (callbacks && status === SUCCEEDED) for (const cb of callbacks) cb(payload as T);
  }
}

/** Anything a condition can combine: events and processes both have `subscribe`. */
type Source = SimEvent<unknown> | Process<unknown>;

function sourceDone(s: Source): boolean {
  return s instanceof SimEvent ? s.triggered : !s.isAlive;
}

function sourceValue(s: Source): unknown {
  return s instanceof SimEvent ? s.value : s.result;
}

/**
 * Fires when all (AllOf) or any (AnyOf) of its sources are done. Its value is the array of source values,
 * in source order (undefined for sources not yet done, for AnyOf).
 */
export function condition(sim: Simulation, sources: Source[], needAll: boolean, name: string): SimEvent<unknown[]> {
  const ev = new SimEvent<unknown[]>(sim, name);
  const check = () => {
    if (ev.triggered) return;
    const done = needAll ? sources.every(sourceDone) : sources.some(sourceDone);
    if (done) ev.succeed(sources.map((s) => (sourceDone(s) ? sourceValue(s) : undefined)));
  };
  if (sources.length === 0) {
    ev.succeed([]);
    return ev;
  }
  for (const s of sources) {
    if (s instanceof SimEvent) s.then(check);
    else sim.spawn(`${name}:join(${s.name})`, joinThen(s, check));
  }
  check();
  return ev;
}

function* joinThen(p: Process<unknown>, fn: () => void) {
  yield p;
  fn();
}
