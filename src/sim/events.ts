/**
 * One-shot events and conditions over them (SimPy's Event, AllOf, AnyOf), with SimPy's rule that failures are never
 * lost:
 * - a failed event is thrown into every process waiting on it and passed to every callback that takes errors;
 * - a condition (allOf, anyOf) fails, with the source's error, as soon as one of its sources fails;
 * - a failure nobody handled fails the run (an EventFailure, or for a process a ProcessFailure), unless it was
 *   defused: `event.defused = true`. A waiting process, an error callback or a condition handles (defuses) it. The
 *   check is made after the current event, so `ev.fail(e); ev.defused = true;` and "fail now, wait on it in the same
 *   step" both count as handled.
 */
import type { Process, Waitable } from "./process";
import type { Simulation } from "./simulation";

const PENDING = 0;
const SUCCEEDED = 1;
const FAILED = 2;

/**
 * A settle listener (conditions, callbacks): called once with ok and the value or the error. Returns true when it
 * handled a failure (so the failure is defused).
 */
export type SettleListener = (ok: boolean, payload: unknown) => boolean;

/** What a condition can combine, and what it needs of it: events and processes both are sources. */
export interface Source {
  readonly name: string;
  /** Calls `fn` once when the source settles (at once if it already has). */
  listen(fn: SettleListener): void;
  /** True once the source has settled (succeeded, failed, or finished). */
  readonly settled: boolean;
  /** The value once settled successfully; undefined otherwise. */
  readonly settledValue: unknown;
}

export class SimEvent<T = unknown> implements Waitable, Source {
  private status = PENDING;
  private payload: unknown = undefined;
  private waiters: Process[] | null = null;
  private listeners: SettleListener[] | null = null;
  /** Set when a failure of this event was handled (or declared harmless): it then does not fail the run. */
  defused = false;
  /** Simulated time of the success or failure, ns; NaN while pending. */
  settledAtNs = NaN;

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

  get settled(): boolean {
    return this.status !== PENDING;
  }

  get value(): T | undefined {
    return this.status === SUCCEEDED ? (this.payload as T) : undefined;
  }

  get settledValue(): unknown {
    return this.value;
  }

  /** The error the event failed with; undefined unless it failed. */
  get error(): unknown {
    return this.status === FAILED ? this.payload : undefined;
  }

  succeed(value?: T): this {
    this.settle(SUCCEEDED, value);
    return this;
  }

  fail(error: Error): this {
    this.settle(FAILED, error);
    return this;
  }

  /**
   * Runs `onValue` when the event succeeds, `onError` when it fails (at once if it already has). A callback with
   * `onError` handles the failure; one without it does not, so a failure that only such callbacks see fails the run.
   */
  then(onValue: (value: T) => void, onError?: (error: unknown) => void): this {
    this.listen((ok, payload) => {
      if (ok) {
        onValue(payload as T);
        return false;
      }
      if (onError === undefined) return false;
      onError(payload);
      return true;
    });
    return this;
  }

  listen(fn: SettleListener): void {
    if (this.status === PENDING) (this.listeners ??= []).push(fn);
    else if (fn(this.status === SUCCEEDED, this.payload) && this.status === FAILED) this.defused = true;
  }

  subscribe(process: Process): boolean {
    if (this.status === SUCCEEDED) {
      process.resumeValue = this.payload;
      return true;
    }
    if (this.status === FAILED) {
      process.pendingThrow = this.payload;
      this.defused = true;
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
    this.settledAtNs = this.sim.now;
    const waiters = this.waiters;
    this.waiters = null;
    let handled = false;
    if (waiters) {
      for (const w of waiters) {
        if (status === FAILED) w.pendingThrow = payload;
        this.sim.wake(w, status === SUCCEEDED ? payload : undefined);
      }
      handled = waiters.length > 0;
    }
    const listeners = this.listeners;
    this.listeners = null;
    if (listeners) for (const fn of listeners) if (fn(status === SUCCEEDED, payload)) handled = true;
    if (status === FAILED) {
      if (handled) this.defused = true;
      else this.sim.checkHandled(this);
    }
  }
}

/**
 * Fires when all (AllOf) or any (AnyOf) of its sources are done; fails as soon as one fails, with its error (which
 * the condition thereby handles). Its value is the array of source values, in source order (undefined for sources
 * not yet done, for AnyOf). Once it has fired, a later failure of a source is not its concern: someone else must
 * handle it (SimPy's rule).
 */
export function condition(sim: Simulation, sources: Source[], needAll: boolean, name: string): SimEvent<unknown[]> {
  const ev = new SimEvent<unknown[]>(sim, name);
  if (sources.length === 0) {
    ev.succeed([]);
    return ev;
  }
  let done = 0;
  const onSettle: SettleListener = (ok, payload) => {
    if (ev.triggered) return false;
    if (!ok) {
      ev.fail(payload as Error);
      return true;
    }
    done++;
    if (!needAll || done === sources.length) ev.succeed(sources.map((s) => (s.settled ? s.settledValue : undefined)));
    return false;
  };
  for (const s of sources) s.listen(onSettle);
  return ev;
}
