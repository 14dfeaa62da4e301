/**
 * A sleeping reader-writer semaphore after kernel/locking/rwsem.c, as mmap_lock and the 6.4-6.6 per-VMA lock use it.
 * Read against GrapheneOS/kernel_common-6.1 @dfdcb1dd (kernel/locking/rwsem.c of the Android 6.1 kernel, the same
 * fast paths as 6.6 apart from Android vendor hooks, which the model leaves out) and torvalds/linux @0f9368b5 (the
 * 5.8-era file: the same __down_read_trylock loop written as do/while from RWSEM_UNLOCKED_VALUE).
 *
 * - down_read(): __down_read_common() -> rwsem_read_trylock(): atomic_long_add_return_acquire(RWSEM_READER_BIAS),
 *   then rwsem_set_reader_owned() (an atomic_long_read and atomic_long_set of sem->owner, on the same line as
 *   sem->count); it fails on RWSEM_READ_FAILED_MASK (writer, waiters, hand-off) and rwsem_down_read_slowpath() queues
 *   and sleeps.
 * - down_read_trylock() -> __down_read_trylock(): tmp = atomic_long_read(&sem->count); while !(tmp &
 *   RWSEM_READ_FAILED_MASK) try atomic_long_try_cmpxchg_acquire(&sem->count, &tmp, tmp + RWSEM_READER_BIAS), and on
 *   success rwsem_set_reader_owned(). A read, then a cmpxchg that fails (and reloads tmp) whenever another CPU changed
 *   the count in between: D10 of the fidelity review, modelled on the semaphore's CacheLine (src/kernel/cpu/
 *   cacheline.ts: the cmpxchg fails under lineModel "queued"; under "fixed" it is one atomic that cannot fail).
 * - down_write(): rwsem_write_trylock(): cmpxchg 0 -> RWSEM_WRITER_LOCKED, then rwsem_set_owner() (a store to
 *   sem->owner); otherwise rwsem_down_write_slowpath() queues and sleeps. up_write(): rwsem_clear_owner() then
 *   atomic_long_fetch_add_release(-RWSEM_WRITER_LOCKED). up_read(): atomic_long_add_return_release(-READER_BIAS)
 *   (rwsem_clear_reader_owned() is empty without CONFIG_DEBUG_RWSEMS).
 * - up_read()/up_write() call rwsem_wake() -> rwsem_mark_wake(): a writer at the head of the queue is woken alone;
 *   a reader at the head wakes every reader in the queue (up to MAX_READERS_WAKEUP), writers between them
 *   notwithstanding (the phase-fair rule in rwsem_mark_wake's comment).
 *
 * Simplifications, stated: the lock passes straight to the woken tasks (as with RWSEM_FLAG_HANDOFF set), so
 * optimistic spinning and readers' lock stealing are not modelled; a woken task runs after `wakeupNs` (scheduler
 * latency) and burns no CPU while asleep. Who gets the lock is decided when the access is issued; the line's cost
 * (CacheLine) is paid after, so a cmpxchg that a writer overtook on the line fails only if the writer's own access
 * was issued first. The slow paths' wait_lock (a raw spinlock on the same structure) costs nothing here.
 */
import { CONTINUE, PARK, type Process, type Waitable, type Yielded } from "../../sim/process";
import { RingQueue } from "../../sim/ring-queue";
import type { Simulation } from "../../sim/simulation";
import { InvariantViolation } from "../../sim/invariant";
import { RECURSIVE_READ, selfDeadlock } from "../../sim/ownership";
import type { CacheLine } from "../cpu/cacheline";
import { LockStats } from "./lock-stats";
import { ReaderHolds } from "./reader-holds";

export const MAX_READERS_WAKEUP = 0x100;

interface Waiter {
  task: Process<any>;
  write: boolean;
}

export interface RwsemOptions {
  /** The cache line holding `sem->count`; each atomic on it costs a transfer. */
  line?: CacheLine;
  /**
   * The line holding `sem->owner` when it is not `line` (mmap_lock in 5.14+ mm_structs, laid out so that count and
   * owner straddle two lines: commit 2e3025434a6b's comment in include/linux/mm_types.h). Owner stores then go there
   * and the CPU does not wait for them; without it they are local accesses on `line` right after the atomic.
   */
  ownerLine?: CacheLine;
  /** Scheduler wake-up latency of a sleeping waiter, ns. */
  wakeupNs?: number;
}

export class Rwsem implements Waitable {
  private readers = 0;
  private writer: Process<any> | null = null;
  private writerSinceNs = 0;
  private readonly readHolds: ReaderHolds;
  private readonly waitList = new RingQueue<Waiter>();
  readonly stats: LockStats;
  private readonly line?: CacheLine;
  private readonly ownerLine?: CacheLine;
  private readonly wakeupNs: number;
  /** down_read_trylock() calls that reached the semaphore's line, and the cmpxchg retries they made. */
  trylocks = 0;
  trylockRetries = 0;

