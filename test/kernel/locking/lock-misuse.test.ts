/**
 * Self-deadlock and a lock held at exit, on every kernel lock: each is a LockMisuse naming the process, the primitive
 * and the time (issue 18, engine leniencies).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../../src/sim/simulation";
import { LockMisuse } from "../../../src/sim/invariant";
import { CONTINUE, type Process, type Yielded } from "../../../src/sim/process";
import { QueuedSpinlock } from "../../../src/kernel/locking/qspinlock";
import { Qrwlock } from "../../../src/kernel/locking/qrwlock";
import { ReaderPreferringRwlock } from "../../../src/kernel/locking/rwlock-reader-pref";
import { Rwsem } from "../../../src/kernel/locking/rwsem";

/** A lock operation as a generator (the timed locks' API); a CONTINUE/PARK call is wrapped by `call`. */
type Op = (self: Process<any>) => Generator<Yielded, void, unknown>;
const call = (f: (self: Process<any>) => number): Op =>
  function* (self) {
    const y = f(self);
    if (y !== CONTINUE) yield y;
  };
interface Case {
  name: string;
  make: (sim: Simulation) => { primitive: string; first: Op; second: Op; operation: string; how: RegExp };
}

const cases: Case[] = [
  {
    name: "qspinlock: lock twice",
    make: (sim) => {
      const l = new QueuedSpinlock(sim, "zone->lock");
      return {
        primitive: "QueuedSpinlock 'zone->lock'",
        first: call((t) => l.queued_spin_lock(t)),
        second: call((t) => l.queued_spin_lock(t)),
        operation: "queued_spin_lock",
        how: /which it already holds /,
      };
    },
  },
  {
    name: "qrwlock: write lock twice",
    make: (sim) => {
      const l = new Qrwlock(sim, "mmu_lock");
      return {
        primitive: "Qrwlock 'mmu_lock'",
        first: (t) => l.write_lock(t, 0),
        second: (t) => l.write_lock(t, 0),
        operation: "write_lock",
        how: /which it already holds /,
      };
    },
  },
  {
    name: "qrwlock: read lock while holding it for write",
    make: (sim) => {
      const l = new Qrwlock(sim, "mmu_lock");
      return {
        primitive: "Qrwlock 'mmu_lock'",
        first: (t) => l.write_lock(t, 0),
        second: (t) => l.read_lock(t, 0),
        operation: "read_lock",
        how: /holds for write/,
      };
    },
  },
  {
    name: "qrwlock: write lock while holding it for read",
    make: (sim) => {
      const l = new Qrwlock(sim, "mmu_lock");
      return {
        primitive: "Qrwlock 'mmu_lock'",
        first: (t) => l.read_lock(t, 0),
        second: (t) => l.write_lock(t, 0),
        operation: "write_lock",
        how: /which it already holds /,
      };
    },
  },
  {
    name: "qrwlock: recursive read lock",
    make: (sim) => {
      const l = new Qrwlock(sim, "mmu_lock");
      return {
        primitive: "Qrwlock 'mmu_lock'",
        first: (t) => l.read_lock(t, 0),
        second: (t) => l.read_lock(t, 0),
        operation: "read_lock",
        how: /holds for read/,
      };
    },
  },
  {
    name: "reader-preferring rwlock: write lock while holding it for read",
    make: (sim) => {
      const l = new ReaderPreferringRwlock(sim, "rwlock");
      return {
        primitive: "ReaderPreferringRwlock 'rwlock'",
        first: (t) => l.read_lock(t, 0),
        second: (t) => l.write_lock(t, 0),
        operation: "write_lock",
        how: /which it already holds /,
      };
    },
  },
  {
    name: "reader-preferring rwlock: read lock while holding it for write",
    make: (sim) => {
      const l = new ReaderPreferringRwlock(sim, "rwlock");
      return {
        primitive: "ReaderPreferringRwlock 'rwlock'",
        first: (t) => l.write_lock(t, 0),
        second: (t) => l.read_lock(t, 0),
        operation: "read_lock",
        how: /holds for write/,
      };
    },
  },
  {
    name: "rwsem: down_write twice",
    make: (sim) => {
      const l = new Rwsem(sim, "mmap_lock");
      return {
        primitive: "Rwsem 'mmap_lock'",
        first: call((t) => l.down_write(t)),
        second: call((t) => l.down_write(t)),
        operation: "down_write",
        how: /which it already holds /,
      };
    },
  },
  {
    name: "rwsem: down_read while holding it for write",
    make: (sim) => {
      const l = new Rwsem(sim, "mmap_lock");
      return {
        primitive: "Rwsem 'mmap_lock'",
        first: call((t) => l.down_write(t)),
        second: call((t) => l.down_read(t)),
        operation: "down_read",
        how: /holds for write/,
      };
    },
  },
  {
    name: "rwsem: recursive down_read",
    make: (sim) => {
      const l = new Rwsem(sim, "mmap_lock");
      return {
        primitive: "Rwsem 'mmap_lock'",
        first: call((t) => l.down_read(t)),
        second: call((t) => l.down_read(t)),
        operation: "down_read",
        how: /holds for read/,
      };
    },
  },
];

for (const c of cases) {
  test(`self-deadlock is an error: ${c.name}`, () => {
    const sim = new Simulation();
    const k = c.make(sim);
    sim.spawn("task", function* (self) {
      yield 2;
      yield* k.first(self);
      yield 3;
      yield* k.second(self);
    });
    assert.throws(
      () => sim.run(),
      (e: unknown) =>
        e instanceof LockMisuse &&
        e.processName === "task" &&
        e.primitive === k.primitive &&
        e.timeNs === 5 &&
        e.message.includes(`process 'task' called ${k.operation} on ${k.primitive}`) &&
        k.how.test(e.message),
    );
  });

  test(`finishing while holding is an error: ${c.name.split(":")[0]}`, () => {
    const sim = new Simulation();
    const k = c.make(sim);
    sim.spawn("task", function* (self) {
      yield 4;
      yield* k.first(self);
      yield 6;
    });
    assert.throws(
      () => sim.run(),
      (e: unknown) =>
        e instanceof LockMisuse &&
        e.processName === "task" &&
        e.primitive === k.primitive &&
        e.timeNs === 10 &&
        e.message === `process 'task' finished at t=10 ns while holding ${k.primitive}`,
    );
  });
}

test("a lock handed over while the new owner is parked counts as the new owner's (no false alarm)", () => {
  const sim = new Simulation();
  const spin = new QueuedSpinlock(sim, "l", { handoffNs: 5 });
  // Every atomic on the qrwlock's line takes 3 ns and a read 1 ns, so grants land after a delay.
  const rw = new Qrwlock(sim, "rw", { line: { atomic: () => 3, read: () => 1 } });
  const sem = new Rwsem(sim, "sem", { wakeupNs: 7 });
  for (const name of ["a", "b", "c"]) {
    sim.spawn(name, function* (self) {
      yield spin.queued_spin_lock(self);
      yield 10;
      spin.queued_spin_unlock(self);
      yield* rw.write_lock(self, 0);
      yield 4;
      yield* rw.write_unlock(self, 0);
      yield* rw.read_lock(self, 0);
      yield 2;
      yield* rw.read_unlock(self, 0);
      yield sem.down_read(self);
      yield 2;
      yield sem.up_read(self);
      yield sem.down_write(self);
      yield 1;
      yield sem.up_write(self);
    });
  }
  sim.run();
  assert.ok(sim.now > 0);
  assert.equal(sim.liveProcesses, 0);
});
