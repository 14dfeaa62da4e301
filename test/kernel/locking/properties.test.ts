/**
 * The locks' rules as properties over random scenarios (fast-check), written against each lock's public API
 * (lock operations that return at once or wait, writeLocked, the qrwlock's cnts word) so that they keep holding while
 * the models' insides change. The timed locks (qrwlock, reader-preferring) run with NO_LINE, their default: every
 * atomic lands at once, so the lock's ordering rules are seen alone.
 * - safety: a writer never holds with a reader or another writer (all locks);
 * - FIFO hand-off: tasks that had to wait get the lock in the order they asked (qspinlock, qrwlock's wait_lock);
 * - a process-context reader that finds a writer waiting or holding (writer bits in cnts) gets in only after every
 *   writer that asked before it has released (qrwlock);
 * - an interrupt-context reader passes a waiting writer: it gets in at once unless a writer holds the lock (qrwlock);
 * - a reader-preferring lock lets a reader in at once whenever no writer holds it (its rule, and its starvation).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Simulation } from "../../../src/sim/simulation";
import { CONTINUE, type Process, type Yielded } from "../../../src/sim/process";
import { QueuedSpinlock } from "../../../src/kernel/locking/qspinlock";
import { Qrwlock, _QW_LOCKED, _QW_WAITING } from "../../../src/kernel/locking/qrwlock";
import { ReaderPreferringRwlock } from "../../../src/kernel/locking/rwlock-reader-pref";
import { Rwsem } from "../../../src/kernel/locking/rwsem";

const SEED = 424242;

type Kind = "read" | "irq-read" | "write";
interface Op {
  kind: Kind;
  gapNs: number;
  holdNs: number;
}
interface Req {
  task: number;
  kind: Kind;
  /** Global order of the requests (ties at one ns broken by event order). */
  seq: number;
  reqNs: number;
  parked: boolean;
  acqNs: number;
  relNs: number;
  /** The qrwlock's writer bits (_QW_LOCKED | _QW_WAITING) and writeLocked when the request was made. */
  writerBits: number;
  writeLocked: boolean;
}

type LockOp = Generator<Yielded, void, unknown>;
/** A CONTINUE/PARK lock call (made now) as an operation. */
function* call(y: number): LockOp {
  if (y !== CONTINUE) yield y;
}
function* done(): LockOp {}

interface LockFace {
  read(self: Process<any>, irq: boolean): LockOp;
  readUnlock(self: Process<any>): LockOp;
  write(self: Process<any>): LockOp;
  writeUnlock(self: Process<any>): LockOp;
  writeLocked(): boolean;
  writerBits(): number;
}

/** Runs tasks that each take the lock for their ops in turn; returns every request, in request order. */
function runScenario(make: (sim: Simulation) => LockFace, tasks: Op[][]): Req[] {
  const sim = new Simulation();
  const lock = make(sim);
  const reqs: Req[] = [];
  tasks.forEach((ops, task) => {
    sim.spawn(`t${task}`, function* (self) {
      for (const op of ops) {
        yield op.gapNs;
        const r: Req = {
          task,
          kind: op.kind,
          seq: reqs.length,
          reqNs: sim.now,
          parked: false,
          acqNs: NaN,
          relNs: NaN,
          writerBits: lock.writerBits(),
          writeLocked: lock.writeLocked(),
        };
        reqs.push(r);
        const g = op.kind === "write" ? lock.write(self) : lock.read(self, op.kind === "irq-read");
        // Without line costs, an operation that yields at all has waited.
        let st = g.next();
        r.parked = !st.done;
        while (!st.done) st = g.next(yield st.value);
        r.acqNs = sim.now;
        yield op.holdNs;
        r.relNs = sim.now;
        yield* op.kind === "write" ? lock.writeUnlock(self) : lock.readUnlock(self);
      }
    });
  });
  sim.run({ maxEvents: 1_000_000 });
  for (const r of reqs) assert.ok(Number.isFinite(r.relNs), `request ${r.seq} (${r.kind}) never completed`);
  return reqs;
}

