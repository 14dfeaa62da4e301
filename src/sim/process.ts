/**
 * Processes: generator functions that read like kernel code paths.
 *
 * A process body yields what it waits for:
 * - a number d >= 0: sleep d nanoseconds (d = 0 lets every other event due now run first);
 * - CONTINUE: a primitive's fast path succeeded, carry on at once (no event is scheduled);
 * - PARK: the process has queued itself on a primitive, which will wake it;
 * - a Waitable (an event, another process, allOf/anyOf): resume when it fires, with its value.
 *
 * Numbers keep the hot path monomorphic and allocation-free; kernel primitives return CONTINUE or PARK from their
 * lock functions, so `yield lock.read_lock(task)` costs no event when the lock is free.
 */
import type { SettleListener, Source } from "./events";
import type { Simulation } from "./simulation";

/** Yielded by a primitive whose fast path succeeded: resume immediately, no event. */
export const CONTINUE = -1;
/** Yielded after queueing on a primitive: sleep until that primitive calls `sim.wake(process)`. */
export const PARK = -2;
/** Returned by a state machine's step when the process is finished (its result is `self.result`). */
export const DONE = -3;

/** Something a process can wait on besides time. */
export interface Waitable {
  /**
   * Called when `process` yields this. Returns true when already satisfied, with the value in
   * `process.resumeValue`; otherwise arranges a later `sim.wake(process, value)` and returns false.
   */
  subscribe(process: Process): boolean;
  /** Withdraws a subscription (the waiting process was interrupted). */
  unsubscribe(process: Process): void;
}

/** What a process body may yield. */
export type Yielded = number | Waitable;
export type ProcessBody<R = unknown> = Generator<Yielded, R, any>;

/**
 * The second way to write a process: a state machine the engine steps without a generator. `step(self, value)` is
 * called at each resumption (with what the wait gave: an event's value, a joined process's result); it does the work
 * up to the next wait and returns what it waits for, exactly as a generator would yield it (a delay in ns, CONTINUE,
 * PARK, an event or a process), or DONE. The machine keeps its own state (usually a phase number in a closure).
 */
export type StepFn<R = unknown> = (self: Process<R>, value: unknown) => Yielded;

export interface Machine<R = unknown> {
  /** Called as a method (`machine.step(self, value)`), so a class's instances make a monomorphic call site. */
  step(self: Process<R>, value: unknown): Yielded;
  /**
   * Called instead of `step` when an error is thrown into the process (an Interrupt, a failed event or process it
   * waited on); returns like `step`. Without it the process fails with the error.
   */
  fail?(self: Process<R>, error: unknown): Yielded;
}

/** Thrown into a process by `Process.interrupt`. */
export class Interrupt extends Error {
  constructor(override readonly cause: unknown) {
    super(`interrupted: ${String(cause)}`);
    this.name = "Interrupt";
  }
}

export const enum ProcessState {
  Scheduled = 0,
  Running = 1,
  Sleeping = 2,
  Parked = 3,
  Done = 4,
}

export class Process<R = unknown> implements Waitable, Source {
  /** Index in the simulation's process table; reused after the process ends. */
  readonly slot: number;
  state: ProcessState = ProcessState.Scheduled;
  /** Value handed to the body at its next resumption. */
  resumeValue: unknown = undefined;
  /** An exception to throw into the body at its next resumption (interrupts). */
  pendingThrow: unknown = undefined;
  /** The primitive or waitable this process is queued on, so an interrupt can withdraw it. */
  waitingOn: Waitable | null = null;
  /** When the process began waiting on a primitive (ns); primitives set it to measure waits. */
  waitStartNs = 0;
  /** The body's return value, once done. */
  result: R | undefined = undefined;
  /** What the body threw, when it failed (see `failed`). */
  error: unknown = undefined;
  /** True when the body ended by throwing: its joiners get the error thrown into them. */
  failed = false;
  /** Set when this process's failure was handled (a joiner, a condition) or declared harmless; see events.ts. */
  defused = false;
  /**
   * Locks this process holds now, counted by the primitives (one increment per grant, one decrement per release)
   * so that the engine can refuse a process that finishes holding one without asking every lock at every exit.
   */
  locksHeld = 0;
  private joiners: Process[] | null = null;
  private listeners: SettleListener[] | null = null;

  /** The generator; set by Simulation.spawn (unset for a state machine). */
  body!: ProcessBody<R>;
  /** The state machine, for a process made by Simulation.spawnMachine; null for a generator. */
  machine: Machine<any> | null = null;

  constructor(
    readonly sim: Simulation,
    readonly name: string,
    slot: number,
  ) {
    this.slot = slot;
  }

  get isAlive(): boolean {
    return this.state !== ProcessState.Done;
  }

  /** Throws an Interrupt into the process at the current time, withdrawing it from whatever it waits on. */
  interrupt(cause: unknown = "interrupt"): void {
    this.sim.interrupt(this, cause);
  }

  get settled(): boolean {
    return this.state === ProcessState.Done;
  }

  get settledValue(): unknown {
    return this.state === ProcessState.Done && !this.failed ? this.result : undefined;
  }

  /** Calls `fn(ok, resultOrError)` when the process ends (at once if it has). */
  listen(fn: SettleListener): void {
    if (this.state !== ProcessState.Done) (this.listeners ??= []).push(fn);
    else if (fn(!this.failed, this.failed ? this.error : this.result) && this.failed) this.defused = true;
  }

  subscribe(waiter: Process): boolean {
    if (this.state === ProcessState.Done) {
      if (this.failed) {
        waiter.pendingThrow = this.error;
        this.defused = true;
      } else waiter.resumeValue = this.result;
      return true;
    }
    (this.joiners ??= []).push(waiter);
    return false;
  }

  unsubscribe(waiter: Process): void {
    if (!this.joiners) return;
    const i = this.joiners.indexOf(waiter);
    if (i >= 0) this.joiners.splice(i, 1);
  }

  /** @internal called by the simulation when the body returns. */
  finish(value: R): void {
    this.state = ProcessState.Done;
    this.result = value;
    const joiners = this.joiners;
    this.joiners = null;
    if (joiners) for (const j of joiners) this.sim.wake(j, value);
    const listeners = this.listeners;
    this.listeners = null;
    if (listeners) for (const fn of listeners) fn(true, value);
  }

  /**
   * @internal called by the simulation when the body throws: the error goes to every joiner and listener. Returns
   * true when one of them handled it (a joiner always does: it must catch it or fail in turn).
   */
  fail(error: unknown): boolean {
    this.state = ProcessState.Done;
    this.failed = true;
    this.error = error;
    const joiners = this.joiners;
    this.joiners = null;
    let handled = false;
    if (joiners) {
      for (const j of joiners) {
        j.pendingThrow = error;
        this.sim.wake(j);
      }
      handled = joiners.length > 0;
    }
    const listeners = this.listeners;
    this.listeners = null;
    if (listeners) for (const fn of listeners) if (fn(false, error)) handled = true;
    if (handled) this.defused = true;
    return handled;
  }
}
