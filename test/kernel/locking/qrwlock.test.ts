// The queued rwlock against kernel/locking/qrwlock.c's ordering and its line operations, on hand-written scenarios
// with exact traces.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../../src/sim/simulation";
import { CONTINUE, PARK, type Process } from "../../../src/sim/process";
import { InvariantViolation } from "../../../src/sim/invariant";
import { Qrwlock, _QR_BIAS, _QW_WAITING } from "../../../src/kernel/locking/qrwlock";
import { ReaderPreferringRwlock } from "../../../src/kernel/locking/rwlock-reader-pref";
import type { LockWordLine, TimedRwLock } from "../../../src/kernel/locking/rwlock-timed";
import { CacheLine } from "../../../src/kernel/cpu/cacheline";
import { Topology } from "../../../src/kernel/cpu/topology";

type Step = { at: number; who: string; op: "read" | "irq-read" | "write"; holdNs: number };

/** Runs tasks (task i on CPU i) that each take the lock once at `at` and hold it `holdNs`; returns the trace lines. */
function scenario(
  lock: (sim: Simulation) => TimedRwLock,
  steps: Step[],
): { lines: string[]; sim: Simulation; lock: TimedRwLock } {
  const sim = new Simulation({ trace: true });
  const l = lock(sim);
  steps.forEach((s, cpu) => {
    sim.spawn(s.who, function* (self: Process) {
      yield s.at;
      if (s.op === "write") {
        yield* l.write_lock(self, cpu);
        yield s.holdNs;
        yield* l.write_unlock(self, cpu);
      } else {
        yield* l.read_lock(self, cpu, s.op === "irq-read");
        yield s.holdNs;
        yield* l.read_unlock(self, cpu);
      }
    });
  });
  sim.run();
  return { lines: sim.trace!.lines(), sim, lock: l };
}

/** Every atomic and every read takes `ns`, whoever issues it (no serialisation): easy to follow by hand. */
const flat = (ns: number): LockWordLine => ({ atomic: () => ns, read: () => ns });

test("a waiting writer holds off later process-context readers but not interrupt-context ones", () => {
  const { lines } = scenario(
    (sim) => new Qrwlock(sim, "mmu_lock"),
    [
      { at: 0, who: "R1", op: "read", holdNs: 50 },
      { at: 10, who: "W1", op: "write", holdNs: 40 },
      { at: 20, who: "R2", op: "read", holdNs: 5 },
      { at: 25, who: "R3", op: "irq-read", holdNs: 35 },
    ],
  );
  assert.deepEqual(lines, [
    "0 R1 acquired-read mmu_lock",
    "10 W1 wait mmu_lock",
    "10 W1 head-waiting mmu_lock", // holds wait_lock, sets _QW_WAITING
    "20 R2 wait mmu_lock", // its bias saw _QW_WAITING: sub, then queue behind W1
    "25 R3 wait mmu_lock", // in_interrupt(): keeps its bias, spins only on _QW_LOCKED...
    "25 R3 acquired-read mmu_lock", // ...which is clear: it passes the waiting writer
    "50 R1 release mmu_lock",
    "60 R3 release mmu_lock", // the last reader bias goes: cnts == _QW_WAITING
    "60 W1 acquired-write mmu_lock",
    "60 R2 head-spinning mmu_lock", // R2 now holds wait_lock, bias re-added, spins on _QW_LOCKED
    "100 W1 release mmu_lock",
    "100 R2 acquired-read mmu_lock",
    "105 R2 release mmu_lock",
  ]);
});

test("queued readers enter as a batch after a writer; a writer queued behind them still precedes later readers", () => {
  const { lines } = scenario(
    (sim) => new Qrwlock(sim, "L"),
    [
      { at: 0, who: "W1", op: "write", holdNs: 100 },
      { at: 10, who: "Ra", op: "read", holdNs: 30 },
      { at: 20, who: "Rb", op: "read", holdNs: 50 },
      { at: 30, who: "W2", op: "write", holdNs: 10 },
      { at: 40, who: "Rc", op: "read", holdNs: 10 },
    ],
  );
  assert.deepEqual(
    lines.filter((l) => l.includes("acquired")),
    [
      "0 W1 acquired-write L",
      "100 Ra acquired-read L",
      "100 Rb acquired-read L",
      "150 W2 acquired-write L", // waits for the longest remaining reader hold (Rb, until 150)
      "160 Rc acquired-read L", // arrived after W2 queued: after W2, despite being a reader
    ],
  );
});

