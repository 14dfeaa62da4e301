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
import type { Simulation } from "./simulation";

/** Yielded by a primitive whose fast path succeeded: resume immediately, no event. */
export const CONTINUE = -1;
/** Yielded after queueing on a primitive: sleep until that primitive calls `sim.wake(process)`. */
export const PARK = -2;

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

export class Process<R = unknown> implements Waitable {
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
  private joiners: Process[] | null = null;

  /** The generator; set by Simulation.spawn. */
  body!: ProcessBody<R>;

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

  subscribe(waiter: Process): boolean {
    if (this.state === ProcessState.Done) {
      waiter.resumeValue = this.result;
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
  }
}
