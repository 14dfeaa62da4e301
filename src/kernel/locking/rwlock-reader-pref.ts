/**
 * A reader-preferring spinning rwlock, for contrast with qrwlock: the classic rwlock_t before queued rwlocks, x86's
 * arch_rwlock as read at torvalds/linux arch/x86/include/asm/spinlock.h @dc731ca60954 (a 2.6.2x copy:
 * __raw_read_lock = `lock subl $1` / jns, else __read_lock_failed; __raw_write_lock = `lock subl $RW_LOCK_BIAS` / jz,
 * else __write_lock_failed; unlocks `lock incl` / `lock addl $RW_LOCK_BIAS`) and arch/x86/lib/rwlock.S
 * @4625cd637919 (the slow paths: undo the subtraction, spin reading until the count allows, subtract again). The
 * model keeps the shape, not every atomic: a reader gets in whenever no writer holds the lock, and a writer spins
 * until the reader count drops to zero. Under a steady stream of overlapping readers a writer can wait forever:
 * writer starvation.
 *
 * Its operations cost the same line atomics as qrwlock's fast paths (rwlock-timed.ts): a reader's atomic (and,
 * after spinning behind a writer, one more to retry; x86 also spends one undoing its failed decrement), a writer's
 * atomic (and one per retry; x86 spends two, the undo and the new subtraction, which is a `lock subl`, not a
 * cmpxchg), one per unlock. A released writer lets every spinning reader in at once (their retries queue on the line
 * after it), which is the preference; spinning writers are served in FIFO order so reruns are reproducible (on x86
 * they race). Not modelled: while a failing writer's subtraction is not yet undone, arriving readers fail too.
 */
import { PARK, type Process, type Waitable, type Yielded } from "../../sim/process";
import { RingQueue } from "../../sim/ring-queue";
import type { Simulation } from "../../sim/simulation";
import { InvariantViolation } from "../../sim/invariant";
import { selfDeadlock } from "../../sim/ownership";
import { LockStats } from "./lock-stats";
import { ReaderHolds } from "./reader-holds";
import { NO_LINE, type LockWordLine, type RwLockObserver, type TimedRwLock } from "./rwlock-timed";

export class ReaderPreferringRwlock implements TimedRwLock, Waitable {
  private wlocked = false;
  private inside = 0;
  private writer: Process<any> | null = null;
  private writerSinceNs = 0;
  private readonly readHolds: ReaderHolds;
  private readonly spinningReaders: Array<Process<any>> = [];
  private readonly spinningWriters = new RingQueue<Process<any>>();
  /** The first spinning writer: the one that retries its cmpxchg whenever the lock looks free. */
  private headWriter: Process<any> | null = null;
  readonly stats: LockStats;
  readonly line: LockWordLine;
  observer: RwLockObserver | null = null;
  writerCmpxchgRetries = 0;

  constructor(
    readonly sim: Simulation,
    readonly name: string,
    options: { line?: LockWordLine } = {},
  ) {
    this.stats = new LockStats(name);
    this.readHolds = new ReaderHolds(this, this.stats, "read_lock");
    sim.registerLock(this);
    this.line = options.line ?? NO_LINE;
  }

  get readersInside(): number {
    return this.inside;
  }

  get writeLocked(): boolean {
    return this.wlocked;
  }

  is_contended(): boolean {
    return this.spinningReaders.length > 0 || this.spinningWriters.length > 0 || this.headWriter !== null;
  }

  transientBiasNs(): number {
    return 0;
  }

  resetCounters(): void {
    this.writerCmpxchgRetries = 0;
  }

  isHeldBy(task: Process<any>): boolean {
    return this.writer === task || this.readHolds.has(task);
  }

  *read_lock(task: Process<any>, cpu: number): Generator<Yielded, void, unknown> {
    const askNs = this.sim.now;
    const d = this.line.atomic(cpu);
    if (d > 0) yield d;
    this.observer?.firstAtomicLanded(task, false);
    if (!this.wlocked) {
      this.enterRead(task, askNs, true);
      return;
    }
    if (this.writer === task) throw selfDeadlock(task, this, "read_lock", "holds for write");
    if (this.sim.trace) this.sim.record(task.name, "wait", this.name);
    this.spinningReaders.push(task);
    task.waitingOn = this;
    // Let in at the writer's release (see write_unlock); the retry atomic follows.
    yield PARK;
    const r = this.line.atomic(cpu);
    if (r > 0) yield r;
    this.readHolds.enter(task, this.sim.now, this.sim.now - askNs);
    if (this.sim.trace) this.sim.record(task.name, "acquired-read", this.name);
    this.observer?.readerEntered(task, false);
  }

