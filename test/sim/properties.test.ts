/**
 * Properties of the engine over random scenarios (fast-check), each bounded to a fraction of a second: the event
 * queue's order, the scheduler against a naive reference, the histogram's stated error bound, and memory that does
 * not grow with simulated time.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { EventQueue } from "../../src/sim/event-queue";
import { Simulation } from "../../src/sim/simulation";
import { Histogram, RELATIVE_ERROR } from "../../src/sim/stats/histogram";
import { FifoMutex } from "../../src/sim/resource";
import { runLockModel } from "../../src/experiments/lock-contention/model";

const SEED = 20261201;

test("event queue: entries come out in (time, priority, insertion) order, whatever the interleaving", () => {
  type Op = { push: true; time: number; priority: number } | { push: false };
  const op: fc.Arbitrary<Op> = fc.oneof(
    // Few distinct times and priorities, so ties are the common case.
    fc.record({
      push: fc.constant(true as const),
      time: fc.integer({ min: 0, max: 12 }),
      priority: fc.integer({ min: 0, max: 3 }),
    }),
    fc.record({ push: fc.constant(false as const) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
      const q = new EventQueue(2); // tiny, so it grows
      const ref: Array<{ time: number; priority: number; seq: number }> = [];
      let seq = 0;
      for (const o of ops) {
        if (o.push) {
          q.push(o.time, o.priority, seq);
          ref.push({ time: o.time, priority: o.priority, seq: seq++ });
        } else if (ref.length > 0) {
          ref.sort((a, b) => a.time - b.time || a.priority - b.priority || a.seq - b.seq);
          const want = ref.shift()!;
          assert.equal(q.peekTime(), want.time);
          assert.equal(q.peekTarget(), want.seq);
          q.pop();
        }
        assert.equal(q.size, ref.length);
      }
    }),
    { seed: SEED, numRuns: 200 },
  );
});

/**
 * A naive reference scheduler: a sorted list of (time, priority, insertion) entries, one process step per entry.
 * Spawns are Urgent (0) at the current time, sleeps Normal (1).
 */
function referenceLog(plans: number[][]): string[] {
  type Entry = { t: number; prio: number; seq: number; proc: number; step: number };
  const queue: Entry[] = [];
  let seq = 0;
  const log: string[] = [];
  plans.forEach((_, proc) => queue.push({ t: 0, prio: 0, seq: seq++, proc, step: 0 }));
  while (queue.length > 0) {
    queue.sort((a, b) => a.t - b.t || a.prio - b.prio || a.seq - b.seq);
    const e = queue.shift()!;
    log.push(`${e.t} p${e.proc}.${e.step}`);
    const delays = plans[e.proc];
    if (e.step < delays.length)
      queue.push({ t: e.t + delays[e.step], prio: 1, seq: seq++, proc: e.proc, step: e.step + 1 });
  }
  return log;
}

test("scheduler: random processes run in exactly the order of a naive (time, priority, insertion) scheduler", () => {
  // Short delays from a small set, zeros included, so ties and the direct-continuation shortcut are both frequent.
  const plans = fc.array(fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 12 }), { minLength: 1, maxLength: 8 });
  fc.assert(
    fc.property(plans, (ps) => {
      const sim = new Simulation();
      const log: string[] = [];
      ps.forEach((delays, proc) => {
        sim.spawn(`p${proc}`, function* () {
          log.push(`${sim.now} p${proc}.0`);
          for (let i = 0; i < delays.length; i++) {
            yield delays[i];
            log.push(`${sim.now} p${proc}.${i + 1}`);
          }
        });
      });
      sim.run();
      assert.deepEqual(log, referenceLog(ps));
    }),
    { seed: SEED, numRuns: 200 },
  );
});