test("the lock word reads as the kernel's cnts", () => {
  const sim = new Simulation();
  const l = new Qrwlock(sim, "L");
  let seen = -1;
  let contended = false;
  sim.spawn("R", function* (self) {
    yield* l.read_lock(self, 0);
    yield 10;
    yield* l.read_unlock(self, 0);
  });
  sim.spawn("W", function* (self) {
    yield 1;
    yield* l.write_lock(self, 1);
    yield* l.write_unlock(self, 1);
  });
  sim.spawn("probe", function* () {
    yield 5;
    seen = l.cnts;
    contended = l.queued_rwlock_is_contended();
  });
  sim.run();
  assert.equal(seen, _QR_BIAS | _QW_WAITING);
  assert.equal(contended, true);
  assert.equal(l.cnts, 0);
});

test("transient bias: a reader's atomic landing between the head writer's read and its cmpxchg makes it retry", () => {
  // Every line operation takes 10 ns. R1 is in from 10 to 110; W's slow path sets _QW_WAITING at 60. R1's release
  // lands at 120 (cnts == _QW_WAITING); W reads at 130 and issues its cmpxchg, which lands at 140. R2's fast-path
  // atomic lands at 135: its bias is in cnts until its atomic_sub lands at 145, so W's cmpxchg fails at 140, W waits
  // for cnts == _QW_WAITING again (145), reads (155) and wins with the cmpxchg that lands at 165.
  const { lines, lock } = scenario(
    (sim) => new Qrwlock(sim, "L", { line: flat(10) }),
    [
      { at: 0, who: "R1", op: "read", holdNs: 100 },
      { at: 20, who: "W", op: "write", holdNs: 50 },
      { at: 125, who: "R2", op: "read", holdNs: 5 },
    ],
  );
  assert.deepEqual(lines, [
    "10 R1 acquired-read L",
    "30 W wait L", // its cmpxchg(0 -> _QW_LOCKED) landed on R1's bias
    "60 W head-waiting L", // wait_lock cmpxchg (40), atomic_read (50), atomic_add(_QW_WAITING) (60)
    "120 R1 release L",
    "135 R2 wait L", // its bias saw _QW_WAITING; it stays in cnts until the atomic_sub lands
    "140 W cmpxchg-failed L",
    "165 W acquired-write L",
    "205 R2 head-spinning L", // R2 took wait_lock after W released it (woken 175: read 185, claim 195, add 205)...
    "235 W release L",
    "245 R2 acquired-read L", // ...and gets in once W's release lands and it has read the line
    "270 R2 release L", // its wait_lock unlock (255), its hold (5), its release atomic (270)
  ]);
  assert.equal(lock.writerCmpxchgRetries, 1);
  assert.equal(lock.transientBiasNs(), 10, "R2's bias sat in cnts from 135 to 145");
});

test("the hand-off window: a fast-path reader landing before the head writer's _QW_WAITING gets in", () => {
  // W1 holds until 200; R_head queues and holds wait_lock; W2 queues behind it. W1's release lands at 210, R_head
  // reads (220), is in, releases wait_lock (230). W2 claims wait_lock (read 240, claim 250), reads cnts (260) and its
  // atomic_add(_QW_WAITING) lands at 270. R_fast's atomic lands at 255, in the window: no writer bit is set, it is in
  // and W2 must wait for its hold too. R_late's lands at 285, after _QW_WAITING: it queues behind W2.
  const { lines } = scenario(
    (sim) => new Qrwlock(sim, "L", { line: flat(10) }),
    [
      { at: 0, who: "W1", op: "write", holdNs: 190 },
      { at: 20, who: "Rhead", op: "read", holdNs: 50 },
      { at: 70, who: "W2", op: "write", holdNs: 10 },
      { at: 245, who: "Rfast", op: "read", holdNs: 100 },
      { at: 275, who: "Rlate", op: "read", holdNs: 10 },
    ],
  );
  const relevant = lines.filter((l) => / (acquired|head-waiting)/.test(l));
  assert.deepEqual(relevant, [
    "10 W1 acquired-write L",
    "220 Rhead acquired-read L",
    "255 Rfast acquired-read L", // before W2's _QW_WAITING lands: the window
    "270 W2 head-waiting L",
    "385 W2 acquired-write L", // Rfast's release lands at 365; W2 reads (375) and cmpxchgs (385)
    "435 Rlate acquired-read L", // behind W2: it claims wait_lock at 415, re-adds its bias (425), reads (435)
  ]);
});