function assertExclusion(reqs: Req[]): void {
  for (const w of reqs) {
    if (w.kind !== "write") continue;
    for (const x of reqs) {
      if (x === w) continue;
      assert.ok(
        w.relNs <= x.acqNs || x.relNs <= w.acqNs,
        `writer t${w.task} [${w.acqNs}, ${w.relNs}) overlaps ${x.kind} t${x.task} [${x.acqNs}, ${x.relNs})`,
      );
    }
  }
}

/** Tasks that waited in the queue get the lock in the order they asked. */
function assertFifo(reqs: Req[], queued: (r: Req) => boolean): void {
  const waited = reqs.filter((r) => r.parked && queued(r));
  for (let i = 1; i < waited.length; i++) {
    assert.ok(
      waited[i].acqNs >= waited[i - 1].acqNs,
      `t${waited[i].task} (asked #${waited[i].seq}) got the lock at ${waited[i].acqNs}, before t${waited[i - 1].task} (asked #${waited[i - 1].seq}) at ${waited[i - 1].acqNs}`,
    );
  }
}

const op = (kinds: Kind[]): fc.Arbitrary<Op> =>
  fc.record({
    kind: fc.constantFrom(...kinds),
    gapNs: fc.integer({ min: 0, max: 20 }),
    holdNs: fc.integer({ min: 1, max: 30 }),
  });
const scenario = (kinds: Kind[]) =>
  fc.array(fc.array(op(kinds), { minLength: 1, maxLength: 6 }), { minLength: 2, maxLength: 7 });
const handoff = fc.integer({ min: 0, max: 4 });

test("qspinlock: one owner at a time, FIFO hand-off, and nobody passes a waiter", () => {
  fc.assert(
    fc.property(scenario(["write"]), handoff, (tasks, handoffNs) => {
      const reqs = runScenario((sim) => {
        const l = new QueuedSpinlock(sim, "l", { handoffNs });
        return {
          read: () => assert.fail("no readers"),
          readUnlock: () => assert.fail("no readers"),
          write: (t) => call(l.queued_spin_lock(t)),
          writeUnlock: (t) => (l.queued_spin_unlock(t), done()),
          writeLocked: () => l.holder !== null,
          writerBits: () => 0,
        };
      }, tasks);
      assertExclusion(reqs);
      assertFifo(reqs, () => true);
      for (const x of reqs)
        for (const y of reqs)
          if (y.seq < x.seq && y.parked && y.acqNs > x.reqNs)
            assert.ok(x.acqNs >= y.relNs, `t${x.task} passed the waiting t${y.task}`);
    }),
    { seed: SEED, numRuns: 150 },
  );
});

test("qrwlock: exclusion, FIFO wait_lock, readers queue behind a writer, interrupt readers pass a waiting one", () => {
  const seen = { readerBehindWriter: 0, irqPassedWaitingWriter: 0 };
  fc.assert(
    fc.property(scenario(["read", "read", "irq-read", "write"]), (tasks) => {
      const reqs = runScenario((sim) => {
        const l = new Qrwlock(sim, "mmu_lock");
        return {
          read: (t, irq) => l.read_lock(t, 0, irq),
          readUnlock: (t) => l.read_unlock(t, 0),
          write: (t) => l.write_lock(t, 0),
          writeUnlock: (t) => l.write_unlock(t, 0),
          writeLocked: () => l.writeLocked,
          writerBits: () => l.cnts & (_QW_LOCKED | _QW_WAITING),
        };
      }, tasks);
      assertExclusion(reqs);
      // Interrupt-context readers spin without joining wait_lock: the queue is everyone else who waited.
      assertFifo(reqs, (r) => r.kind !== "irq-read");
      for (const r of reqs) {
        if (r.kind === "read" && r.writerBits !== 0) {
          seen.readerBehindWriter++;
          assert.ok(r.parked, `reader t${r.task} found writer bits ${r.writerBits} set and still got in at once`);
          for (const w of reqs)
            if (w.kind === "write" && w.seq < r.seq && w.relNs > r.reqNs)
              assert.ok(
                r.acqNs >= w.relNs,
                `process-context reader t${r.task} (asked at ${r.reqNs}) got in at ${r.acqNs}, before writer t${w.task} (asked at ${w.reqNs}) released at ${w.relNs}`,
              );
        }
        if (r.kind === "irq-read" && !r.writeLocked) {
          if (r.writerBits !== 0) seen.irqPassedWaitingWriter++;
          assert.ok(
            !r.parked && r.acqNs === r.reqNs,
            `interrupt reader t${r.task} waited although no writer held the lock (cnts writer bits ${r.writerBits})`,
          );
        }
      }
    }),
    { seed: SEED, numRuns: 200 },
  );
  // The rules were exercised, not vacuously true.
  assert.ok(seen.readerBehindWriter > 50, `only ${seen.readerBehindWriter} readers found a writer waiting`);
  assert.ok(seen.irqPassedWaitingWriter > 5, `only ${seen.irqPassedWaitingWriter} interrupt readers passed one`);
});

