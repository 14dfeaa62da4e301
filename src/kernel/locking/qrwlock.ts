/**
 * The queued reader-writer lock, following kernel/locking/qrwlock.c (queued_read_lock_slowpath,
 * queued_write_lock_slowpath; torvalds/linux @0d3001e2690a), include/asm-generic/qrwlock.h (queued_read_lock,
 * queued_write_lock, the unlocks, queued_rwlock_is_contended; @019bc1f65e91) and qrwlock_types.h (@10a558374f37:
 * `cnts` and `wait_lock` are one 8-byte struct, so one cache line), with wait_lock a queued spinlock after
 * kernel/locking/qspinlock.c (queued_spin_lock_slowpath; @0200fbdd4315). The model follows Linux 6.6; the stored
 * copies are newer (qspinlock.c has the post-6.15 file layout), with the same algorithm and the same atomics.
 *
 * Every step is an operation on the lock's line and takes effect when it lands (`yield` the line's ns first):
 * - queued_read_lock: atomic_add_return_acquire(_QR_BIAS). In if no writer bit is set. Otherwise the bias *stays
 *   in cnts* until queued_read_lock_slowpath's atomic_sub lands: a transient bias. In interrupt context the reader
 *   keeps it and spins only while _QW_LOCKED is set. In process context it queues on wait_lock, re-adds the bias
 *   (atomic_add) at the head, waits for !_QW_LOCKED (atomic_cond_read_acquire: a read of the line) and releases
 *   wait_lock (a store on the same line).
 * - queued_write_lock: atomic_try_cmpxchg_acquire(0 -> _QW_LOCKED); else the slow path: wait_lock, atomic_read,
 *   (if 0: cmpxchg), atomic_add(_QW_WAITING) -- fast-path readers that land before it get in (the hand-off
 *   window) --, then loop { atomic_cond_read_relaxed(VAL == _QW_WAITING); atomic_try_cmpxchg_acquire(_QW_LOCKED) }:
 *   the cmpxchg fails, and the writer retries, when a transient bias lands between its read and its cmpxchg.
 * - wait_lock: queued_spin_lock's cmpxchg; contended, one more atomic sets the waiter's FIFO place (fetch_or of
 *   _Q_PENDING or xchg_tail), then at the head it reads the word and claims it (clear_pending_set_locked, set_locked
 *   or the tail cmpxchg). Unlock is a store. The MCS hand-off (next->locked) is on the next waiter's own node line and
 *   overlaps its spin on the lock word, so it is not charged.
 * - The unlocks: atomic_sub_return_release(_QR_BIAS); smp_store_release(&wlocked, 0). The releasing CPU spends the
 *   line time (on x86 a store need not stall it; the difference is one transfer).
 *
 * A writer therefore waits for (1) the queue ahead on wait_lock, (2) readers that slipped in before its _QW_WAITING
 * landed, (3) the longest remaining hold of the readers inside, (4) transient biases (retries) and (5) the line
 * time of its own operations. Readers that arrive after _QW_WAITING cannot add to (3): no starvation, but the
 * "queue ahead + longest remaining hold" bound is exceeded by (2), (4) and (5).
 */
import { CONTINUE, PARK, type Process, type Waitable, type Yielded } from "../../sim/process";
import { RingQueue } from "../../sim/ring-queue";
import type { Simulation } from "../../sim/simulation";
import { InvariantViolation } from "../../sim/invariant";
import { selfDeadlock } from "../../sim/ownership";
import { LockStats } from "./lock-stats";
import { ReaderHolds } from "./reader-holds";
import { NO_LINE, type LockWordLine, type RwLockObserver, type TimedRwLock } from "./rwlock-timed";

export const _QW_LOCKED = 0x0ff;
export const _QW_WAITING = 0x100;
export const _QW_WMASK = 0x1ff;
export const _QR_BIAS = 1 << 9;

export interface QrwlockOptions {
  /** The line `cnts` and `wait_lock` share; NO_LINE (the default) makes every operation free. */
  line?: LockWordLine;
}