test("line atomics per acquisition path: fast reader 2, queued reader 6, fast writer 2, queued writer 6 (+2 when wait_lock is contended)", () => {
  const atomicsOf = (steps: Step[]): number => {
    let line: CacheLine | null = null;
    scenario((sim) => {
      line = new CacheLine(sim, "L", new Topology({ cpus: steps.length }));
      return new Qrwlock(sim, "L", { line });
    }, steps);
    return line!.atomics;
  };
  // One reader alone: atomic_add_return_acquire, atomic_sub_return_release.
  assert.equal(atomicsOf([{ at: 0, who: "R", op: "read", holdNs: 100 }]), 2);
  // One writer alone: the cmpxchg, the store-release.
  assert.equal(atomicsOf([{ at: 0, who: "W", op: "write", holdNs: 100 }]), 2);
  // A writer (2) then a reader that queues behind it: add, sub, wait_lock cmpxchg, re-add, wait_lock unlock, read
  // unlock: 6.
  assert.equal(
    atomicsOf([
      { at: 0, who: "W", op: "write", holdNs: 1000 },
      { at: 100, who: "R", op: "read", holdNs: 100 },
    ]),
    2 + 6,
  );
  // A reader (2) then a writer that queues behind it: failed cmpxchg, wait_lock cmpxchg, atomic_add(_QW_WAITING), the
  // winning cmpxchg, wait_lock unlock, write unlock: 6 (its two reads of cnts are not atomics).
  assert.equal(
    atomicsOf([
      { at: 0, who: "R", op: "read", holdNs: 1000 },
      { at: 100, who: "W", op: "write", holdNs: 100 },
    ]),
    2 + 6,
  );
  // Two writers queue behind a reader: the second finds wait_lock taken: + its enqueue atomic and its claim; it
  // reaches the head while W1 holds the lock, so it sets _QW_WAITING as well.
  assert.equal(
    atomicsOf([
      { at: 0, who: "R", op: "read", holdNs: 1000 },
      { at: 100, who: "W1", op: "write", holdNs: 1000 },
      { at: 200, who: "W2", op: "write", holdNs: 100 },
    ]),
    2 + 6 + 6 + 2,
  );
  // ...but if the lock is free by the time its atomic_read lands, the head writer cmpxchgs at once: no _QW_WAITING.
  assert.equal(
    atomicsOf([
      { at: 0, who: "R", op: "read", holdNs: 1000 },
      { at: 100, who: "W1", op: "write", holdNs: 100 },
      { at: 200, who: "W2", op: "write", holdNs: 100 },
    ]),
    2 + 6 + 6 + 2 - 1,
  );
});

test("writer wait under qrwlock is bounded by the queue and the longest reader hold; the reader-preferring lock starves it", () => {
  // Readers arrive every 10 ns, each holding 25 ns, so some reader is always inside from t=0 to t=1015.
  const readers: Step[] = Array.from({ length: 100 }, (_, i) => ({
    at: i * 10,
    who: `R${i}`,
    op: "read" as const,
    holdNs: 25,
  }));
  const writer: Step = { at: 105, who: "W", op: "write", holdNs: 5 };
  const fair = scenario((sim) => new Qrwlock(sim, "L"), [...readers, writer]);
  const pref = scenario((sim) => new ReaderPreferringRwlock(sim, "L"), [...readers, writer]);
  const writerWait = (r: { lock: TimedRwLock }) => r.lock.stats.write.waitNs.max;
  // qrwlock: R10 (in at 100, out at 125) is the longest remaining hold; readers from R11 on queue behind W.
  assert.equal(writerWait(fair), 125 - 105);
  // reader-preferring: W gets in only when the reader stream ends (R99 leaves at 1015).
  assert.equal(writerWait(pref), 1015 - 105);
});

