/**
 * What every lock records: how long tasks waited and held, per side (read / write), and the CPU time spent spinning
 * (a spinning waiter burns its CPU; a sleeping one does not). Follows no kernel file: the simulator's own
 * instrumentation (the kernel's nearest analogue, CONFIG_LOCK_STAT's wait/hold times in kernel/locking/lockdep.c,
 * is not modelled), plus the RwLock interface that lets a scenario swap lock kinds. lockdep.c read at torvalds/linux
 * @0006ebb4cad2 (a 4.x-era copy): lock_class_stats keeps read_waittime/write_waittime and read_holdtime/
 * write_holdtime per class (lock_time_inc, lock_release_holdtime), the same split by side as here.
 */
import { Histogram } from "../../sim/stats/histogram";

export class LockSideStats {
  readonly waitNs: Histogram;
  readonly holdNs: Histogram;
  acquisitions = 0;
  /** Total ns waiters of this side spent spinning. */
  spinNs = 0;

  constructor(lock: string, side: string) {
    this.waitNs = new Histogram(`${lock} ${side} wait ns`);
    this.holdNs = new Histogram(`${lock} ${side} hold ns`);
  }

  /** One acquisition after `waitedNs` of waiting; `spinning` waiters burn their CPU meanwhile (sleepers do not). */
  granted(waitedNs: number, spinning = true): void {
    this.acquisitions++;
    this.waitNs.record(waitedNs);
    if (spinning) this.spinNs += waitedNs;
  }

  reset(): void {
    this.waitNs.reset();
    this.holdNs.reset();
    this.acquisitions = 0;
    this.spinNs = 0;
  }
}

export class LockStats {
  readonly read: LockSideStats;
  readonly write: LockSideStats;

  constructor(readonly lock: string) {
    this.read = new LockSideStats(lock, "read");
    this.write = new LockSideStats(lock, "write");
  }

  /** Forget what was recorded (end of warm-up). */
  reset(): void {
    this.read.reset();
    this.write.reset();
  }
}

/** The common face of the reader-writer locks, so a scenario can swap one kind for another. */
export interface RwLock {
  readonly name: string;
  readonly stats: LockStats;
  /** `yield lock.readLock(task)`: CONTINUE when granted at once, PARK when the task must wait. */
  readLock(task: import("../../sim/process").Process<any>, inInterrupt?: boolean): number;
  readUnlock(task: import("../../sim/process").Process<any>): void;
  writeLock(task: import("../../sim/process").Process<any>): number;
  writeUnlock(task: import("../../sim/process").Process<any>): void;
  /** Readers inside the critical section now. */
  readonly readersInside: number;
  /** True while a writer holds the lock. */
  readonly writeLocked: boolean;
}
