/**
 * A FIFO queued spinlock, after kernel/locking/qspinlock.c (Linux 6.6; queued_spin_lock_slowpath read at
 * torvalds/linux @0200fbdd4315, a newer copy with the same algorithm) and include/asm-generic/qspinlock.h
 * (queued_spin_lock, queued_spin_trylock; @035688290a74, a 4.2-era copy whose unlock is an atomic_sub where 6.6
 * stores 0 to the locked byte): queued_spin_lock() takes the lock word with one cmpxchg (0 -> _Q_LOCKED_VAL) when it
 * is free; otherwise the task joins the MCS queue (the pending bit only changes who spins where, not the order) and
 * spins until it is at the head and the lock is released. Waiting spins, burning the waiter's CPU. Hand-off to the
 * next waiter can cost a cache-line transfer (`handoffNs`).
 */
import { CONTINUE, PARK, type Process, type Waitable } from "../../sim/process";
import { RingQueue } from "../../sim/ring-queue";
import type { Simulation } from "../../sim/simulation";
import { InvariantViolation } from "../../sim/invariant";
import { selfDeadlock } from "../../sim/ownership";
import { LockSideStats } from "./lock-stats";

export interface SpinlockOptions {
  /** Time for the next waiter to see the release (a cache-line transfer), ns. */
  handoffNs?: number;
}

export class QueuedSpinlock implements Waitable {
  private owner: Process<any> | null = null;
  private ownerSinceNs = 0;
  private readonly queue = new RingQueue<Process<any>>();
  readonly stats: LockSideStats;
  private readonly handoffNs: number;

  constructor(
    readonly sim: Simulation,
    readonly name: string,
    options: SpinlockOptions = {},
  ) {
    this.stats = new LockSideStats(name, "lock");
    this.handoffNs = options.handoffNs ?? 0;
    sim.registerLock(this);
  }

  isHeldBy(task: Process<any>): boolean {
    return this.owner === task;
  }

  get holder(): Process<any> | null {
    return this.owner;
  }

  /** Tasks spinning in the queue. */
  get waiters(): number {
    return this.queue.length;
  }

  /** queued_spin_lock(): CONTINUE when the lock was free, else PARK until it is handed over. */
  queued_spin_lock(task: Process<any>): number {
    if (this.owner === null && this.queue.length === 0) {
      this.grant(task, 0);
      return CONTINUE;
    }
    return this.queued_spin_lock_slowpath(task);
  }

  /** queued_spin_trylock(): takes the lock only if free. */
  queued_spin_trylock(task: Process<any>): boolean {
    if (this.owner !== null || this.queue.length > 0) return false;
    this.grant(task, 0);
    return true;
  }

  /** Joins the MCS queue; the task spins until unlock hands it the lock. */
  private queued_spin_lock_slowpath(task: Process<any>): number {
    if (this.owner === task) throw selfDeadlock(task, this, "queued_spin_lock");
    task.waitStartNs = this.sim.now;
    task.waitingOn = this;
    this.queue.push(task);
    if (this.sim.trace) this.sim.record(task.name, "wait", this.name);
    return PARK;
  }

  /** queued_spin_unlock(): releases; the queue head gets the lock after the hand-off time. */
  queued_spin_unlock(task: Process<any>): void {
    if (this.owner !== task) {
      throw new InvariantViolation(
        `spinlock ${this.name}`,
        this.sim.now,
        `'${task.name}' released a lock held by '${this.owner?.name ?? "nobody"}'`,
      );
    }
    this.stats.holdNs.record(this.sim.now - this.ownerSinceNs);
    task.locksHeld--;
    if (this.sim.trace) this.sim.record(task.name, "release", this.name);
    const next = this.queue.shift();
    this.owner = null;
    if (next === undefined) return;
    // The lock is in transit to `next`: nobody else can take it meanwhile (FIFO).
    const at = this.sim.now + this.handoffNs;
    this.grant(next, at - next.waitStartNs, at);
    this.sim.wakeAfter(next, this.handoffNs);
  }

  private grant(task: Process<any>, waitedNs: number, atNs = this.sim.now): void {
    if (this.owner !== null) {
      throw new InvariantViolation(
        `spinlock ${this.name}`,
        this.sim.now,
        `'${task.name}' acquired while '${this.owner.name}' holds it`,
      );
    }
    this.owner = task;
    task.locksHeld++;
    this.ownerSinceNs = atNs;
    this.stats.granted(waitedNs);
    if (this.sim.trace) this.sim.trace.record(atNs, task.name, "acquired", this.name);
  }

  subscribe(): boolean {
    throw new Error(`yield ${this.name}.queued_spin_lock(task), not the lock itself`);
  }

  /** An interrupted waiter leaves the queue. */
  unsubscribe(task: Process<any>): void {
    this.queue.remove(task);
  }
}
