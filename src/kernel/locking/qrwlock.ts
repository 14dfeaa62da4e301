/**
 * The queued reader-writer lock, following kernel/locking/qrwlock.c and include/asm-generic/qrwlock.h (Linux 6.6;
 * arm64 and x86 select ARCH_USE_QUEUED_RWLOCKS).
 *
 * State, as in `lock->cnts`: _QW_LOCKED (a writer holds it), _QW_WAITING (a writer at the head of the queue waits
 * for readers to drain), and the reader bias count (_QR_BIAS per reader). Beside it, `wait_lock`, a FIFO queued
 * spinlock that orders the slow paths of readers and writers.
 *
 * - queued_read_lock(): add _QR_BIAS; the reader is in if neither writer bit is set.
 * - queued_read_lock_slowpath(): in interrupt context the reader keeps its bias and spins only while _QW_LOCKED is
 *   set, so it passes a writer that is merely waiting. In process context it drops the bias, queues on wait_lock,
 *   and at the head re-adds the bias, waits for !_QW_LOCKED, and releases wait_lock: queued readers enter one after
 *   another, as a batch.
 * - queued_write_lock(): cmpxchg 0 -> _QW_LOCKED; otherwise queued_write_lock_slowpath(): take wait_lock, set
 *   _QW_WAITING, spin until cnts == _QW_WAITING (every reader bias gone), then take _QW_LOCKED and release wait_lock.
 *
 * A writer therefore waits for (1) the queue ahead of it and (2) the longest remaining hold of the readers already
 * inside; readers arriving later cannot add to (2). All waiting spins. Hand-offs of wait_lock and of a release to a
 * spinner can cost a cache-line transfer (`handoffNs`); state changes are atomic at the instant they happen.
 */
import { CONTINUE, PARK, type Process, type Waitable } from "../../sim/process";
import { RingQueue } from "../../sim/ring-queue";
import type { Simulation } from "../../sim/simulation";
import { InvariantViolation } from "../../sim/invariant";
import { RECURSIVE_READ, selfDeadlock } from "../../sim/ownership";
import { LockStats, type RwLock } from "./lock-stats";

export const _QW_LOCKED = 0x0ff;
export const _QW_WAITING = 0x100;
export const _QR_BIAS = 1 << 9;

interface QueueEntry {
  task: Process<any>;
  write: boolean;
}

export interface QrwlockOptions {
  /** Time for a spinner to observe a release or for wait_lock to pass to the next queued task, ns. */
  handoffNs?: number;
}

export class Qrwlock implements RwLock, Waitable {
  /** _QW_LOCKED: a writer holds the lock. */
  protected wlocked = false;
  /** _QW_WAITING: the writer at the head of wait_lock waits for readers to leave. */
  protected waiting = false;
  /** Reader biases that are in cnts: readers inside, the head reader spinning for !_QW_LOCKED, interrupt spinners. */
  protected readerBias = 0;
  private inside = 0;
  private writer: Process<any> | null = null;
  private writerSinceNs = 0;
  private readonly readerSinceNs = new Map<Process<any>, number>();
  /** wait_lock: its holder (the head) and the FIFO behind it. */
  private head: QueueEntry | null = null;
  private readonly queue = new RingQueue<QueueEntry>();
  /** Interrupt-context readers holding a bias while they spin for !_QW_LOCKED. */
  private readonly irqSpinners: Array<Process<any>> = [];
  readonly stats: LockStats;
  private readonly handoffNs: number;
  /** Grants made at the current instant, so successive hand-offs in one batch are spaced by handoffNs. */
  private batchAtNs = -1;
  private batchCount = 0;

  constructor(
    readonly sim: Simulation,
    readonly name: string,
    options: QrwlockOptions = {},
  ) {
    this.stats = new LockStats(name);
    this.handoffNs = options.handoffNs ?? 0;
    sim.registerLock(this);
  }

  isHeldBy(task: Process<any>): boolean {
    return this.writer === task || this.readerSinceNs.has(task);
  }

  /** The lock word as the kernel would hold it. */
  get cnts(): number {
    return (this.wlocked ? _QW_LOCKED : 0) | (this.waiting ? _QW_WAITING : 0) | (this.readerBias * _QR_BIAS);
  }

  get readersInside(): number {
    return this.inside;
  }

  get writeLocked(): boolean {
    return this.wlocked;
  }

  /** queued_rwlock_is_contended(): wait_lock is held, so someone is queued. */
  queued_rwlock_is_contended(): boolean {
    return this.head !== null;
  }

  /** Tasks queued on wait_lock, the head included. */
  get queued(): number {
    return (this.head ? 1 : 0) + this.queue.length;
  }

