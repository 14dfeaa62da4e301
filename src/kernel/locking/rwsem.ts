/**
 * A sleeping reader-writer semaphore after kernel/locking/rwsem.c (Linux 6.6), as mmap_lock and the 6.4 per-VMA
 * lock use it.
 *
 * - down_read(): rwsem_read_trylock() adds RWSEM_READER_BIAS and succeeds unless the count shows a writer, waiters
 *   or a hand-off (RWSEM_READ_FAILED_MASK); otherwise rwsem_down_read_slowpath() queues and sleeps.
 * - down_write(): cmpxchg 0 -> RWSEM_WRITER_LOCKED; otherwise rwsem_down_write_slowpath() queues and sleeps.
 * - up_read()/up_write() call rwsem_wake() -> rwsem_mark_wake(): a writer at the head of the queue is woken alone;
 *   a reader at the head wakes every reader in the queue (up to MAX_READERS_WAKEUP), writers between them
 *   notwithstanding (the phase-fair rule in rwsem_mark_wake's comment).
 *
 * Simplifications, stated: the lock passes straight to the woken tasks (as with RWSEM_FLAG_HANDOFF set), so
 * optimistic spinning and readers' lock stealing are not modelled; a woken task runs after `wakeupNs` (scheduler
 * latency) and burns no CPU while asleep. When the semaphore's count lives on a shared cache line, every atomic on
 * it pays the line's transfer cost (CacheLine), which is what limits mmap_lock's read side under many faulting CPUs.
 */
import { CONTINUE, PARK, type Process, type Waitable } from "../../sim/process";
import { RingQueue } from "../../sim/ring-queue";
import type { Simulation } from "../../sim/simulation";
import { InvariantViolation } from "../../sim/invariant";
import { RECURSIVE_READ, selfDeadlock } from "../../sim/ownership";
import type { CacheLine } from "../cpu/cacheline";
import { LockStats } from "./lock-stats";

export const MAX_READERS_WAKEUP = 0x100;

interface Waiter {
  task: Process<any>;
  write: boolean;
}

export interface RwsemOptions {
  /** The cache line holding `sem->count`; each atomic on it costs a transfer. */
  line?: CacheLine;
  /** Scheduler wake-up latency of a sleeping waiter, ns. */
  wakeupNs?: number;
}

export class Rwsem implements Waitable {
  private readers = 0;
  private writer: Process<any> | null = null;
  private writerSinceNs = 0;
  private readonly readerSinceNs = new Map<Process<any>, number>();
  private readonly waitList = new RingQueue<Waiter>();
  readonly stats: LockStats;
  private readonly line?: CacheLine;
  private readonly wakeupNs: number;
  /** Cost of the last trylock's atomic, ns, for the caller to yield (a trylock's answer is needed at once). */
  lastCostNs = 0;

  constructor(
    readonly sim: Simulation,
    readonly name: string,
    options: RwsemOptions = {},
  ) {
    this.stats = new LockStats(name);
    this.line = options.line;
    this.wakeupNs = options.wakeupNs ?? 0;
    sim.registerLock(this);
  }

  isHeldBy(task: Process<any>): boolean {
    return this.writer === task || this.readerSinceNs.has(task);
  }

  get readersInside(): number {
    return this.readers;
  }

  get writeLocked(): boolean {
    return this.writer !== null;
  }

  /** Tasks asleep on the wait list. */
  get waiters(): number {
    return this.waitList.length;
  }

  /** rwsem_is_contended(). */
  rwsem_is_contended(): boolean {
    return this.waitList.length > 0;
  }

  private atomicCost(cpu: number): number {
    return this.line ? this.line.atomic(cpu) : 0;
  }

  /** down_read(): a delay (the atomic's cost; CONTINUE when free) once granted, or PARK to sleep. */
  down_read(task: Process<any>, cpu = 0): number {
    const cost = this.atomicCost(cpu);
    if (this.writer === null && this.waitList.length === 0) {
      this.enterRead(task, this.sim.now, this.sim.now + cost);
      return cost > 0 ? cost : CONTINUE;
    }
    return this.rwsem_down_read_slowpath(task, cost);
  }

  /** down_read_trylock(): true when granted; the atomic's cost is left in lastCostNs for the caller to yield. */
  down_read_trylock(task: Process<any>, cpu = 0): boolean {
    const cost = this.atomicCost(cpu);
    this.lastCostNs = cost;
    if (this.writer === null && this.waitList.length === 0) {
      this.enterRead(task, this.sim.now, this.sim.now + cost);
      return true;
    }
    return false;
  }

  private rwsem_down_read_slowpath(task: Process<any>, costNs: number): number {
    if (this.isHeldBy(task))
      throw selfDeadlock(task, this, "down_read", this.writer === task ? "holds for write" : RECURSIVE_READ);
    task.waitStartNs = this.sim.now + costNs;
    task.waitingOn = this;
    this.waitList.push({ task, write: false });
    if (this.sim.trace) this.sim.record(task.name, "wait-read", this.name);
    return PARK;
  }

  up_read(task: Process<any>, cpu = 0): number {
    const since = this.readerSinceNs.get(task);
    if (since === undefined)
      throw new InvariantViolation(`rwsem ${this.name}`, this.sim.now, `'${task.name}' up_read without holding it`);
    this.readerSinceNs.delete(task);
    task.locksHeld--;
    this.stats.read.holdNs.record(this.sim.now - since);
    this.readers--;
    if (this.sim.trace) this.sim.record(task.name, "release", this.name);
    const cost = this.atomicCost(cpu);
    if (this.readers === 0) this.rwsem_wake();
    return cost > 0 ? cost : CONTINUE;
  }