test("the first model's instantaneous face still works without a line (mmu-invalidate.ts uses it)", () => {
  const sim = new Simulation({ trace: true });
  const l = new Qrwlock(sim, "L");
  const results: number[] = [];
  sim.spawn("R", function* (self) {
    const r = l.queued_read_lock(self);
    results.push(r);
    yield r;
    yield 50;
    l.queued_read_unlock(self);
  });
  sim.spawn("W", function* (self) {
    yield 10;
    const r = l.queued_write_lock(self);
    results.push(r);
    yield r;
    yield 5;
    l.queued_write_unlock(self);
  });
  sim.run();
  assert.deepEqual(results, [CONTINUE, PARK]);
  assert.deepEqual(
    sim.trace!.lines().filter((x) => x.includes("acquired")),
    ["0 R acquired-read L", "50 W acquired-write L"],
  );
  const withLine = new Qrwlock(sim, "M", { line: flat(1) });
  sim.spawn("X", function* (self) {
    yield withLine.queued_read_lock(self);
  });
  assert.throws(() => sim.run(), /instantaneous face needs a lock without a line/);
});

class BrokenQrwlock extends Qrwlock {
  constructor(sim: Simulation) {
    super(sim, "broken");
  }
  /** A bug a model could have: the reader bias is lost, so cnts reads 0 and a writer takes the fast path. */
  breakDrain(): void {
    this.readerBias = 0;
  }
}

test("a broken writer path trips the lock's invariant, naming what and when", () => {
  const sim = new Simulation();
  const l = new BrokenQrwlock(sim);
  sim.spawn("R", function* (self) {
    yield* l.read_lock(self, 0);
    yield 100;
    yield* l.read_unlock(self, 0);
  });
  sim.spawn("W", function* (self) {
    yield 30;
    l.breakDrain();
    yield* l.write_lock(self, 1);
  });
  assert.throws(
    () => sim.run(),
    (e: unknown) =>
      e instanceof InvariantViolation &&
      e.timeNs === 30 &&
      /writer 'W' entered with 1 reader\(s\) inside/.test(e.message),
  );
});

test("unlocking a lock one does not hold is an invariant violation", () => {
  const sim = new Simulation();
  const l = new Qrwlock(sim, "L");
  sim.spawn("X", function* (self) {
    yield 3;
    yield* l.write_unlock(self, 0);
  });
  assert.throws(
    () => sim.run(),
    /invariant violated in qrwlock L at t=3 ns: 'X' write-unlocked a lock held by 'nobody'/,
  );
});

test("stats: waits, holds and spin time per side", () => {
  const { lock } = scenario(
    (sim) => new Qrwlock(sim, "L"),
    [
      { at: 0, who: "R1", op: "read", holdNs: 50 },
      { at: 10, who: "W1", op: "write", holdNs: 40 },
    ],
  );
  assert.equal(lock.stats.write.waitNs.max, 40);
  assert.equal(lock.stats.write.spinNs, 40);
  assert.equal(lock.stats.read.holdNs.max, 50);
  assert.equal(lock.stats.write.holdNs.max, 40);
  assert.equal(lock.stats.read.acquisitions + lock.stats.write.acquisitions, 2);
});

test("reader-preferring: a writer's retry is defeated by a reader that lands first", () => {
  const { lines, lock } = scenario(
    (sim) => new ReaderPreferringRwlock(sim, "L", { line: flat(10) }),
    [
      { at: 0, who: "R1", op: "read", holdNs: 100 },
      { at: 20, who: "W", op: "write", holdNs: 10 },
      { at: 115, who: "R2", op: "read", holdNs: 50 },
    ],
  );
  // R1's release lands at 120: W retries (lands 130), but R2's increment landed at 125: W fails, and gets in only
  // after R2's release lands (175 + 10 = 185) and its retry (195).
  assert.deepEqual(
    lines.filter((l) => l.includes("acquired")),
    ["10 R1 acquired-read L", "125 R2 acquired-read L", "195 W acquired-write L"],
  );
  assert.equal(lock.writerCmpxchgRetries, 1);
});
