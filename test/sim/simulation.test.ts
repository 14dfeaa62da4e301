import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../src/sim/simulation";
import { CONTINUE, Interrupt, PARK, type Process } from "../../src/sim/process";
import { ProcessFailure } from "../../src/sim/invariant";

test("processes sleep and interleave in time order; equal times run in scheduling order", () => {
  const sim = new Simulation();
  const log: string[] = [];
  for (const [name, delays] of [
    ["a", [3, 2]],
    ["b", [1, 4]],
    ["c", [5]],
  ] as const) {
    sim.spawn(name, function* () {
      for (const d of delays) {
        yield d;
        log.push(`${sim.now} ${name}`);
      }
    });
  }
  sim.run();
  // At t=5, c's wake-up was scheduled first (at 0), then b's (at 1), then a's (at 3).
  assert.deepEqual(log, ["1 b", "3 a", "5 c", "5 b", "5 a"]);
});

test("a zero delay lets every event already due run first", () => {
  const sim = new Simulation();
  const log: string[] = [];
  sim.spawn("first", function* () {
    log.push("first:start");
    yield 0;
    log.push("first:after-yield-0");
  });
  // eslint-disable-next-line require-yield -- a process that runs to its end in one step
  sim.spawn("second", function* () {
    log.push("second:start");
  });
  sim.run();
  assert.deepEqual(log, ["first:start", "second:start", "first:after-yield-0"]);
});

test("run({until}) stops before events at that time and sets the clock", () => {
  const sim = new Simulation();
  const seen: number[] = [];
  sim.spawn("ticker", function* () {
    for (;;) {
      yield 10;
      seen.push(sim.now);
    }
  });
  sim.run({ until: 30 });
  assert.deepEqual(seen, [10, 20]);
  assert.equal(sim.now, 30);
  sim.run({ until: 45 });
  assert.deepEqual(seen, [10, 20, 30, 40]);
});

test("run({stopWhen}) stops right after the event that makes it true", () => {
  const sim = new Simulation();
  let n = 0;
  sim.spawn("counter", function* () {
    for (;;) {
      yield 7;
      n++;
    }
  });
  sim.run({ stopWhen: () => n === 3 });
  assert.equal(sim.now, 21);
});

test("waiting for a process returns its value", () => {
  const sim = new Simulation();
  const child = sim.spawn("child", function* () {
    yield 5;
    return 42;
  });
  let got: unknown;
  sim.spawn("parent", function* () {
    got = yield child;
    assert.equal(sim.now, 5);
  });
  sim.run();
  assert.equal(got, 42);
});

test("allOf waits for the last, anyOf for the first", () => {
  const sim = new Simulation();
  const log: string[] = [];
  sim.spawn("waiter", function* () {
    const a = sim.timeout(3, "a");
    const b = sim.timeout(8, "b");
    const first = (yield sim.anyOf([a, b])) as unknown[];
    log.push(`${sim.now} any ${JSON.stringify(first)}`);
    const all = (yield sim.allOf([a, b])) as unknown[];
    log.push(`${sim.now} all ${JSON.stringify(all)}`);
  });
  sim.run();
  assert.deepEqual(log, ['3 any ["a",null]', '8 all ["a","b"]']);
});

test("an event can be waited on by several processes and fails into them", () => {
  const sim = new Simulation();
  const ev = sim.event<string>("go");
  const log: string[] = [];
  for (const n of ["x", "y"]) {
    sim.spawn(n, function* () {
      try {
        const v = yield ev;
        log.push(`${n} got ${v}`);
      } catch (e) {
        log.push(`${n} caught ${(e as Error).message}`);
      }
    });
  }
  sim.spawn("trigger", function* () {
    yield 2;
    ev.fail(new Error("boom"));
  });
  sim.run();
  assert.deepEqual(log, ["x caught boom", "y caught boom"]);
  assert.throws(() => ev.succeed("again"), /triggered twice/);
});