  /** down_write(): granted after the atomic's cost, or PARK to sleep. */
  down_write(task: Process<any>, cpu = 0): number {
    const cost = this.atomicCost(cpu);
    if (this.writer === null && this.readers === 0 && this.waitList.length === 0) {
      this.enterWrite(task, this.sim.now, this.sim.now + cost);
      return cost > 0 ? cost : CONTINUE;
    }
    if (this.isHeldBy(task)) throw selfDeadlock(task, this, "down_write");
    task.waitStartNs = this.sim.now + cost;
    task.waitingOn = this;
    this.waitList.push({ task, write: true });
    if (this.sim.trace) this.sim.record(task.name, "wait-write", this.name);
    return PARK;
  }

  up_write(task: Process<any>, cpu = 0): number {
    if (this.writer !== task)
      throw new InvariantViolation(
        `rwsem ${this.name}`,
        this.sim.now,
        `'${task.name}' up_write on a semaphore held by '${this.writer?.name ?? "nobody"}'`,
      );
    this.stats.write.holdNs.record(this.sim.now - this.writerSinceNs);
    this.writer = null;
    task.locksHeld--;
    if (this.sim.trace) this.sim.record(task.name, "release", this.name);
    const cost = this.atomicCost(cpu);
    this.rwsem_wake();
    return cost > 0 ? cost : CONTINUE;
  }

  /** downgrade_write(): the writer becomes a reader, and queued readers are woken. */
  downgrade_write(task: Process<any>): void {
    if (this.writer !== task)
      throw new InvariantViolation(
        `rwsem ${this.name}`,
        this.sim.now,
        `'${task.name}' downgrade_write without holding it`,
      );
    this.stats.write.holdNs.record(this.sim.now - this.writerSinceNs);
    this.writer = null;
    this.readers++;
    this.readerSinceNs.set(task, this.sim.now);
    this.stats.read.granted(0, false);
    const first = this.waitList.peek();
    if (first && !first.write) this.wakeReaders();
  }

  /** rwsem_wake() -> rwsem_mark_wake(RWSEM_WAKE_ANY). */
  private rwsem_wake(): void {
    const first = this.waitList.peek();
    if (first === undefined || this.writer !== null) return;
    if (first.write) {
      if (this.readers > 0) return;
      this.waitList.shift();
      this.grant(first);
      return;
    }
    this.wakeReaders();
  }

  /** The reader phase: every queued reader (up to MAX_READERS_WAKEUP) gets the lock; queued writers keep their place. */
  private wakeReaders(): void {
    const keep: Waiter[] = [];
    let woken = 0;
    while (this.waitList.length > 0) {
      const w = this.waitList.shift()!;
      if (!w.write && woken < MAX_READERS_WAKEUP) {
        this.grant(w);
        woken++;
      } else keep.push(w);
    }
    for (const w of keep) this.waitList.push(w);
  }

  private grant(w: Waiter): void {
    const at = this.sim.now + this.wakeupNs;
    if (w.write) this.enterWrite(w.task, w.task.waitStartNs, at);
    else this.enterRead(w.task, w.task.waitStartNs, at);
    this.sim.wakeAfter(w.task, this.wakeupNs);
  }

  private enterRead(task: Process<any>, arrivedNs: number, atNs: number): void {
    if (this.writer !== null)
      throw new InvariantViolation(
        `rwsem ${this.name}`,
        this.sim.now,
        `reader '${task.name}' entered while '${this.writer.name}' holds it for write`,
      );
    this.readers++;
    const readers = this.readerSinceNs.size;
    this.readerSinceNs.set(task, atNs);
    if (this.readerSinceNs.size === readers) throw selfDeadlock(task, this, "down_read", RECURSIVE_READ);
    task.locksHeld++;
    this.stats.read.granted(Math.max(0, atNs - arrivedNs), false);
    if (this.sim.trace) this.sim.trace.record(atNs, task.name, "acquired-read", this.name);
  }

  private enterWrite(task: Process<any>, arrivedNs: number, atNs: number): void {
    if (this.writer !== null || this.readers > 0) {
      throw new InvariantViolation(
        `rwsem ${this.name}`,
        this.sim.now,
        `writer '${task.name}' entered with ${this.readers} reader(s)${this.writer ? ` and writer '${this.writer.name}'` : ""} inside`,
      );
    }
    this.writer = task;
    task.locksHeld++;
    this.writerSinceNs = atNs;
    this.stats.write.granted(Math.max(0, atNs - arrivedNs), false);
    if (this.sim.trace) this.sim.trace.record(atNs, task.name, "acquired-write", this.name);
  }

  subscribe(): boolean {
    throw new Error(`yield ${this.name}.down_read(task) or down_write(task), not the semaphore itself`);
  }

  /** A sleeping waiter can be interrupted (a fatal signal in down_read_killable): it leaves the wait list. */
  unsubscribe(task: Process<any>): void {
    for (let i = 0; i < this.waitList.length; i++) {
      const w = this.waitList.at(i)!;
      if (w.task === task) {
        this.waitList.remove(w);
        // A reader leaving the head may let the readers behind it in.
        if (i === 0) this.rwsem_wake();
        return;
      }
    }
  }
}