test("histogram: every quantile lies within RELATIVE_ERROR of the recorded value at its rank; integers below 256 exact", () => {
  const value = fc.oneof(
    fc.integer({ min: 0, max: 300 }),
    fc.double({ min: 0, max: 1e6, noNaN: true }),
    fc.double({ min: 256, max: 2 ** 62, noNaN: true }),
    fc.integer({ min: 0, max: 40 }).map((k) => 2 ** k), // powers of two: bucket edges
    fc.integer({ min: 9, max: 61 }).map((k) => 2 ** k - 1),
  );
  fc.assert(
    fc.property(
      fc.array(value, { minLength: 1, maxLength: 400 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }),
      (xs, qs) => {
        const h = new Histogram("h");
        for (const x of xs) h.record(x);
        const sorted = [...xs].sort((a, b) => a - b);
        assert.equal(h.count, xs.length);
        assert.equal(h.min, sorted[0]);
        assert.equal(h.max, sorted[sorted.length - 1]);
        for (const q of [0, 1, ...qs]) {
          const got = h.quantile(q);
          const rank = q <= 0 ? 1 : q >= 1 ? xs.length : Math.ceil(q * xs.length);
          const exact = sorted[rank - 1];
          if (exact < 256) {
            if (Number.isInteger(exact)) assert.equal(got, exact, `q=${q}: ${got} vs ${exact}`);
            else assert.ok(Math.abs(got - exact) < 1, `q=${q}: ${got} vs ${exact}`);
          } else {
            assert.ok(
              Math.abs(got - exact) <= RELATIVE_ERROR * exact,
              `q=${q}: ${got} vs ${exact} (relative ${Math.abs(got - exact) / exact})`,
            );
          }
        }
      },
    ),
    { seed: SEED, numRuns: 150 },
  );
});

test("histogram: merging two equals recording both", () => {
  const xs = fc.array(fc.double({ min: 0, max: 1e9, noNaN: true }), { maxLength: 200 });
  fc.assert(
    fc.property(xs, xs, (a, b) => {
      const ha = new Histogram();
      const hb = new Histogram();
      const both = new Histogram();
      for (const x of a) {
        ha.record(x);
        both.record(x);
      }
      for (const x of b) {
        hb.record(x);
        both.record(x);
      }
      ha.merge(hb);
      assert.deepEqual(ha.cdf(), both.cdf());
      assert.equal(ha.count, both.count);
      for (const q of [0.1, 0.5, 0.9, 0.99]) assert.equal(ha.quantile(q), both.quantile(q));
    }),
    { seed: SEED, numRuns: 100 },
  );
});

test("memory is flat in simulated time: 4x the acquisitions leave the queue and process table the same size", () => {
  const params = fc.record({
    threads: fc.integer({ min: 1, max: 24 }),
    thinkNs: fc.integer({ min: 10, max: 5000 }),
    holdNs: fc.integer({ min: 1, max: 500 }),
  });
  fc.assert(
    fc.property(params, fc.integer({ min: 1, max: 1000 }), (p, seed) => {
      const short = runLockModel({ ...p, acquisitions: 2_000 }, seed);
      const long = runLockModel({ ...p, acquisitions: 8_000 }, seed);
      assert.equal(long.queueCapacity, short.queueCapacity);
      assert.equal(long.liveProcesses, p.threads);
      assert.ok(long.queueCapacity <= Math.max(64, 2 * p.threads), `queue ${long.queueCapacity}`);
    }),
    { seed: SEED, numRuns: 10 },
  );
});

test("memory is flat in simulated time: processes that come and go free their slots", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 50 }), (concurrent, lifeNs) => {
      const sim = new Simulation();
      const m = new FifoMutex(sim, "m");
      const run = (jobs: number) => {
        sim.spawn("source", function* () {
          for (let i = 0; i < jobs; i++) {
            yield lifeNs;
            for (let k = 0; k < concurrent; k++)
              sim.spawn("job", function* (self) {
                yield m.lock(self);
                yield 1;
                m.unlock(self);
              });
          }
        });
        sim.run();
        return { live: sim.liveProcesses, cap: sim.queueCapacity };
      };
      const a = run(200);
      const b = run(800);
      assert.equal(a.live, 0);
      assert.equal(b.live, 0);
      assert.equal(b.cap, a.cap);
    }),
    { seed: SEED, numRuns: 10 },
  );
});
