/**
 * A reader-preferring spinning rwlock, for contrast with qrwlock: the classic rwlock_t before queued rwlocks
 * (e.g. x86's arch_rwlock of Linux 3.x, arch/x86/include/asm/spinlock.h), in which a reader gets in whenever no
 * writer holds the lock, and a writer spins until the reader count drops to zero. Under a steady stream of
 * overlapping readers a writer can wait forever: writer starvation.
 */
import { CONTINUE, PARK, type Process, type Waitable } from "../../sim/process";
import { RingQueue } from "../../sim/ring-queue";
import type { Simulation } from "../../sim/simulation";
import { InvariantViolation } from "../../sim/invariant";
import { RECURSIVE_READ, selfDeadlock } from "../../sim/ownership";
import { LockStats, type RwLock } from "./lock-stats";

export class ReaderPreferringRwlock implements RwLock, Waitable {
  private wlocked = false;
  private inside = 0;
  private writer: Process<any> | null = null;
  private writerSinceNs = 0;
  private readonly readerSinceNs = new Map<Process<any>, number>();
  private readonly spinningReaders: Array<Process<any>> = [];
  /** Spinning writers; the one that wins the cmpxchg is taken in FIFO order so reruns are reproducible. */
  private readonly spinningWriters = new RingQueue<Process<any>>();
  readonly stats: LockStats;

  constructor(
    readonly sim: Simulation,
    readonly name: string,
    private readonly handoffNs = 0,
  ) {
    this.stats = new LockStats(name);
    sim.registerLock(this);
  }

  isHeldBy(task: Process<any>): boolean {
    return this.writer === task || this.readerSinceNs.has(task);
  }

  get readersInside(): number {
    return this.inside;
  }

  get writeLocked(): boolean {
    return this.wlocked;
  }

  readLock(task: Process<any>): number {
    if (!this.wlocked) {
      this.enterRead(task, this.sim.now, this.sim.now);
      return CONTINUE;
    }
    if (this.writer === task) throw selfDeadlock(task, this, "readLock", "holds for write");
    task.waitStartNs = this.sim.now;
    task.waitingOn = this;
    this.spinningReaders.push(task);
    if (this.sim.trace) this.sim.record(task.name, "wait", this.name);
    return PARK;
  }

  readUnlock(task: Process<any>): void {
    const since = this.readerSinceNs.get(task);
    if (since === undefined)
      throw new InvariantViolation(
        `rwlock ${this.name}`,
        this.sim.now,
        `'${task.name}' read-unlocked without holding it`,
      );
    this.readerSinceNs.delete(task);
    task.locksHeld--;
    this.stats.read.holdNs.record(this.sim.now - since);
    this.inside--;
    if (this.sim.trace) this.sim.record(task.name, "release", this.name);
    if (this.inside === 0) this.admitWriter();
  }

  writeLock(task: Process<any>): number {
    if (!this.wlocked && this.inside === 0 && this.spinningWriters.length === 0) {
      this.enterWrite(task, this.sim.now, this.sim.now);
      return CONTINUE;
    }
    if (this.isHeldBy(task)) throw selfDeadlock(task, this, "writeLock");
    task.waitStartNs = this.sim.now;
    task.waitingOn = this;
    this.spinningWriters.push(task);
    if (this.sim.trace) this.sim.record(task.name, "wait", this.name);
    return PARK;
  }

  writeUnlock(task: Process<any>): void {
    if (this.writer !== task)
      throw new InvariantViolation(
        `rwlock ${this.name}`,
        this.sim.now,
        `'${task.name}' write-unlocked a lock held by '${this.writer?.name ?? "nobody"}'`,
      );
    this.stats.write.holdNs.record(this.sim.now - this.writerSinceNs);
    this.writer = null;
    task.locksHeld--;
    this.wlocked = false;
    if (this.sim.trace) this.sim.record(task.name, "release", this.name);
    // Spinning readers win the race for the lock word: that is the preference.
    if (this.spinningReaders.length > 0) {
      const at = this.sim.now + this.handoffNs;
      for (const t of this.spinningReaders.splice(0)) {
        this.enterRead(t, t.waitStartNs, at);
        this.sim.wakeAfter(t, this.handoffNs);
      }
      return;
    }
    this.admitWriter();
  }

  private admitWriter(): void {
    const next = this.spinningWriters.shift();
    if (next === undefined) return;
    const at = this.sim.now + this.handoffNs;
    this.enterWrite(next, next.waitStartNs, at);
    this.sim.wakeAfter(next, this.handoffNs);
  }

  private enterRead(task: Process<any>, arrivedNs: number, atNs: number): void {
    if (this.wlocked)
      throw new InvariantViolation(
        `rwlock ${this.name}`,
        this.sim.now,
        `reader '${task.name}' entered while a writer holds the lock`,
      );
    this.inside++;
    const readers = this.readerSinceNs.size;
    this.readerSinceNs.set(task, atNs);
    if (this.readerSinceNs.size === readers) throw selfDeadlock(task, this, "readLock", RECURSIVE_READ);
    task.locksHeld++;
    this.stats.read.granted(atNs - arrivedNs);
    if (this.sim.trace) this.sim.trace.record(atNs, task.name, "acquired-read", this.name);
  }

  private enterWrite(task: Process<any>, arrivedNs: number, atNs: number): void {
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
    this.writerSinceNs = atNs;
    this.stats.write.granted(atNs - arrivedNs);
    if (this.sim.trace) this.sim.trace.record(atNs, task.name, "acquired-write", this.name);
  }

  subscribe(): boolean {
    throw new Error(`yield ${this.name}.readLock(task) or writeLock(task), not the lock itself`);
  }

  unsubscribe(task: Process<any>): void {
    throw new Error(`rwlock ${this.name}: '${task.name}' cannot be interrupted while spinning`);
  }
}