  constructor(
    readonly sim: Simulation,
    readonly name: string,
    options: RwsemOptions = {},
  ) {
    this.stats = new LockStats(name);
    this.readHolds = new ReaderHolds(this, this.stats, "down_read");
    this.line = options.line;
    this.ownerLine = options.ownerLine;
    this.wakeupNs = options.wakeupNs ?? 0;
    sim.registerLock(this);
  }

  isHeldBy(task: Process<any>): boolean {
    return this.writer === task || this.readHolds.has(task);
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

  /**
   * An atomic on sem->count followed by `ownerOps` accesses to sem->owner: local accesses on the same line, or one
   * store on the owner's own line that the CPU does not wait for.
   */
  private atomicCost(cpu: number, ownerOps = 0): number {
    if (!this.line) return 0;
    if (this.ownerLine) {
      const ns = this.line.atomic(cpu);
      if (ownerOps > 0) this.ownerLine.storeAsync(cpu);
      return ns;
    }
    return this.line.atomic(cpu, ownerOps);
  }

  /** down_read(): a delay (the atomic's cost; CONTINUE when free) once granted, or PARK to sleep. */
  down_read(task: Process<any>, cpu = 0): number {
    // rwsem_read_trylock(): fetch_add; on success rwsem_set_reader_owned() reads and stores sem->owner.
    const free = this.writer === null && this.waitList.length === 0;
    const cost = this.atomicCost(cpu, free ? 2 : 0);
    if (free) {
      this.enterRead(task, this.sim.now, this.sim.now + cost);
      return cost > 0 ? cost : CONTINUE;
    }
    return this.rwsem_down_read_slowpath(task, cost);
  }

  /**
   * down_read_trylock() -> __down_read_trylock(): the caller yields* it and gets true when granted. The read of
   * sem->count, then (unless it shows a writer or waiters) the try_cmpxchg loop and rwsem_set_reader_owned()'s read
   * and store of sem->owner, all on the semaphore's line.
   */
  *down_read_trylock(task: Process<any>, cpu = 0): Generator<Yielded, boolean, unknown> {
    const line = this.line;
    if (!line) {
      if (this.writer !== null || this.waitList.length > 0) return false;
      this.enterRead(task, this.sim.now, this.sim.now);
      return true;
    }
    this.trylocks++;
    // tmp = atomic_long_read(&sem->count); the value it returned is captured before anyone else touches the line.
    const readNs = line.read(cpu);
    const tmp = line.observedVersion;
    yield readNs;
    if (this.writer !== null || this.waitList.length > 0) return false; // tmp & RWSEM_READ_FAILED_MASK
    const failuresBefore = line.cmpxchgFailures;
    const cost = line.cmpxchg(cpu, tmp, this.ownerLine ? 0 : 2);
    this.trylockRetries += line.cmpxchgFailures - failuresBefore;
    // A writer whose access was issued first won the line: the failed cmpxchg reloads tmp with WRITER_LOCKED set.
    if (this.writer !== null || this.waitList.length > 0) {
      yield cost;
      return false;
    }
    this.enterRead(task, this.sim.now, this.sim.now + cost);
    this.ownerLine?.storeAsync(cpu);
    yield cost;
    return true;
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
    if (!this.readHolds.leave(task, this.sim.now))
      throw new InvariantViolation(`rwsem ${this.name}`, this.sim.now, `'${task.name}' up_read without holding it`);
    this.readers--;
    if (this.sim.trace) this.sim.record(task.name, "release", this.name);
    const cost = this.atomicCost(cpu);
    if (this.readers === 0) this.rwsem_wake();
    return cost > 0 ? cost : CONTINUE;
  }

  /** down_write(): granted after the atomic's cost, or PARK to sleep. */
  down_write(task: Process<any>, cpu = 0): number {
    // rwsem_write_trylock(): cmpxchg 0 -> RWSEM_WRITER_LOCKED, then rwsem_set_owner() stores sem->owner.
    const free = this.writer === null && this.readers === 0 && this.waitList.length === 0;
    const cost = this.atomicCost(cpu, free ? 1 : 0);
    if (free) {
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
    // rwsem_clear_owner() (a store to sem->owner), then fetch_add_release(-RWSEM_WRITER_LOCKED).
    const cost = this.atomicCost(cpu, 1);
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
    this.readHolds.fromWrite(task, this.sim.now);
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
    this.readHolds.enter(task, atNs, Math.max(0, atNs - arrivedNs), false);
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
