/**
 * A FIFO mutual-exclusion resource (SimPy's Resource with capacity 1): the generic queueing server. Kernel locks
 * with their own semantics live in src/kernel/locking; this one knows nothing of Linux.
 */
import { CONTINUE, PARK, type Process, type Waitable } from "./process";
import { RingQueue } from "./ring-queue";
import type { Simulation } from "./simulation";
import { InvariantViolation } from "./invariant";
import { selfDeadlock, type Holdable } from "./ownership";
import type { Trace } from "./trace";

export class FifoMutex implements Waitable, Holdable {
  private owner: Process<any> | null = null;
  private readonly waiters = new RingQueue<Process<any>>();
  /** Grants in the measurement window. */
  acquisitions = 0;
  /** The simulation's trace, looked up once: it is fixed when the simulation is made. */
  private readonly trace: Trace | null;
  /** Its statistic for the measurement window: the acquisition count. */
  readonly stats = { reset: () => (this.acquisitions = 0) };

  constructor(
    readonly sim: Simulation,
    readonly name = "mutex",
  ) {
    this.trace = sim.trace;
    sim.registerLock(this);
  }

  isHeldBy(p: Process<any>): boolean {
    return this.owner === p;
  }

  get holder(): Process<any> | null {
    return this.owner;
  }

  get queueLength(): number {
    return this.waiters.length;
  }

  /** `yield m.lock(p)`: CONTINUE if free, else queues p FIFO and PARKs until unlock hands it over. */
  lock(p: Process<any>): number {
    return this.tryLock(p) ? CONTINUE : this.lockSlow(p);
  }

  /**
   * The fast path alone: takes the mutex if free and returns true. Hot loops write
   * `if (!m.tryLock(p)) yield m.lockSlow(p);`, which saves the generator resumption that `yield CONTINUE` costs.
   */
  tryLock(p: Process<any>): boolean {
    if (this.owner !== null) return false;
    this.owner = p;
    p.locksHeld++;
    this.acquisitions++;
    if (this.trace) this.sim.record(p.name, "acquired", this.name);
    return true;
  }

  /** The slow path: queue FIFO and PARK until unlock hands the mutex over. */
  lockSlow(p: Process<any>): number {
    if (this.owner === p) throw selfDeadlock(p, this, "lock");
    if (this.trace) this.sim.record(p.name, "wait", this.name);
    this.waiters.push(p);
    p.waitingOn = this;
    return PARK;
  }

  /** Releases the mutex, handing it to the first waiter. */
  unlock(p: Process<any>): void {
    if (this.owner !== p) {
      throw new InvariantViolation(
        `mutex ${this.name}`,
        this.sim.now,
        `'${p.name}' unlocked a mutex held by '${this.owner?.name ?? "nobody"}'`,
      );
    }
    if (this.trace) this.sim.record(p.name, "release", this.name);
    p.locksHeld--;
    const next = this.waiters.shift();
    if (next === undefined) {
      this.owner = null;
      return;
    }
    this.owner = next;
    next.locksHeld++;
    this.acquisitions++;
    if (this.trace) this.sim.record(next.name, "acquired", this.name);
    this.sim.wake(next);
  }

  subscribe(): boolean {
    throw new Error(`yield ${this.name}.lock(p), not the mutex itself`);
  }

  unsubscribe(p: Process<any>): void {
    this.waiters.remove(p);
  }
}