test("qrwlock and the reader-preferring lock with line costs: still one writer alone, and every task gets through", () => {
  fc.assert(
    fc.property(
      scenario(["read", "irq-read", "write"]),
      fc.integer({ min: 0, max: 6 }),
      fc.integer({ min: 0, max: 3 }),
      fc.boolean(),
      (tasks, atomicNs, readNs, queued) => {
        const line = { atomic: () => atomicNs, read: () => readNs };
        const reqs = runScenario((sim) => {
          const l = queued ? new Qrwlock(sim, "mmu_lock", { line }) : new ReaderPreferringRwlock(sim, "rw", { line });
          return {
            read: (t, irq) => (queued ? (l as Qrwlock).read_lock(t, 0, irq) : l.read_lock(t, 0)),
            readUnlock: (t) => l.read_unlock(t, 0),
            write: (t) => l.write_lock(t, 0),
            writeUnlock: (t) => l.write_unlock(t, 0),
            writeLocked: () => l.writeLocked,
            writerBits: () => 0,
          };
        }, tasks);
        assertExclusion(reqs);
      },
    ),
    { seed: SEED, numRuns: 150 },
  );
});

test("reader-preferring rwlock: exclusion, and a reader gets in at once whenever no writer holds it", () => {
  fc.assert(
    fc.property(scenario(["read", "write"]), (tasks) => {
      const reqs = runScenario((sim) => {
        const l = new ReaderPreferringRwlock(sim, "rwlock");
        return {
          read: (t) => l.read_lock(t, 0),
          readUnlock: (t) => l.read_unlock(t, 0),
          write: (t) => l.write_lock(t, 0),
          writeUnlock: (t) => l.write_unlock(t, 0),
          writeLocked: () => l.writeLocked,
          writerBits: () => 0,
        };
      }, tasks);
      assertExclusion(reqs);
      for (const r of reqs)
        if (r.kind === "read" && !r.writeLocked) assert.ok(!r.parked, `reader t${r.task} waited with no writer inside`);
    }),
    { seed: SEED, numRuns: 100 },
  );
});

test("rwsem: a writer never shares the semaphore", () => {
  fc.assert(
    fc.property(scenario(["read", "write"]), fc.integer({ min: 0, max: 10 }), (tasks, wakeupNs) => {
      const reqs = runScenario((sim) => {
        const s = new Rwsem(sim, "mmap_lock", { wakeupNs });
        return {
          read: (t) => call(s.down_read(t)),
          readUnlock: (t) => call(s.up_read(t)),
          write: (t) => call(s.down_write(t)),
          writeUnlock: (t) => call(s.up_write(t)),
          writeLocked: () => s.writeLocked,
          writerBits: () => 0,
        };
      }, tasks);
      assertExclusion(reqs);
    }),
    { seed: SEED, numRuns: 100 },
  );
});