  // ---- readers ---------------------------------------------------------------------------------------------------

  /** queued_read_lock(): CONTINUE when the fast path gets in, PARK otherwise. */
  queued_read_lock(task: Process<any>, inInterrupt = false): number {
    if (!this.wlocked && !this.waiting) {
      // atomic_add_return_acquire(_QR_BIAS) saw no writer bits.
      this.readerBias++;
      this.enterRead(task, this.sim.now, this.sim.now, "fast");
      return CONTINUE;
    }
    return this.queued_read_lock_slowpath(task, inInterrupt);
  }

  private queued_read_lock_slowpath(task: Process<any>, inInterrupt: boolean): number {
    if (this.writer === task) throw selfDeadlock(task, this, "queued_read_lock", "holds for write");
    task.waitStartNs = this.sim.now;
    if (inInterrupt) {
      // Keep the bias; spin only while a writer holds the lock (a waiting writer is passed).
      this.readerBias++;
      if (!this.wlocked) {
        this.enterRead(task, this.sim.now, this.sim.now, "irq");
        return CONTINUE;
      }
      this.irqSpinners.push(task);
      task.waitingOn = this;
      if (this.sim.trace) this.sim.record(task.name, "wait", this.name);
      return PARK;
    }
    // Drop the bias (atomic_sub) and queue on wait_lock.
    task.waitingOn = this;
    if (this.sim.trace) this.sim.record(task.name, "wait", this.name);
    this.arch_spin_lock_wait_lock({ task, write: false });
    return PARK;
  }

  /** queued_read_unlock(): atomic_sub_return_release(_QR_BIAS). */
  queued_read_unlock(task: Process<any>): void {
    const since = this.readerSinceNs.get(task);
    if (since === undefined) {
      throw new InvariantViolation(
        `qrwlock ${this.name}`,
        this.sim.now,
        `'${task.name}' read-unlocked without holding the read lock`,
      );
    }
    this.readerSinceNs.delete(task);
    task.locksHeld--;
    this.stats.read.holdNs.record(this.sim.now - since);
    this.inside--;
    this.readerBias--;
    if (this.sim.trace) this.sim.record(task.name, "release", this.name);
    this.headMayProceed();
  }

  // ---- writers ---------------------------------------------------------------------------------------------------

  /** queued_write_lock(): CONTINUE when cmpxchg(0 -> _QW_LOCKED) succeeds, PARK otherwise. */
  queued_write_lock(task: Process<any>): number {
    if (this.cnts === 0) {
      this.enterWrite(task, this.sim.now, this.sim.now);
      return CONTINUE;
    }
    return this.queued_write_lock_slowpath(task);
  }

  private queued_write_lock_slowpath(task: Process<any>): number {
    if (this.isHeldBy(task)) throw selfDeadlock(task, this, "queued_write_lock");
    task.waitStartNs = this.sim.now;
    task.waitingOn = this;
    if (this.sim.trace) this.sim.record(task.name, "wait", this.name);
    this.arch_spin_lock_wait_lock({ task, write: true });
    return PARK;
  }

  /** queued_write_unlock(): smp_store_release(&lock->wlocked, 0). */
  queued_write_unlock(task: Process<any>): void {
    if (this.writer !== task) {
      throw new InvariantViolation(
        `qrwlock ${this.name}`,
        this.sim.now,
        `'${task.name}' write-unlocked a lock held by '${this.writer?.name ?? "nobody"}'`,
      );
    }
    this.stats.write.holdNs.record(this.sim.now - this.writerSinceNs);
    this.writer = null;
    task.locksHeld--;
    this.wlocked = false;
    if (this.sim.trace) this.sim.record(task.name, "release", this.name);
    // Interrupt-context spinners already hold their bias: they are in as soon as _QW_LOCKED clears.
    if (this.irqSpinners.length > 0) {
      for (const t of this.irqSpinners.splice(0)) this.admit(t, false);
    }
    this.headMayProceed();
  }

  // ---- wait_lock and the head of the queue ---------------------------------------------------------------------------

  /** arch_spin_lock(&lock->wait_lock): FIFO; the new holder acts at once. */
  private arch_spin_lock_wait_lock(entry: QueueEntry): void {
    if (this.head === null) this.becomeHead(entry);
    else this.queue.push(entry);
  }

  /** arch_spin_unlock(&lock->wait_lock): the next queued task takes it. */
  private arch_spin_unlock_wait_lock(): void {
    this.head = null;
    const next = this.queue.shift();
    if (next !== undefined) this.becomeHead(next);
  }

