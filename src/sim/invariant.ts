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