test("interrupt withdraws a sleep and throws Interrupt with its cause", () => {
  const sim = new Simulation();
  const log: string[] = [];
  const sleeper = sim.spawn("sleeper", function* () {
    try {
      yield 100;
      log.push("woke normally");
    } catch (e) {
      assert.ok(e instanceof Interrupt);
      log.push(`${sim.now} interrupted: ${String(e.cause)}`);
      yield 5;
      log.push(`${sim.now} done`);
    }
  });
  sim.spawn("interrupter", function* () {
    yield 10;
    sleeper.interrupt("ipi");
  });
  sim.run();
  // The stale wake-up at t=100 must not resume the process a second time.
  assert.deepEqual(log, ["10 interrupted: ipi", "15 done"]);
  assert.equal(sim.now, 15);
});

test("PARK and wake: a primitive hands control back at a later time", () => {
  const sim = new Simulation();
  let parked: Process | null = null;
  const log: string[] = [];
  sim.spawn("waiter", function* (self) {
    parked = self;
    const v = yield PARK;
    log.push(`${sim.now} resumed with ${v}`);
    yield CONTINUE;
    log.push(`${sim.now} continued`);
  });
  sim.spawn("waker", function* () {
    yield 4;
    sim.wake(parked!, "token");
  });
  sim.run();
  assert.deepEqual(log, ["4 resumed with token", "4 continued"]);
});

test("waking a sleeping process is an error (it would run twice)", () => {
  const sim = new Simulation();
  const p = sim.spawn("sleeper", function* () {
    yield 10;
  });
  sim.spawn("bad", function* () {
    yield 1;
    sim.wake(p);
  });
  assert.throws(() => sim.run(), /not parked/);
});

test("an exception in a body stops the run naming the process and time", () => {
  const sim = new Simulation();
  sim.spawn("faulty", function* () {
    yield 12;
    throw new Error("bad state");
  });
  assert.throws(
    () => sim.run(),
    (e: unknown) =>
      e instanceof ProcessFailure && e.processName === "faulty" && e.timeNs === 12 && /bad state/.test(e.message),
  );
});

test("yielding nonsense is rejected with a clear message", () => {
  const sim = new Simulation();
  sim.spawn("confused", function* () {
    yield -7;
  });
  assert.throws(() => sim.run(), /process .confused. failed at t=0 ns: yielded -7: a delay must be an integer >= 0/);
});

test("scheduled callbacks run in order and can be cancelled", () => {
  const sim = new Simulation();
  const log: number[] = [];
  sim.schedule(5, () => log.push(5));
  const h = sim.schedule(3, () => log.push(3));
  sim.schedule(1, () => log.push(1));
  sim.cancel(h);
  sim.run();
  assert.deepEqual(log, [1, 5]);
});

test("finished processes free their slots: memory does not grow with spawned work", () => {
  const sim = new Simulation();
  sim.spawn("source", function* () {
    for (let i = 0; i < 10_000; i++) {
      yield 3;
      sim.spawn(`job${i}`, function* () {
        yield 5;
      });
    }
  });
  sim.run();
  assert.ok(sim.liveProcesses <= 1, `live processes ${sim.liveProcesses}`);
  assert.ok(sim.queueCapacity <= 64, `queue capacity ${sim.queueCapacity}`);
});

test("trace records primitive actions and pairs them into intervals", () => {
  const sim = new Simulation({ trace: true });
  sim.spawn("p", function* () {
    sim.record("p", "wait", "L");
    yield 2;
    sim.record("p", "acquired", "L");
    yield 3;
    sim.record("p", "release", "L");
  });
  sim.run();
  assert.deepEqual(sim.trace!.lines(), ["0 p wait L", "2 p acquired L", "5 p release L"]);
  assert.deepEqual(sim.trace!.intervals({ wait: "acquired", acquired: "release" }), [
    { who: "p", on: "L", state: "wait", start: 0, end: 2 },
    { who: "p", on: "L", state: "acquired", start: 2, end: 5 },
  ]);
});
