/**
 * The face a spinning reader-writer lock shows when every one of its operations is an atomic or a read on the
 * lock's cache line (qrwlock.ts, rwlock-reader-pref.ts). Each operation is a generator: the calling task yields
 * the line's time and the lock word changes when the operation lands, as on a real CPU, where an atomic takes
 * effect when the line has come to its CPU (include/asm-generic/qrwlock.h @019bc1f65e91: every fast path is one
 * atomic on `cnts`; kernel/locking/qrwlock.c @0d3001e2690a: the slow paths are sequences of them; torvalds/linux,
 * the same logic as the 6.6 the model follows).
 *
 * The line is anything with cacheline.ts's `atomic(cpu)` / `read(cpu)` API (the fixed-cost CacheLine today; the
 * queued one of the cpu/ owner's issue 13 when it lands); NO_LINE makes every operation free and instantaneous,
 * which gives the lock's ordering alone (the exact-trace tests use it).
 */
import type { Process, Yielded } from "../../sim/process";
import type { LockStats } from "./lock-stats";

/** The lock word's cache line, as cacheline.ts's CacheLine shows it: ns until an atomic or a read by `cpu` completes. */
export interface LockWordLine {
  atomic(cpu: number): number;
  read(cpu: number): number;
}

/** Every operation free and instantaneous: the lock's ordering alone. */
export const NO_LINE: LockWordLine = { atomic: () => 0, read: () => 0 };

/** What a lock tells its user while a task goes through it (the mmu_lock wrapper keeps per-site waits and bounds). */
export interface RwLockObserver {
  /** The task's first atomic (the fast-path attempt) has landed. */
  firstAtomicLanded(task: Process<any>, write: boolean): void;
  /** A writer's fast path failed: it now queues (qrwlock) or spins (reader-preferring). */
  writerSlowPath(task: Process<any>): void;
  /** qrwlock: the head writer's atomic_add(_QW_WAITING) has landed; from now on no process-context reader gets in. */
  writerWaiting(task: Process<any>): void;
  /** The head writer's cmpxchg to _QW_LOCKED failed (a reader bias or a change landed in between). */
  writerCmpxchgFailed(task: Process<any>): void;
  /** A reader's bias is inside (it holds the read lock from now on); `fast` when it never queued. */
  readerEntered(task: Process<any>, fast: boolean): void;
}

/** A spinning rwlock whose operations take line time: `yield* lock.read_lock(task, cpu)`. */
export interface TimedRwLock {
  readonly name: string;
  readonly stats: LockStats;
  readonly readersInside: number;
  readonly writeLocked: boolean;
  observer: RwLockObserver | null;
  read_lock(task: Process<any>, cpu: number, inInterrupt?: boolean): Generator<Yielded, void, unknown>;
  read_unlock(task: Process<any>, cpu: number): Generator<Yielded, void, unknown>;
  write_lock(task: Process<any>, cpu: number): Generator<Yielded, void, unknown>;
  write_unlock(task: Process<any>, cpu: number): Generator<Yielded, void, unknown>;
  /** rwlock_is_contended(): someone waits (qrwlock: wait_lock is held or queued on). */
  is_contended(): boolean;
  /** Head-writer cmpxchg failures so far (0 for locks without one). */
  readonly writerCmpxchgRetries: number;
  /** ns during which at least one failed reader's transient bias sat in the lock word (0 where none exists). */
  transientBiasNs(): number;
  /** Forget counters (end of warm-up); stats are reset by the caller. */
  resetCounters(): void;
}