export class Qrwlock implements TimedRwLock, Waitable {
  /** _QW_LOCKED: a writer holds the lock. */
  protected wlocked = false;
  /** _QW_WAITING: the writer at the head of wait_lock waits for the readers to leave. */
  protected waiting = false;
  /** _QR_BIAS units in cnts: readers inside, the head reader spinning on _QW_LOCKED, irq spinners, transient biases. */
  protected readerBias = 0;
  /** Of readerBias: biases of process-context readers that saw a writer bit and have not yet landed their atomic_sub. */
  private transient = 0;
  private transientSinceNs = 0;
  private transientTotalNs = 0;
  private inside = 0;
  private writer: Process<any> | null = null;
  private writerSinceNs = 0;
  private readonly readHolds: ReaderHolds;
  /** wait_lock: its holder, and the tasks whose enqueue atomic has landed, in FIFO order (the front claims next). */
  private waitLockHolder: Process<any> | null = null;
  private readonly waitQueue = new RingQueue<Process<any>>();
  /** The head writer parked in atomic_cond_read_relaxed(VAL == _QW_WAITING). */
  private headWriterSpinner: Process<any> | null = null;
  /** The head reader parked in atomic_cond_read_acquire(!(VAL & _QW_LOCKED)). */
  private headReaderSpinner: Process<any> | null = null;
  /** Interrupt-context readers keeping their bias while they spin for !_QW_LOCKED. */
  private readonly irqSpinners: Array<Process<any>> = [];
  readonly stats: LockStats;
  readonly line: LockWordLine;
  observer: RwLockObserver | null = null;
  writerCmpxchgRetries = 0;

  constructor(
    readonly sim: Simulation,
    readonly name: string,
    options: QrwlockOptions = {},
  ) {
    this.stats = new LockStats(name);
    this.readHolds = new ReaderHolds(this, this.stats, "read_lock");
    sim.registerLock(this);
    this.line = options.line ?? NO_LINE;
  }

