import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../src/sim/simulation";
import { Histogram } from "../../src/sim/stats/histogram";
import { Counter } from "../../src/sim/stats/counter";
import { TimeWeighted } from "../../src/sim/stats/time-weighted";
import { msToNs, nsToMs, nsToS, nsToUs, perSecond, roundNs, sToNs, usToNs, meanGapNsOfRate } from "../../src/sim/time";

/**
 * A process that records a tell-tale value (WARM) only during the warm-up and ordinary values (1..) after it, into
 * every kind of statistic; after runMeasured nothing of the warm-up may be left.
 */
function leakScenario(warmupNs: number, durationNs: number) {
  const sim = new Simulation();
  const WARM = 1_000_000;
  const hist = sim.measure(new Histogram("h"));
  const counter = sim.measure(new Counter("c"));
  const level = sim.measure(new TimeWeighted("level"));
  let monotone = 0;
  const sinceOpen = sim.window.since(() => monotone);
  const seenOpen: boolean[] = [];
  sim.spawn("recorder", function* () {
    for (;;) {
      const inWarmup = sim.now < warmupNs;
      seenOpen.push(sim.window.isOpen === !inWarmup);
      hist.record(inWarmup ? WARM : 1 + (sim.now % 7));
      counter.add(inWarmup ? 100 : 1);
      // The level is WARM in the first half of the warm-up only: the window starts at the level it then has.
      level.set(sim.now, sim.now < warmupNs / 2 ? WARM : 2);
      monotone += inWarmup ? 100 : 1;
      yield 10;
    }
  });
  const w = sim.runMeasured({ warmupNs, durationNs });
  return { sim, w, hist, counter, level, sinceOpen, seenOpen, WARM };
}

test("nothing a registered statistic records during the warm-up leaks into the window", () => {
  const { sim, w, hist, counter, level, sinceOpen, seenOpen, WARM } = leakScenario(1000, 500);
  assert.equal(w.startNs, 1000);
  assert.equal(w.endNs, 1500);
  assert.equal(w.durationNs, 500);
  assert.equal(sim.now, 1500);
  // Events at t = 1000, 1010, ..., 1490 are inside: 50 of them.
  assert.equal(hist.count, 50);
  assert.ok(hist.max < WARM, `histogram max ${hist.max}: a warm-up record leaked`);
  assert.equal(counter.count, 50);
  assert.equal(counter.perSecond(sim.now), perSecond(50, 500));
  // The level was WARM until t=500 and 2 from then on: its mean and peak over the window are exactly 2.
  assert.equal(level.mean(sim.now), 2);
  assert.equal(level.peak, 2);
  assert.equal(sinceOpen.value, 50);
  assert.ok(
    seenOpen.every((x) => x),
    "window.isOpen is false during the warm-up and true after",
  );
});

test("without a warm-up the window is open from the start and runMeasured measures everything", () => {
  const { w, hist, counter } = leakScenario(0, 100);
  assert.equal(w.startNs, 0);
  assert.equal(w.isOpen, true);
  assert.equal(hist.count, 10);
  assert.equal(counter.count, 10);
});

test("the window opens before any event at its start time, whatever its priority or insertion order", () => {
  const sim = new Simulation();
  const h = sim.measure(new Histogram("h"));
  // A callback scheduled first at exactly the window's start, and a process waking there.
  sim.schedule(50, () => h.record(7));
  sim.spawn("p", function* () {
    yield 50;
    h.record(8);
  });
  sim.schedule(49, () => h.record(1_000));
  sim.runMeasured({ warmupNs: 50, durationNs: 10 });
  assert.equal(h.count, 2);
  assert.equal(h.min, 7);
  assert.equal(h.max, 8);
});

test("a run stopped during the warm-up leaves the window closed", () => {
  const sim = new Simulation();
  const h = sim.measure(new Histogram("h"));
  sim.spawn("p", function* () {
    yield 5;
    h.record(1);
    sim.stop();
  });
  const w = sim.runMeasured({ warmupNs: 100, durationNs: 10 });
  assert.equal(w.isOpen, false);
  assert.equal(sim.now, 5);
  assert.equal(h.count, 1);
});

test("window.contains counts an operation by when it began", () => {
  const sim = new Simulation();
  let counted = 0;
  sim.spawn("op", function* () {
    for (;;) {
      const t0 = sim.now;
      yield 30;
      if (sim.window.contains(t0)) counted++;
    }
  });
  sim.runMeasured({ warmupNs: 100, durationNs: 100 });
  // Operations begin at 0, 30, ..., 180: those beginning at 120, 150 end inside [100, 200); 90 began outside.
  assert.equal(counted, 2);
});

test("runMeasured refuses a fractional or negative warm-up and an empty window, naming them", () => {
  const sim = new Simulation();
  assert.throws(() => sim.runMeasured({ warmupNs: 1.5, durationNs: 10 }), /warmupNs must be an integer >= 0/);
  assert.throws(() => sim.runMeasured({ warmupNs: -1, durationNs: 10 }), /warmupNs must be an integer >= 0/);
  assert.throws(() => sim.runMeasured({ warmupNs: 0, durationNs: 0 }), /durationNs must be an integer > 0/);
  assert.throws(() => sim.measure({} as never), /expected a statistic with a reset/);
});

test("time.ts converts both ways and rounds only when asked", () => {
  assert.equal(usToNs(1.5), 1500);
  assert.equal(msToNs(2), 2e6);
  assert.equal(sToNs(3), 3e9);
  assert.equal(nsToUs(1500), 1.5);
  assert.equal(nsToMs(2e6), 2);
  assert.equal(nsToS(3e9), 3);
  assert.equal(roundNs(msToNs(0.1)), 100_000);
  assert.equal(perSecond(5, sToNs(2)), 2.5);
  assert.ok(Number.isNaN(perSecond(5, 0)));
  assert.equal(meanGapNsOfRate(1000), 1e6);
});
