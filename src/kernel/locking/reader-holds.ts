/**
 * The readers holding one rwlock model, and the bookkeeping each model (qrwlock.ts, rwlock-reader-pref.ts, rwsem.ts)
 * does when a reader gets in and when it leaves: when it entered (for its hold time), the refusal of a recursive
 * read (the models are not recursive-read locks: a second read acquisition by the holder is reported as the
 * self-deadlock it can become once a writer queues between the two), the task's count of held locks, and the wait it
 * took. Follows no kernel file: the simulator's instrumentation, which stands for CONFIG_LOCK_STAT's read_waittime and
 * read_holdtime in kernel/locking/lockdep.c (read at torvalds/linux @0006ebb4cad2, a 4.x-era copy; see lock-stats.ts).
 * Trace lines and observers stay with each lock: they differ.
 */
import type { Process } from "../../sim/process";
import { RECURSIVE_READ, selfDeadlock, type Holdable } from "../../sim/ownership";
import type { LockStats } from "./lock-stats";

export class ReaderHolds {
  private readonly sinceNs = new Map<Process<any>, number>();

  constructor(
    private readonly lock: Holdable,
    private readonly stats: LockStats,
    /** The read-side acquire as the kernel names it, for the deadlock report (read_lock, down_read). */
    private readonly acquire: string,
  ) {}

  /** Whether `task` holds the lock for read. */
  has(task: Process<any>): boolean {
    return this.sinceNs.has(task);
  }

  /** Readers inside. */
  get size(): number {
    return this.sinceNs.size;
  }

  /**
   * `task` holds the lock for read from `atNs`, after waiting `waitedNs` (`spinning`: a spinning wait, as LockStats
   * counts it). Throws the self-deadlock of a recursive read.
   */
  enter(task: Process<any>, atNs: number, waitedNs: number, spinning = true): void {
    const readers = this.sinceNs.size;
    this.sinceNs.set(task, atNs);
    if (this.sinceNs.size === readers) throw selfDeadlock(task, this.lock, this.acquire, RECURSIVE_READ);
    task.locksHeld++;
    this.stats.read.granted(waitedNs, spinning);
  }

  /**
   * A writer that holds the lock becomes a reader at `atNs` (downgrade_write): no wait, and it already counts the
   * lock among those it holds.
   */
  fromWrite(task: Process<any>, atNs: number): void {
    this.sinceNs.set(task, atNs);
    this.stats.read.granted(0, false);
  }

  /** `task` leaves at `nowNs`: false when it did not hold the lock for read (the caller reports it). */
  leave(task: Process<any>, nowNs: number): boolean {
    const since = this.sinceNs.get(task);
    if (since === undefined) return false;
    this.sinceNs.delete(task);
    task.locksHeld--;
    this.stats.read.holdNs.record(nowNs - since);
    return true;
  }
}
