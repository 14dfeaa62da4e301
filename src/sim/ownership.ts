/**
 * Lock ownership checks that cost the hot path nothing: each primitive already knows its owner, so a process that
 * locks what it holds is caught on the slow path (the fast path implies the lock was free); each primitive counts
 * grants and releases in `Process.locksHeld`, which the engine checks once when a process ends, and only when that
 * count is not zero does it ask the registered locks which one is held.
 */
import { LockMisuse } from "./invariant";
import type { Process } from "./process";

/** A lock a process can hold, registered with `Simulation.registerLock`. */
export interface Holdable {
  readonly name: string;
  /** True while `p` holds the lock (in any mode). */
  isHeldBy(p: Process<any>): boolean;
  /** The lock's statistics, registered with the measurement window along with it. */
  readonly stats?: { reset(nowNs: number): void };
}

/** "FifoMutex 'mutex'": the primitive's kind and name, for messages. */
export function describeLock(lock: Holdable): string {
  return `${lock.constructor.name} '${lock.name}'`;
}

/** The error for `p` calling `operation` on a lock it already holds (`how`: "holds", "holds for read", ...). */
export function selfDeadlock(p: Process<any>, lock: Holdable, operation: string, how = "holds"): LockMisuse {
  const what = describeLock(lock);
  const t = p.sim.now;
  return new LockMisuse(
    p.name,
    what,
    t,
    `self-deadlock: process '${p.name}' called ${operation} on ${what}, which it already ${how} (at t=${t} ns)`,
  );
}

/** The error for `p` ending (finishing, or failing with `failure`) while it holds `held` (locks' descriptions). */
export function heldAtExit(p: Process<any>, held: string[], failure?: unknown): LockMisuse {
  const what = held.length > 0 ? held.join(", ") : `${p.locksHeld} lock(s) no registered primitive owns`;
  const t = p.sim.now;
  const how =
    failure === undefined ? "finished" : `failed (${failure instanceof Error ? failure.message : String(failure)})`;
  return new LockMisuse(p.name, what, t, `process '${p.name}' ${how} at t=${t} ns while holding ${what}`);
}

/** `how` for a read lock taken again by a reader: the models keep one read hold per task. */
export const RECURSIVE_READ =
  "holds for read (a read hold does not nest here; a recursive read lock deadlocks as soon as a writer waits)";
