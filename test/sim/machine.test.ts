/**
 * The second way to write a process: a state machine the engine steps without a generator. Same scheduling, same
 * failures, same results as the generator it replaces.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../src/sim/simulation";
import { CONTINUE, DONE, Interrupt, PARK, type Process, type Yielded } from "../../src/sim/process";
import { FifoMutex } from "../../src/sim/resource";
import { ProcessFailure } from "../../src/sim/invariant";
import { runLockModel } from "../../src/experiments/lock-contention/model";

test("a machine sleeps, waits on events and processes, and returns a result to its joiner", () => {
  const sim = new Simulation();
  const log: string[] = [];
  const ev = sim.event<string>("go");
  const child = sim.spawn("child", function* () {
    yield 7;
    return "child-result";
  });
  const m = sim.spawnMachine<number>("m", (self) => {
    let phase = 0;
    return (_, value): Yielded => {
      switch (phase++) {
        case 0:
          log.push(`${sim.now} start`);
          return 5;
        case 1:
          log.push(`${sim.now} slept`);
          return ev;
        case 2:
          log.push(`${sim.now} event ${String(value)}`);
          return child;
        case 3:
          log.push(`${sim.now} joined ${String(value)}`);
          return CONTINUE;
        default:
          self.result = 42;
          return DONE;
      }
    };
  });
  sim.schedule(6, () => ev.succeed("fired"));
  let joined: unknown;
  sim.spawn("joiner", function* () {
    joined = yield m;
  });
  sim.run();
  assert.deepEqual(log, ["0 start", "5 slept", "6 event fired", "7 joined child-result"]);
  assert.equal(joined, 42);
});

test("errors thrown into a machine go to its fail handler, or fail it", () => {
  const sim = new Simulation();
  const log: string[] = [];
  const sleeper = sim.spawnMachine("sleeper", () => ({
    step: () => 100,
    fail: (_self: Process, e: unknown) => {
      log.push(`${sim.now} ${e instanceof Interrupt ? `interrupted: ${String(e.cause)}` : "?"}`);
      return DONE;
    },
  }));
  sim.schedule(10, () => sleeper.interrupt("ipi"));
  const bad = sim.event("bad");
  sim.spawnMachine("no-handler", () => () => bad);
  sim.schedule(20, () => bad.fail(new Error("boom")));
  assert.throws(
    () => sim.run(),
    (e: unknown) => e instanceof ProcessFailure && e.processName === "no-handler" && e.timeNs === 20,
  );
  assert.deepEqual(log, ["10 interrupted: ipi"]);
});

test("a machine's fractional delay and a lock held at DONE are refused like a generator's", () => {
  const sim = new Simulation();
  sim.spawnMachine("frac", () => () => 0.5);
  assert.throws(() => sim.run(), /process 'frac' failed at t=0 ns: yielded 0.5/);
  const sim2 = new Simulation();
  const mutex = new FifoMutex(sim2, "m");
  sim2.spawnMachine("holder", (self) => {
    let locked = false;
    return () => {
      if (!locked) {
        locked = true;
        return mutex.lock(self);
      }
      return DONE;
    };
  });
  assert.throws(() => sim2.run(), /process 'holder' finished at t=0 ns while holding FifoMutex 'm'/);
});

test("machines park on primitives and are woken like generators (PARK / wake)", () => {
  const sim = new Simulation({ trace: true });
  const mutex = new FifoMutex(sim, "m");
  for (const name of ["a", "b"]) {
    sim.spawnMachine(name, (self) => {
      let phase = 0;
      return () => {
        switch (phase++) {
          case 0:
            return mutex.lock(self);
          case 1:
            return 10;
          case 2:
            mutex.unlock(self);
            return DONE;
          default:
            return PARK;
        }
      };
    });
  }
  sim.run();
  assert.deepEqual(sim.trace!.lines(), [
    "0 a acquired m",
    "0 b wait m",
    "10 a release m",
    "10 b acquired m",
    "20 b release m",
  ]);
});

test("the reference model gives bit-identical results written as generators or as state machines", () => {
  for (const threads of [1, 3, 8]) {
    const p = { threads, thinkNs: 1000, holdNs: 100, acquisitions: 5_000 };
    const g = runLockModel(p, 11, { style: "generator" });
    const m = runLockModel(p, 11, { style: "machine" });
    assert.equal(m.acquisitions, g.acquisitions);
    assert.equal(m.simNs, g.simNs);
    assert.equal(m.events, g.events);
    assert.equal(m.meanWaitNs, g.meanWaitNs);
    assert.deepEqual(m.wait.cdf(), g.wait.cdf());
  }
});