  private becomeHead(entry: QueueEntry): void {
    this.head = entry;
    if (entry.write) {
      // queued_write_lock_slowpath() with wait_lock held: take it if free, else set _QW_WAITING.
      if (this.cnts === 0) {
        this.arch_spin_unlock_after(() => this.admit(entry.task, true));
        return;
      }
      this.waiting = true;
    } else {
      // queued_read_lock_slowpath() with wait_lock held: re-add the bias, wait for !_QW_LOCKED.
      this.readerBias++;
      if (!this.wlocked) {
        this.arch_spin_unlock_after(() => this.admit(entry.task, false));
        return;
      }
    }
    if (this.sim.trace) this.sim.record(entry.task.name, entry.write ? "head-waiting" : "head-spinning", this.name);
  }

  /** Re-checks the head's condition after a release. */
  private headMayProceed(): void {
    const h = this.head;
    if (h === null) return;
    if (h.write) {
      // atomic_cond_read_relaxed(&lock->cnts, VAL == _QW_WAITING), then cmpxchg to _QW_LOCKED.
      if (!this.wlocked && this.readerBias === 0) {
        this.waiting = false;
        this.arch_spin_unlock_after(() => this.admit(h.task, true));
      }
    } else if (!this.wlocked) {
      this.arch_spin_unlock_after(() => this.admit(h.task, false));
    }
  }

  /** Grants the head, then passes wait_lock on (the next head acts at once; its grant is spaced by a hand-off). */
  private arch_spin_unlock_after(grant: () => void): void {
    grant();
    this.arch_spin_unlock_wait_lock();
  }

  /** Lets a waiting task in; its wake-up is delayed by the hand-offs already made at this instant. */
  private admit(task: Process<any>, write: boolean): void {
    const now = this.sim.now;
    if (this.batchAtNs !== now) {
      this.batchAtNs = now;
      this.batchCount = 0;
    }
    const at = now + this.handoffNs * ++this.batchCount;
    if (write) this.enterWrite(task, task.waitStartNs, at);
    else this.enterRead(task, task.waitStartNs, at, "queued");
    this.sim.wakeAfter(task, at - now);
  }

  // ---- entry, with the invariants --------------------------------------------------------------------------------

  private enterRead(task: Process<any>, arrivedNs: number, atNs: number, how: "fast" | "irq" | "queued"): void {
    if (this.wlocked) {
      throw new InvariantViolation(
        `qrwlock ${this.name}`,
        this.sim.now,
        `reader '${task.name}' entered while writer '${this.writer?.name}' holds the lock`,
      );
    }
    if (how === "fast" && this.waiting) {
      throw new InvariantViolation(
        `qrwlock ${this.name}`,
        this.sim.now,
        `process-context reader '${task.name}' passed a waiting writer`,
      );
    }
    this.inside++;
    const readers = this.readerSinceNs.size;
    this.readerSinceNs.set(task, atNs);
    if (this.readerSinceNs.size === readers) throw selfDeadlock(task, this, "queued_read_lock", RECURSIVE_READ);
    task.locksHeld++;
    this.stats.read.granted(atNs - arrivedNs);
    if (this.sim.trace) this.sim.trace.record(atNs, task.name, "acquired-read", this.name);
  }

  private enterWrite(task: Process<any>, arrivedNs: number, atNs: number): void {
    if (this.wlocked || this.inside > 0) {
      throw new InvariantViolation(
        `qrwlock ${this.name}`,
        this.sim.now,
        `writer '${task.name}' entered with ${this.inside} reader(s) inside${this.wlocked ? ` and writer '${this.writer?.name}' holding it` : ""}`,
      );
    }
    this.wlocked = true;
    this.writer = task;
    task.locksHeld++;
    this.writerSinceNs = atNs;
    this.stats.write.granted(atNs - arrivedNs);
    if (this.sim.trace) this.sim.trace.record(atNs, task.name, "acquired-write", this.name);
  }

  // ---- the generic RwLock face -----------------------------------------------------------------------------------

  readLock(task: Process<any>, inInterrupt = false): number {
    return this.queued_read_lock(task, inInterrupt);
  }

  readUnlock(task: Process<any>): void {
    this.queued_read_unlock(task);
  }

  writeLock(task: Process<any>): number {
    return this.queued_write_lock(task);
  }

  writeUnlock(task: Process<any>): void {
    this.queued_write_unlock(task);
  }

  subscribe(): boolean {
    throw new Error(`yield ${this.name}.queued_read_lock(task) or queued_write_lock(task), not the lock itself`);
  }

  unsubscribe(task: Process<any>): void {
    throw new Error(
      `qrwlock ${this.name}: '${task.name}' cannot be interrupted while spinning (spinners do not take interrupts here)`,
    );
  }
}
