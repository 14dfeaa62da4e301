/**
 * Failures are never lost (SimPy's rule), as exact traces: what each process saw, and when.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../src/sim/simulation";
import { EventFailure, ProcessFailure } from "../../src/sim/invariant";

function logger(sim: Simulation) {
  const log: string[] = [];
  return { log, say: (who: string, what: string) => log.push(`${sim.now} ${who} ${what}`) };
}

test("allOf over a failing event fails at once, into its waiter, with the source's error", () => {
  const sim = new Simulation();
  const { log, say } = logger(sim);
  const ev = sim.event("disk");
  sim.spawn("waiter", function* () {
    try {
      yield sim.allOf([sim.timeout(10, "t"), ev]);
      say("waiter", "all done");
    } catch (e) {
      say("waiter", `caught ${(e as Error).message}`);
    }
  });
  sim.spawn("breaker", function* () {
    yield 3;
    ev.fail(new Error("io error"));
    say("breaker", "failed disk");
  });
  sim.run();
  assert.deepEqual(log, ["3 breaker failed disk", "3 waiter caught io error"]);
  assert.equal(sim.now, 10, "the timeout still fires; nothing else happens");
});

test("anyOf with a failing source fails if the failure comes first", () => {
  const sim = new Simulation();
  const { log, say } = logger(sim);
  sim.spawn("waiter", function* () {
    const bad = sim.event("bad");
    sim.schedule(2, () => bad.fail(new Error("nope")));
    try {
      const v = yield sim.anyOf([sim.timeout(5, "late"), bad]);
      say("waiter", `got ${JSON.stringify(v)}`);
    } catch (e) {
      say("waiter", `caught ${(e as Error).message}`);
    }
  });
  sim.run();
  assert.deepEqual(log, ["2 waiter caught nope"]);
});

test("anyOf that already fired does not handle a later failure of a source: it fails the run", () => {
  const sim = new Simulation();
  const { log, say } = logger(sim);
  const bad = sim.event("bad");
  sim.spawn("waiter", function* () {
    const v = yield sim.anyOf([sim.timeout(1, "early"), bad]);
    say("waiter", `got ${JSON.stringify(v)}`);
  });
  sim.schedule(4, () => bad.fail(new Error("late failure")));
  assert.throws(
    () => sim.run(),
    (e: unknown) =>
      e instanceof EventFailure && e.eventName === "bad" && e.timeNs === 4 && /late failure/.test(e.message),
  );
  assert.deepEqual(log, ['1 waiter got ["early",null]']);
});

test("a failed event nobody waits on fails the run, naming the event and the time", () => {
  const sim = new Simulation();
  const ev = sim.event("orphan");
  sim.spawn("p", function* () {
    yield 7;
    ev.fail(new Error("lost"));
    yield 1;
  });
  assert.throws(
    () => sim.run(),
    (e: unknown) =>
      e instanceof EventFailure &&
      e.eventName === "orphan" &&
      e.timeNs === 7 &&
      /event 'orphan' failed at t=7 ns and nothing handled it: lost/.test(e.message),
  );
  assert.equal(sim.now, 7, "the run stops right after the event that failed it");
});

test("a callback without onError does not handle a failure; one with onError does", () => {
  const sim = new Simulation();
  const { log, say } = logger(sim);
  const a = sim.event<number>("a");
  a.then((v) => say("cb", `value ${v}`));
  sim.schedule(1, () => a.fail(new Error("a broke")));
  assert.throws(() => sim.run(), EventFailure);

  const sim2 = new Simulation();
  const l2 = logger(sim2);
  const b = sim2.event<number>("b");
  b.then(
    (v) => l2.say("cb", `value ${v}`),
    (e) => l2.say("cb", `error ${(e as Error).message}`),
  );
  sim2.schedule(1, () => b.fail(new Error("b broke")));
  sim2.run();
  assert.deepEqual(l2.log, ["1 cb error b broke"]);
  assert.equal(b.defused, true);
  assert.deepEqual(log, []);
});

test("a process that fails and is joined: the joiner gets the error and the run goes on", () => {
  const sim = new Simulation({ trace: true });
  const { log, say } = logger(sim);
  const child = sim.spawn("child", function* () {
    yield 5;
    throw new Error("child crashed");
  });
  sim.spawn("parent", function* () {
    try {
      yield child;
      say("parent", "child returned");
    } catch (e) {
      say("parent", `caught ${(e as Error).message}`);
    }
    yield 2;
    say("parent", "carries on");
  });
  sim.run();
  assert.deepEqual(log, ["5 parent caught child crashed", "7 parent carries on"]);
  assert.equal(child.failed, true);
  assert.equal(child.defused, true);
  assert.deepEqual(sim.trace!.lines(), ["5 child failed"]);
});

test("a joiner that does not catch fails in turn, and the run fails naming it", () => {
  const sim = new Simulation();
  const child = sim.spawn("child", function* () {
    yield 5;
    throw new Error("deep");
  });
  sim.spawn("parent", function* () {
    yield child;
  });
  assert.throws(
    () => sim.run(),
    (e: unknown) =>
      e instanceof ProcessFailure && e.processName === "parent" && e.timeNs === 5 && /deep/.test(e.message),
  );
});

test("joining a process that has already failed throws its error at once", () => {
  const sim = new Simulation();
  const { log, say } = logger(sim);
  const child = sim.spawn("child", function* () {
    yield 1;
    throw new Error("early");
  });
  child.defused = true; // nobody waits at t=1; the parent looks later
  sim.spawn("parent", function* () {
    yield 3;
    try {
      yield child;
    } catch (e) {
      say("parent", `caught ${(e as Error).message}`);
    }
  });
  sim.run();
  assert.deepEqual(log, ["3 parent caught early"]);
});

test("allOf over processes fails when one of them fails, and the others run on", () => {
  const sim = new Simulation();
  const { log, say } = logger(sim);
  const ok = sim.spawn("ok", function* () {
    yield 10;
    say("ok", "done");
    return 1;
  });
  const bad = sim.spawn("bad", function* () {
    yield 4;
    throw new Error("bad child");
  });
  sim.spawn("parent", function* () {
    try {
      yield sim.allOf([ok, bad]);
    } catch (e) {
      say("parent", `caught ${(e as Error).message}`);
    }
  });
  sim.run();
  assert.deepEqual(log, ["4 parent caught bad child", "10 ok done"]);
});

test("nested conditions pass a failure up", () => {
  const sim = new Simulation();
  const { log, say } = logger(sim);
  const bad = sim.event("bad");
  sim.schedule(6, () => bad.fail(new Error("inner")));
  sim.spawn("waiter", function* () {
    try {
      yield sim.allOf([sim.anyOf([bad, sim.timeout(20)]), sim.timeout(2)]);
    } catch (e) {
      say("waiter", `caught ${(e as Error).message}`);
    }
  });
  sim.run();
  assert.deepEqual(log, ["6 waiter caught inner"]);
});

test("defused failures do not fail the run: set on the event, or on a process before it fails", () => {
  const sim = new Simulation();
  const { log, say } = logger(sim);
  const ev = sim.event("cancelled");
  sim.spawn("p", function* () {
    yield 1;
    ev.fail(new Error("cancelled on purpose"));
    ev.defused = true; // after fail(), in the same step: still in time
    say("p", "defused");
    yield 1;
    say("p", "done");
  });
  const worker = sim.spawn("worker", function* () {
    yield 3;
    throw new Error("expected crash");
  });
  worker.defused = true;
  sim.run();
  assert.deepEqual(log, ["1 p defused", "2 p done"]);
  assert.equal(worker.failed, true);
});

test("failing an event and waiting on it in the same step counts as handled", () => {
  const sim = new Simulation();
  const { log, say } = logger(sim);
  sim.spawn("p", function* () {
    const ev = sim.event("self");
    ev.fail(new Error("now"));
    try {
      yield ev;
    } catch (e) {
      say("p", `caught ${(e as Error).message}`);
    }
  });
  sim.run();
  assert.deepEqual(log, ["0 p caught now"]);
});

test("an unhandled failure is not lost when the run stops in the same event", () => {
  const sim = new Simulation();
  const ev = sim.event("last");
  sim.spawn("p", function* () {
    yield 2;
    ev.fail(new Error("at the end"));
    sim.stop();
  });
  assert.throws(() => sim.run(), EventFailure);
});

test("an unjoined process failure still stops the run naming the process and time (unchanged)", () => {
  const sim = new Simulation();
  sim.spawn("lonely", function* () {
    yield 12;
    throw new Error("bad state");
  });
  sim.spawn("bystander", function* () {
    yield 100;
  });
  assert.throws(
    () => sim.run(),
    (e: unknown) => e instanceof ProcessFailure && e.processName === "lonely" && e.timeNs === 12,
  );
  assert.equal(sim.now, 12);
});
