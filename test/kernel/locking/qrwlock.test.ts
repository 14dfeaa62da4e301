// The queued rwlock against kernel/locking/qrwlock.c's ordering, on hand-written scenarios with exact traces.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../../src/sim/simulation";
import type { Process } from "../../../src/sim/process";
import { InvariantViolation } from "../../../src/sim/invariant";
import { Qrwlock, _QR_BIAS, _QW_WAITING } from "../../../src/kernel/locking/qrwlock";
import { ReaderPreferringRwlock } from "../../../src/kernel/locking/rwlock-reader-pref";
import type { RwLock } from "../../../src/kernel/locking/lock-stats";

type Step = { at: number; who: string; op: "read" | "irq-read" | "write"; holdNs: number };

/** Runs tasks that each take the lock once at `at` and hold it `holdNs`; returns the trace lines. */
function scenario(
  lock: (sim: Simulation) => RwLock,
  steps: Step[],
): { lines: string[]; sim: Simulation; lock: RwLock } {
  const sim = new Simulation({ trace: true });
  const l = lock(sim);
  for (const s of steps) {
    sim.spawn(s.who, function* (self: Process) {
      yield s.at;
      if (s.op === "write") {
        yield l.writeLock(self);
        yield s.holdNs;
        l.writeUnlock(self);
      } else {
        yield l.readLock(self, s.op === "irq-read");
        yield s.holdNs;
        l.readUnlock(self);
      }
    });
  }
  sim.run();
  return { lines: sim.trace!.lines(), sim, lock: l };
}

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
    "20 R2 wait mmu_lock", // fast path sees _QW_WAITING: queues behind W1
    "25 R3 acquired-read mmu_lock", // in_interrupt(): passes the waiting writer
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
  const acquired = lines.filter((l) => l.includes("acquired"));
  assert.deepEqual(acquired, [
    "0 W1 acquired-write L",
    "100 Ra acquired-read L",
    "100 Rb acquired-read L",
    "150 W2 acquired-write L", // waits for the longest remaining reader hold (Rb, until 150)
    "160 Rc acquired-read L", // arrived after W2 queued: after W2, despite being a reader
  ]);
});

test("the lock word reads as the kernel's cnts", () => {
  const sim = new Simulation();
  const l = new Qrwlock(sim, "L");
  let seen = -1;
  sim.spawn("R", function* (self) {
    yield l.queued_read_lock(self);
    yield 10;
    l.queued_read_unlock(self);
  });
  sim.spawn("W", function* (self) {
    yield 1;
    yield l.queued_write_lock(self);
    l.queued_write_unlock(self);
  });
  sim.spawn("probe", function* () {
    yield 5;
    seen = l.cnts;
    assert.equal(l.queued_rwlock_is_contended(), true);
  });
  sim.run();
  assert.equal(seen, _QR_BIAS | _QW_WAITING);
  assert.equal(l.cnts, 0);
});

test("hand-off cost spaces a batch of queued readers", () => {
  const { lines } = scenario(
    (sim) => new Qrwlock(sim, "L", { handoffNs: 7 }),
    [
      { at: 0, who: "W1", op: "write", holdNs: 100 },
      { at: 10, who: "Ra", op: "read", holdNs: 30 },
      { at: 20, who: "Rb", op: "read", holdNs: 30 },
    ],
  );
  assert.deepEqual(
    lines.filter((l) => l.includes("acquired")),
    ["0 W1 acquired-write L", "107 Ra acquired-read L", "114 Rb acquired-read L"],
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
  const writerWait = (r: { lock: RwLock }) => r.lock.stats.write.waitNs.max;
  // qrwlock: R10 (in at 100, out at 125) is the longest remaining hold; readers from R11 on queue behind W.
  assert.equal(writerWait(fair), 125 - 105);
  // reader-preferring: W gets in only when the reader stream ends (R99 leaves at 1015).
  assert.equal(writerWait(pref), 1015 - 105);
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
    yield l.queued_read_lock(self);
    yield 100;
    l.queued_read_unlock(self);
  });
  sim.spawn("W", function* (self) {
    yield 30;
    l.breakDrain();
    yield l.queued_write_lock(self);
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
    l.queued_write_unlock(self);
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