  *read_unlock(task: Process<any>, cpu: number): Generator<Yielded, void, unknown> {
    if (!this.readHolds.leave(task, this.sim.now))
      throw new InvariantViolation(
        `rwlock ${this.name}`,
        this.sim.now,
        `'${task.name}' read-unlocked without holding it`,
      );
    const d = this.line.atomic(cpu);
    if (d > 0) yield d;
    this.inside--;
    if (this.sim.trace) this.sim.record(task.name, "release", this.name);
    if (this.inside === 0) this.wakeWriter();
  }

  *write_lock(task: Process<any>, cpu: number): Generator<Yielded, void, unknown> {
    const askNs = this.sim.now;
    const d = this.line.atomic(cpu);
    if (d > 0) yield d;
    this.observer?.firstAtomicLanded(task, true);
    if (!this.wlocked && this.inside === 0 && this.spinningWriters.length === 0 && this.headWriter === null) {
      this.enterWrite(task, askNs);
      return;
    }
    if (this.isHeldBy(task)) throw selfDeadlock(task, this, "write_lock");
    if (this.sim.trace) this.sim.record(task.name, "wait", this.name);
    this.observer?.writerSlowPath(task);
    this.spinningWriters.push(task);
    this.wakeWriter();
    for (;;) {
      if (this.headWriter !== task || this.wlocked || this.inside > 0) {
        task.waitingOn = this;
        yield PARK;
      }
      // Woken when the lock looked free: the cmpxchg retry, which a reader landing first defeats.
      const r = this.line.atomic(cpu);
      if (r > 0) yield r;
      if (!this.wlocked && this.inside === 0) break;
      this.writerCmpxchgRetries++;
      this.observer?.writerCmpxchgFailed(task);
    }
    this.headWriter = null;
    this.enterWrite(task, askNs);
  }

  *write_unlock(task: Process<any>, cpu: number): Generator<Yielded, void, unknown> {
    if (this.writer !== task)
      throw new InvariantViolation(
        `rwlock ${this.name}`,
        this.sim.now,
        `'${task.name}' write-unlocked a lock held by '${this.writer?.name ?? "nobody"}'`,
      );
    this.stats.write.holdNs.record(this.sim.now - this.writerSinceNs);
    const d = this.line.atomic(cpu);
    if (d > 0) yield d;
    this.writer = null;
    task.locksHeld--;
    this.wlocked = false;
    if (this.sim.trace) this.sim.record(task.name, "release", this.name);
    // Spinning readers win the race for the lock word: that is the preference.
    if (this.spinningReaders.length > 0) {
      for (const t of this.spinningReaders.splice(0)) {
        this.inside++;
        this.sim.wake(t);
      }
      return;
    }
    this.wakeWriter();
  }

  /** The lock looks free to the first spinning writer: it retries its cmpxchg. */
  private wakeWriter(): void {
    if (this.headWriter === null) this.headWriter = this.spinningWriters.shift() ?? null;
    const w = this.headWriter;
    if (w === null || this.wlocked || this.inside > 0) return;
    if (w.waitingOn === this) this.sim.wake(w);
  }

  private enterRead(task: Process<any>, askNs: number, fast: boolean): void {
    if (this.wlocked)
      throw new InvariantViolation(
        `rwlock ${this.name}`,
        this.sim.now,
        `reader '${task.name}' entered while a writer holds the lock`,
      );
    this.inside++;
    this.readHolds.enter(task, this.sim.now, this.sim.now - askNs);
    if (this.sim.trace) this.sim.record(task.name, "acquired-read", this.name);
    this.observer?.readerEntered(task, fast);
  }

  private enterWrite(task: Process<any>, askNs: number): void {
    if (this.wlocked || this.inside > 0) {
      throw new InvariantViolation(
        `rwlock ${this.name}`,
        this.sim.now,
        `writer '${task.name}' entered with ${this.inside} reader(s) inside`,
      );
    }
    this.wlocked = true;
    this.writer = task;
    task.locksHeld++;
    this.writerSinceNs = this.sim.now;
    this.stats.write.granted(this.sim.now - askNs);
    if (this.sim.trace) this.sim.record(task.name, "acquired-write", this.name);
  }

  subscribe(): boolean {
    throw new Error(`yield* ${this.name}.read_lock(task, cpu) or write_lock(task, cpu), not the lock itself`);
  }

  unsubscribe(task: Process<any>): void {
    throw new Error(`rwlock ${this.name}: '${task.name}' cannot be interrupted while spinning`);
  }
}
