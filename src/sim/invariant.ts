/**
 * Primitives check their own invariants (never a writer and a reader inside together, never a free while a reader
 * can still see the object). A violation stops the run with this error, which says what happened and when.
 */
export class InvariantViolation extends Error {
  constructor(
    /** The primitive whose invariant broke, e.g. "qrwlock mmu_lock". */
    readonly primitive: string,
    /** Simulated time of the violation, ns. */
    readonly timeNs: number,
    /** What happened, in words. */
    readonly what: string,
  ) {
    super(`invariant violated in ${primitive} at t=${timeNs} ns: ${what}`);
    this.name = "InvariantViolation";
  }
}

/** Wraps an exception thrown inside a process body with the process name and the time. */
export class ProcessFailure extends Error {
  constructor(
    readonly processName: string,
    readonly timeNs: number,
    readonly original: unknown,
  ) {
    super(
      `process '${processName}' failed at t=${timeNs} ns: ${original instanceof Error ? original.message : String(original)}`,
    );
    this.name = "ProcessFailure";
  }
}

/** A failed event that nothing handled (no waiting process, no error callback, not defused) stops the run. */
export class EventFailure extends Error {
  constructor(
    readonly eventName: string,
    readonly timeNs: number,
    readonly original: unknown,
  ) {
    super(
      `event '${eventName}' failed at t=${timeNs} ns and nothing handled it: ${original instanceof Error ? original.message : String(original)} (wait on it, give then() an onError, or set event.defused = true)`,
    );
    this.name = "EventFailure";
  }
}

/**
 * A lock used in a way that can only be a model bug: a process locking what it already holds (a self-deadlock), or
 * finishing while it holds a lock. Names the process, the primitive and the time.
 */
export class LockMisuse extends Error {
  constructor(
    readonly processName: string,
    /** The primitive, e.g. "QueuedSpinlock 'zone->lock'". */
    readonly primitive: string,
    readonly timeNs: number,
    /** The whole message; it names the three above. */
    message: string,
  ) {
    super(message);
    this.name = "LockMisuse";
  }
}
