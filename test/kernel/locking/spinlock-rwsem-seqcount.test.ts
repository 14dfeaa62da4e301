import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../../src/sim/simulation";
import { InvariantViolation } from "../../../src/sim/invariant";
import { QueuedSpinlock } from "../../../src/kernel/locking/qspinlock";
import { Rwsem } from "../../../src/kernel/locking/rwsem";
import { Seqcount } from "../../../src/kernel/locking/seqcount";
import { CacheLine } from "../../../src/kernel/cpu/cacheline";
import { Topology } from "../../../src/kernel/cpu/topology";

test("queued spinlock: FIFO order of waiters, exact trace, hand-off cost", () => {
  const sim = new Simulation({ trace: true });
  const lock = new QueuedSpinlock(sim, "ptl", { handoffNs: 3 });
  const spec: Array<[string, number, number]> = [
    ["A", 0, 10],
    ["C", 2, 5],
    ["B", 1, 5],
    ["D", 12, 1],
  ];
  for (const [name, at, hold] of spec) {
    sim.spawn(name, function* (self) {
      yield at;
      yield lock.queued_spin_lock(self);
      yield hold;
      lock.queued_spin_unlock(self);
    });
  }
  sim.run();
  assert.deepEqual(sim.trace!.lines(), [
    "0 A acquired ptl",
    "1 B wait ptl",
    "2 C wait ptl",
    "10 A release ptl",
    "13 B acquired ptl", // B queued before C; the hand-off costs 3 ns
    "12 D wait ptl",
    "18 B release ptl",
    "21 C acquired ptl",
    "26 C release ptl",
    "29 D acquired ptl",
    "30 D release ptl",
  ]);
  assert.equal(lock.stats.waitNs.max, 21 - 2); // C
  assert.equal(lock.stats.spinNs, 12 + 19 + 17);
});

test("queued spinlock: trylock fails when held or queued; foreign unlock is a violation", () => {
  const sim = new Simulation();
  const lock = new QueuedSpinlock(sim, "L");
  sim.spawn("A", function* (self) {
    assert.equal(lock.queued_spin_trylock(self), true);
    yield 5;
    lock.queued_spin_unlock(self);
  });
  sim.spawn("B", function* (self) {
    yield 1;
    assert.equal(lock.queued_spin_trylock(self), false);
    lock.queued_spin_unlock(self);
  });
  assert.throws(
    () => sim.run(),
    (e: unknown) =>
      e instanceof InvariantViolation && e.timeNs === 1 && /'B' released a lock held by 'A'/.test(e.message),
  );
});

test("rwsem: a queued writer blocks later readers; a reader at the head wakes every queued reader (phase-fair)", () => {
  const sim = new Simulation({ trace: true });
  const sem = new Rwsem(sim, "mmap_lock", { wakeupNs: 2 });
  const plan: Array<[string, number, "r" | "w", number]> = [
    ["R1", 0, "r", 20],
    ["W1", 5, "w", 10],
    ["R2", 6, "r", 4],
    ["W2", 7, "w", 3],
    ["R3", 8, "r", 4],
  ];
  for (const [name, at, kind, hold] of plan) {
    sim.spawn(name, function* (self) {
      yield at;
      if (kind === "w") {
        yield sem.down_write(self);
        yield hold;
        yield sem.up_write(self);
      } else {
        yield sem.down_read(self);
        yield hold;
        yield sem.up_read(self);
      }
    });
  }
  sim.run();
  assert.deepEqual(
    sim.trace!.lines().filter((l) => l.includes("acquired")),
    [
      "0 R1 acquired-read mmap_lock",
      "22 W1 acquired-write mmap_lock", // R1 leaves at 20, W1 wakes 2 ns later
      "34 R2 acquired-read mmap_lock", // W1 leaves at 32: the head is a reader, so both queued readers go
      "34 R3 acquired-read mmap_lock",
      "40 W2 acquired-write mmap_lock",
    ],
  );
});

test("rwsem on a shared cache line: each atomic pays a transfer, and atomics serialise", () => {
  const sim = new Simulation();
  const topo = new Topology({ cpus: 4, cpusPerSocket: 2 });
  const line = new CacheLine(sim, "mm->mmap_lock", topo, { localNs: 1, sameSocketNs: 50, crossSocketNs: 200 });
  const sem = new Rwsem(sim, "mmap_lock", { line });
  const granted: Record<string, number> = {};
  for (const cpu of [0, 1, 2]) {
    sim.spawn(`t${cpu}`, function* (self) {
      yield sem.down_read(self, cpu);
      granted[`t${cpu}`] = sim.now;
    });
  }
  sim.run();
  // cpu0 takes the line first (nobody owned it: local cost), cpu1 waits for that and pays a same-socket transfer,
  // cpu2 then pays a cross-socket transfer; each then reads and stores sem->owner on the line it holds
  // (rwsem_set_reader_owned: 2 x 1 ns, not serialised with the others' atomics).
  assert.deepEqual(granted, { t0: 3, t1: 53, t2: 253 });
  assert.equal(line.crossSocketTransfers, 1);
  assert.equal(line.busyNsTotal, 251);
});

test("cache line: reads are local until someone writes", () => {
  const sim = new Simulation();
  const line = new CacheLine(sim, "x", new Topology({ cpus: 2 }), { localNs: 1, sameSocketNs: 40, crossSocketNs: 100 });
  line.atomic(0);
  assert.equal(line.read(1), 40);
  assert.equal(line.read(1), 1);
  line.atomic(0);
  assert.equal(line.read(1), 40);
});

test("seqcount: readers retry across a write; nested writers are a violation", () => {
  const sim = new Simulation();
  const s = new Seqcount(sim, "mm_lock_seq");
  const start = s.read_seqcount_begin();
  assert.equal(s.read_seqcount_retry(start), false);
  s.write_seqcount_begin();
  assert.equal(s.writing, true);
  assert.equal(s.read_seqcount_retry(start), true);
  const during = s.read_seqcount_begin();
  s.write_seqcount_end();
  assert.equal(s.read_seqcount_retry(during), true, "a section begun during a write must retry");
  assert.equal(s.retries, 2);
  s.write_seqcount_begin("first");
  assert.throws(() => s.write_seqcount_begin("second"), /'second' began a write inside another write/);
});