  isHeldBy(task: Process<any>): boolean {
    return this.writer === task || this.readHolds.has(task);
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

  /** Failed readers' biases in cnts right now. */
  get transientBiases(): number {
    return this.transient;
  }

  /** queued_rwlock_is_contended(): arch_spin_is_locked(&wait_lock), i.e. the qspinlock word is non-zero. */
  queued_rwlock_is_contended(): boolean {
    return this.waitLockHolder !== null || this.waitQueue.length > 0;
  }

  is_contended(): boolean {
    return this.queued_rwlock_is_contended();
  }

  /** Tasks holding or queued on wait_lock. */
  get queued(): number {
    return (this.waitLockHolder ? 1 : 0) + this.waitQueue.length;
  }

  transientBiasNs(): number {
    return this.transientTotalNs + (this.transient > 0 ? this.sim.now - this.transientSinceNs : 0);
  }

  resetCounters(): void {
    this.writerCmpxchgRetries = 0;
    this.transientTotalNs = 0;
    this.transientSinceNs = this.sim.now;
  }

  // ---- readers ---------------------------------------------------------------------------------------------------

  /** read_lock() = queued_read_lock(): returns once the reader is inside. */
  *read_lock(task: Process<any>, cpu: number, inInterrupt = false): Generator<Yielded, void, unknown> {
    const askNs = this.sim.now;
    // atomic_add_return_acquire(_QR_BIAS, &lock->cnts)
    const d = this.line.atomic(cpu);
    if (d > 0) yield d;
    this.readerBias++;
    this.observer?.firstAtomicLanded(task, false);
    if (!this.wlocked && !this.waiting) {
      this.enterRead(task, askNs, true);
      return;
    }
    yield* this.queued_read_lock_slowpath(task, cpu, inInterrupt, askNs);
  }

  private *queued_read_lock_slowpath(
    task: Process<any>,
    cpu: number,
    inInterrupt: boolean,
    askNs: number,
  ): Generator<Yielded, void, unknown> {
    if (this.writer === task) throw selfDeadlock(task, this, "read_lock", "holds for write");
    if (this.sim.trace) this.sim.record(task.name, "wait", this.name);
    if (inInterrupt) {
      // atomic_cond_read_acquire(&lock->cnts, !(VAL & _QW_LOCKED)), keeping the bias: passes a waiting writer.
      while (this.wlocked) {
        this.irqSpinners.push(task);
        task.waitingOn = this;
        yield PARK;
      }
      const rd = this.line.read(cpu);
      if (rd > 0) yield rd;
      this.enterRead(task, askNs, false);
      return;
    }
    // The bias added by the fast path is still in cnts: it holds off the head writer until the atomic_sub lands.
    this.biasIn();
    const d = this.line.atomic(cpu);
    if (d > 0) yield d;
    this.readerBias--;
    this.biasOut();
    this.cntsChanged();
    yield* this.arch_spin_lock(task, cpu);
    // At the head: atomic_add(_QR_BIAS), then atomic_cond_read_acquire(!(VAL & _QW_LOCKED)).
    const a = this.line.atomic(cpu);
    if (a > 0) yield a;
    this.readerBias++;
    while (this.wlocked) {
      if (this.sim.trace) this.sim.record(task.name, "head-spinning", this.name);
      this.headReaderSpinner = task;
      task.waitingOn = this;
      yield PARK;
    }
    const rd = this.line.read(cpu);
    if (rd > 0) yield rd;
    this.enterRead(task, askNs, false);
    // Signal the next one in queue to become queue head.
    yield* this.arch_spin_unlock(task, cpu);
  }

  /** read_unlock() = queued_read_unlock(): atomic_sub_return_release(_QR_BIAS). */
  *read_unlock(task: Process<any>, cpu: number): Generator<Yielded, void, unknown> {
    if (!this.readHolds.leave(task, this.sim.now)) {
      throw new InvariantViolation(
        `qrwlock ${this.name}`,
        this.sim.now,
        `'${task.name}' read-unlocked without holding the read lock`,
      );
    }
    const d = this.line.atomic(cpu);
    if (d > 0) yield d;
    this.inside--;
    this.readerBias--;
    if (this.sim.trace) this.sim.record(task.name, "release", this.name);
    this.cntsChanged();
  }

  // ---- writers ---------------------------------------------------------------------------------------------------

  /** write_lock() = queued_write_lock(): returns once the writer holds the lock. */
  *write_lock(task: Process<any>, cpu: number): Generator<Yielded, void, unknown> {
    const askNs = this.sim.now;
    // atomic_try_cmpxchg_acquire(&lock->cnts, &cnts, _QW_LOCKED) with cnts = 0
    const d = this.line.atomic(cpu);
    if (d > 0) yield d;
    this.observer?.firstAtomicLanded(task, true);
    if (this.cnts === 0) {
      this.enterWrite(task, askNs);
      return;
    }
    yield* this.queued_write_lock_slowpath(task, cpu, askNs);
  }

  private *queued_write_lock_slowpath(
    task: Process<any>,
    cpu: number,
    askNs: number,
  ): Generator<Yielded, void, unknown> {
    if (this.isHeldBy(task)) throw selfDeadlock(task, this, "write_lock");
    if (this.sim.trace) this.sim.record(task.name, "wait", this.name);
    this.observer?.writerSlowPath(task);
    yield* this.arch_spin_lock(task, cpu);
    // Try to acquire the lock directly if no reader is present: atomic_read, then atomic_cmpxchg_acquire.
    const rd = this.line.read(cpu);
    if (rd > 0) yield rd;
    if (this.cnts === 0) {
      const c = this.line.atomic(cpu);
      if (c > 0) yield c;
      if (this.cnts === 0) {
        this.enterWrite(task, askNs);
        yield* this.arch_spin_unlock(task, cpu);
        return;
      }
      this.cmpxchgFailed(task);
    }
    // Set the waiting flag to notify readers that a writer is pending: until this lands, fast-path readers get in.
    const a = this.line.atomic(cpu);
    if (a > 0) yield a;
    this.waiting = true;
    if (this.sim.trace) this.sim.record(task.name, "head-waiting", this.name);
    this.observer?.writerWaiting(task);
    // When no more readers or writers, set the locked flag.
    for (;;) {
      while (this.cnts !== _QW_WAITING) {
        this.headWriterSpinner = task;
        task.waitingOn = this;
        yield PARK;
      }
      // atomic_cond_read_relaxed's read of the changed line, then the cmpxchg.
      const rd = this.line.read(cpu);
      if (rd > 0) yield rd;
      if (this.cnts !== _QW_WAITING) continue;
      const c = this.line.atomic(cpu);
      if (c > 0) yield c;
      if (this.cnts === _QW_WAITING) break;
      this.cmpxchgFailed(task);
    }
    this.waiting = false;
    this.enterWrite(task, askNs);
    yield* this.arch_spin_unlock(task, cpu);
  }

  /** write_unlock() = queued_write_unlock(): smp_store_release(&lock->wlocked, 0). */
  *write_unlock(task: Process<any>, cpu: number): Generator<Yielded, void, unknown> {
    if (this.writer !== task) {
      throw new InvariantViolation(
        `qrwlock ${this.name}`,
        this.sim.now,
        `'${task.name}' write-unlocked a lock held by '${this.writer?.name ?? "nobody"}'`,
      );
    }
    this.stats.write.holdNs.record(this.sim.now - this.writerSinceNs);
    const d = this.line.atomic(cpu);
    if (d > 0) yield d;
    this.writer = null;
    task.locksHeld--;
    this.wlocked = false;
    if (this.sim.trace) this.sim.record(task.name, "release", this.name);
    this.cntsChanged();
  }

  // ---- wait_lock: a queued spinlock on the same line -------------------------------------------------------------

  /** arch_spin_lock(&lock->wait_lock): queued_spin_lock, then queued_spin_lock_slowpath when it is taken. */
  private *arch_spin_lock(task: Process<any>, cpu: number): Generator<Yielded, void, unknown> {
    // atomic_try_cmpxchg_acquire(&lock->val, 0, _Q_LOCKED_VAL)
    const d = this.line.atomic(cpu);
    if (d > 0) yield d;
    if (this.waitLockHolder === null && this.waitQueue.length === 0) {
      this.waitLockHolder = task;
      return;
    }
    // Contended: fetch_or(_Q_PENDING_VAL) or xchg_tail lands and fixes the FIFO place.
    const q = this.line.atomic(cpu);
    if (q > 0) yield q;
    this.waitQueue.push(task);
    // Parked until the holder's unlock lands with this task at the front (arch_spin_unlock wakes only the front).
    if (this.waitLockHolder !== null || this.waitQueue.peek() !== task) {
      task.waitingOn = this;
      yield PARK;
    }
    // At the front and the word's locked byte clear: atomic_cond_read_acquire(!(VAL & _Q_LOCKED_PENDING_MASK)),
    // then the claim (clear_pending_set_locked / set_locked / the tail cmpxchg).
    const rd = this.line.read(cpu);
    if (rd > 0) yield rd;
    const c = this.line.atomic(cpu);
    if (c > 0) yield c;
    if (this.waitQueue.shift() !== task || this.waitLockHolder !== null) {
      throw new InvariantViolation(
        `qrwlock ${this.name} wait_lock`,
        this.sim.now,
        `'${task.name}' claimed out of turn`,
      );
    }
    this.waitLockHolder = task;
  }

  /** arch_spin_unlock(&lock->wait_lock): smp_store_release(&lock->locked, 0); the next queued task claims it. */
  private *arch_spin_unlock(task: Process<any>, cpu: number): Generator<Yielded, void, unknown> {
    if (this.waitLockHolder !== task) {
      throw new InvariantViolation(
        `qrwlock ${this.name} wait_lock`,
        this.sim.now,
        `'${task.name}' released wait_lock held by '${this.waitLockHolder?.name ?? "nobody"}'`,
      );
    }
    const d = this.line.atomic(cpu);
    if (d > 0) yield d;
    this.waitLockHolder = null;
    const next = this.waitQueue.peek();
    // The front waiter, parked behind the holder, now sees the word free (one that is not parked is already
    // claiming: it found the word free when its enqueue atomic landed).
    if (next !== undefined && next.waitingOn === this) this.resume(next);
  }

  // ---- waiting ---------------------------------------------------------------------------------------------------

  /** Wakes whoever spins on a condition that now holds. */
  private cntsChanged(): void {
    const w = this.headWriterSpinner;
    if (w !== null && this.cnts === _QW_WAITING) {
      this.headWriterSpinner = null;
      this.resume(w);
    }
    if (!this.wlocked) {
      const r = this.headReaderSpinner;
      if (r !== null) {
        this.headReaderSpinner = null;
        this.resume(r);
      }
      if (this.irqSpinners.length > 0) for (const t of this.irqSpinners.splice(0)) this.resume(t);
    }
  }

  private cmpxchgFailed(task: Process<any>): void {
    this.writerCmpxchgRetries++;
    if (this.sim.trace) this.sim.record(task.name, "cmpxchg-failed", this.name);
    this.observer?.writerCmpxchgFailed(task);
  }

  private biasIn(): void {
    if (this.transient++ === 0) this.transientSinceNs = this.sim.now;
  }

  private biasOut(): void {
    if (--this.transient === 0) this.transientTotalNs += this.sim.now - this.transientSinceNs;
  }

  // ---- entry, with the invariants --------------------------------------------------------------------------------

  private enterRead(task: Process<any>, askNs: number, fast: boolean): void {
    if (this.wlocked) {
      throw new InvariantViolation(
        `qrwlock ${this.name}`,
        this.sim.now,
        `reader '${task.name}' entered while writer '${this.writer?.name}' holds the lock`,
      );
    }
    if (fast && this.waiting) {
      throw new InvariantViolation(
        `qrwlock ${this.name}`,
        this.sim.now,
        `process-context reader '${task.name}' passed a waiting writer`,
      );
    }
    this.inside++;
    this.readHolds.enter(task, this.sim.now, this.sim.now - askNs);
    if (this.sim.trace) this.sim.record(task.name, "acquired-read", this.name);
    this.observer?.readerEntered(task, fast);
  }

  private enterWrite(task: Process<any>, askNs: number): void {
    if (this.wlocked || this.inside > 0 || this.readerBias > 0) {
      throw new InvariantViolation(
        `qrwlock ${this.name}`,
        this.sim.now,
        `writer '${task.name}' entered with ${this.inside} reader(s) inside${this.wlocked ? ` and writer '${this.writer?.name}' holding it` : ""}`,
      );
    }
    this.wlocked = true;
    this.writer = task;
    task.locksHeld++;
    this.writerSinceNs = this.sim.now;
    this.stats.write.granted(this.sim.now - askNs);
    if (this.sim.trace) this.sim.record(task.name, "acquired-write", this.name);
  }

  // ---- the first model's instantaneous face ----------------------------------------------------------------------

  /**
   * queued_read_lock(task) as the first model had it, for callers that `yield` its result (src/kernel/kvm/
   * mmu-invalidate.ts): CONTINUE when the reader is in at once, PARK when it must wait (the lock then finishes the
   * acquisition and wakes it). Only without a line (every operation free), where the steps never take time.
   */
  queued_read_lock(task: Process<any>, inInterrupt = false): number {
    return this.drive(task, this.read_lock(task, 0, inInterrupt));
  }

  queued_read_unlock(task: Process<any>): void {
    this.driveToEnd(task, this.read_unlock(task, 0));
  }

  queued_write_lock(task: Process<any>): number {
    return this.drive(task, this.write_lock(task, 0));
  }

  queued_write_unlock(task: Process<any>): void {
    this.driveToEnd(task, this.write_unlock(task, 0));
  }

  /** Tasks on the instantaneous face that are parked inside an acquisition, with the acquisition to resume. */
  private readonly driven = new Map<Process<any>, Generator<Yielded, void, unknown>>();

  private drive(task: Process<any>, g: Generator<Yielded, void, unknown>): number {
    if (this.line !== NO_LINE)
      throw new Error(`qrwlock ${this.name}: the instantaneous face needs a lock without a line; yield* read_lock()`);
    const r = g.next();
    if (r.done) return CONTINUE;
    if (r.value !== PARK) throw new Error(`qrwlock ${this.name}: a step took time on the instantaneous face`);
    this.driven.set(task, g);
    return PARK;
  }

  private driveToEnd(task: Process<any>, g: Generator<Yielded, void, unknown>): void {
    if (this.drive(task, g) !== CONTINUE) throw new Error(`qrwlock ${this.name}: an unlock waited`);
  }

  /** Wakes a parked task: one on the instantaneous face has its acquisition resumed here, and is woken once in. */
  private resume(task: Process<any>): void {
    const g = this.driven.get(task);
    if (g === undefined) {
      this.sim.wake(task);
      return;
    }
    task.waitingOn = null;
    const r = g.next();
    if (!r.done) {
      if (r.value !== PARK) throw new Error(`qrwlock ${this.name}: a step took time on the instantaneous face`);
      return;
    }
    this.driven.delete(task);
    this.sim.wake(task);
  }

  subscribe(): boolean {
    throw new Error(`yield* ${this.name}.read_lock(task, cpu) or write_lock(task, cpu), not the lock itself`);
  }

  unsubscribe(task: Process<any>): void {
    throw new Error(
      `qrwlock ${this.name}: '${task.name}' cannot be interrupted while spinning (spinners do not take interrupts here)`,
    );
  }
}
