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

type Locks = {
  spin: QueuedSpinlock;
  qrw: Qrwlock;
  pref: ReaderPreferringRwlock;
  sem: Rwsem;
};
const primitives: Record<keyof Locks, string> = {
  spin: "QueuedSpinlock 'zone->lock'",
  qrw: "Qrwlock 'mmu_lock'",
  pref: "ReaderPreferringRwlock 'rwlock'",
  sem: "Rwsem 'mmap_lock'",
};
const ops = {
  spin: { lock: (l: Locks) => call((t) => l.spin.queued_spin_lock(t)) },
  qrw: {
    read: (l: Locks) => (t: Process<any>) => l.qrw.read_lock(t, 0),
    write: (l: Locks) => (t: Process<any>) => l.qrw.write_lock(t, 0),
  },
  pref: {
    read: (l: Locks) => (t: Process<any>) => l.pref.read_lock(t, 0),
    write: (l: Locks) => (t: Process<any>) => l.pref.write_lock(t, 0),
  },
  sem: { read: (l: Locks) => call((t) => l.sem.down_read(t)), write: (l: Locks) => call((t) => l.sem.down_write(t)) },
};

interface Case {
  name: string;
  lock: keyof Locks;
  first: (l: Locks) => Op;
  second: (l: Locks) => Op;
  /** The operation the error names, and what it says the task already holds. */
  operation: string;
  how: RegExp;
}

const HOLDS = /which it already holds /;
const cases: Case[] = [
  {
    name: "qspinlock: lock twice",
    lock: "spin",
    first: ops.spin.lock,
    second: ops.spin.lock,
    operation: "queued_spin_lock",
    how: HOLDS,
  },
  {
    name: "qrwlock: write lock twice",
    lock: "qrw",
    first: ops.qrw.write,
    second: ops.qrw.write,
    operation: "write_lock",
    how: HOLDS,
  },
  {
    name: "qrwlock: read lock while holding it for write",
    lock: "qrw",
    first: ops.qrw.write,
    second: ops.qrw.read,
    operation: "read_lock",
    how: /holds for write/,
  },
  {
    name: "qrwlock: write lock while holding it for read",
    lock: "qrw",
    first: ops.qrw.read,
    second: ops.qrw.write,
    operation: "write_lock",
    how: HOLDS,
  },
  {
    name: "qrwlock: recursive read lock",
    lock: "qrw",
    first: ops.qrw.read,
    second: ops.qrw.read,
    operation: "read_lock",
    how: /holds for read/,
  },
  {
    name: "reader-preferring rwlock: write lock while holding it for read",
    lock: "pref",
    first: ops.pref.read,
    second: ops.pref.write,
    operation: "write_lock",
    how: HOLDS,
  },
  {
    name: "reader-preferring rwlock: read lock while holding it for write",
    lock: "pref",
    first: ops.pref.write,
    second: ops.pref.read,
    operation: "read_lock",
    how: /holds for write/,
  },
  {
    name: "rwsem: down_write twice",
    lock: "sem",
    first: ops.sem.write,
    second: ops.sem.write,
    operation: "down_write",
    how: HOLDS,
  },
  {
    name: "rwsem: down_read while holding it for write",
    lock: "sem",
    first: ops.sem.write,
    second: ops.sem.read,
    operation: "down_read",
    how: /holds for write/,
  },
  {
    name: "rwsem: recursive down_read",
    lock: "sem",
    first: ops.sem.read,
    second: ops.sem.read,
    operation: "down_read",
    how: /holds for read/,
  },
];

function locks(sim: Simulation): Locks {
  return {
    spin: new QueuedSpinlock(sim, "zone->lock"),
    qrw: new Qrwlock(sim, "mmu_lock"),
    pref: new ReaderPreferringRwlock(sim, "rwlock"),
    sem: new Rwsem(sim, "mmap_lock"),
  };
}

for (const c of cases) {
  test(`self-deadlock is an error: ${c.name}`, () => {
    const sim = new Simulation();
    const l = locks(sim);
    const k = { primitive: primitives[c.lock], operation: c.operation, how: c.how };
    sim.spawn("task", function* (self) {
      yield 2;
      yield* c.first(l)(self);
      yield 3;
      yield* c.second(l)(self);
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

  test(`finishing while holding is an error: ${c.name}, after its first lock`, () => {
    const sim = new Simulation();
    const l = locks(sim);
    const k = { primitive: primitives[c.lock] };
    sim.spawn("task", function* (self) {
      yield 4;
      yield* c.first(l)(self);
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
