// The verbs of the claim vocabulary, each made to hold, fail and stay undecided; measures from real result sets.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  above,
  allOf,
  always,
  anyOf,
  atLeast,
  atMost,
  below,
  crossover,
  findingRows,
  freeForm,
  never,
  observable,
  overCases,
  pairedDifference,
  pairedRatio,
  perSeed,
  summarize,
  within,
  type Measure,
} from "../../../src/experiments/claims/vocabulary";
import { runExperiment } from "../../../src/experiments/runner";
import { toy } from "./toy";

/** A measure with a chosen mean and spread: values mean +- d on n seeds. */
function m(mean: number, d: number, n = 6, label = "m"): Measure {
  const values = Array.from({ length: n }, (_, i) => mean + (i % 2 === 0 ? d : -d));
  return { label, values, seeds: values.map((_, i) => i + 1) };
}

test("summarize: mean, 95% CI and the interval the rule compares", () => {
  const s = summarize({ label: "x", values: [1, 2, 3], seeds: [1, 2, 3] });
  assert.equal(s.mean, 2);
  assert.ok(Math.abs(s.ci95 - 2.484) < 1e-3);
  assert.equal(s.lo, s.mean - s.ci95);
  assert.equal(s.n, 3);
  assert.deepEqual(s.missingSeeds, []);
});

test("atLeast / atMost / above / below: holds, fails and undecided by the CI, not the mean", () => {
  assert.equal(atLeast(m(10, 0.1), 5).verdict, "holds");
  assert.equal(atLeast(m(3, 0.1), 5).verdict, "fails");
  assert.equal(atLeast(m(5.2, 1), 5).verdict, "undecided", "mean above, CI across: undecided");
  assert.equal(atMost(m(3, 0.1), 4).verdict, "holds");
  assert.equal(atMost(m(5, 0.1), 4).verdict, "fails");
  assert.equal(atMost(m(3.9, 1), 4).verdict, "undecided");
  assert.equal(above(m(0.5, 0.1), 0).verdict, "holds");
  assert.equal(above(m(-0.5, 0.1), 0).verdict, "fails");
  assert.equal(below(m(-0.5, 0.1), 0).verdict, "holds");
  assert.equal(below(m(0.1, 1), 0).verdict, "undecided");
  const f = atLeast(m(10, 0.1, 6, "ratio"), 5);
  assert.equal(f.test, "ratio >= 5");
  assert.equal(f.threshold, 5);
  assert.equal(f.measure!.seeds, 6);
  assert.throws(() => atLeast(m(1, 0), NaN), /threshold of 'm' must be finite/);
});

test("within: inside holds, outside fails, across an end undecided", () => {
  assert.equal(within(m(1, 0.01), 0.95, 1.05).verdict, "holds");
  assert.equal(within(m(1.2, 0.01), 0.95, 1.05).verdict, "fails");
  assert.equal(within(m(1.05, 0.05), 0.95, 1.05).verdict, "undecided");
  assert.equal(within(m(1, 0.01), 0.95, 1.05).test, "m in [0.950, 1.05]");
  assert.throws(() => within(m(1, 0), 2, 1), /min 2 is above max 1/);
});

test("a seed without a value, or a single seed, leaves a comparison undecided and says why", () => {
  const missing: Measure = { label: "x", values: [10, NaN, 10.1, 9.9], seeds: [1, 2, 3, 4] };
  const f = atLeast(missing, 5);
  assert.equal(f.verdict, "undecided");
  assert.match(f.note!, /no value on seed 2 \(3 of 4\)/);
  const one = atLeast({ label: "x", values: [10], seeds: [1] }, 5);
  assert.equal(one.verdict, "undecided");
  assert.match(one.note!, /fewer than two seeds/);
  assert.equal(within(missing, 0, 100).verdict, "undecided");
});

test("never and always decide by counterexample", () => {
  const zero: Measure = { label: "violations", values: [0, 0, 0], seeds: [1, 2, 3] };
  const once: Measure = { label: "violations", values: [0, 1, 0], seeds: [1, 2, 3] };
  assert.equal(never(zero).verdict, "holds");
  assert.equal(never(once).verdict, "fails", "one violation on one seed is enough");
  assert.match(never(once).note!, /nonzero on 1 of 3 seeds/);
  assert.equal(always(once).verdict, "fails");
  assert.equal(always({ label: "stale", values: [2, 1, 5], seeds: [1, 2, 3] }).verdict, "holds");
  assert.equal(never({ label: "v", values: [0, NaN], seeds: [1, 2] }).verdict, "undecided");
});

test("allOf and anyOf combine the parts' verdicts", () => {
  const yes = atLeast(m(10, 0.1), 5);
  const no = atLeast(m(1, 0.1), 5);
  const maybe = atLeast(m(5, 1), 5);
  assert.equal(allOf(yes, yes).verdict, "holds");
  assert.equal(allOf(yes, no).verdict, "fails");
  assert.equal(allOf(yes, maybe).verdict, "undecided");
  assert.equal(anyOf(no, yes).verdict, "holds");
  assert.equal(anyOf(no, no).verdict, "fails");
  assert.equal(anyOf(no, maybe).verdict, "undecided");
});

test("overCases: every case holds, or depends naming the cases, or some case suffices", () => {
  const at = (x: number) => atLeast(m(x, 0.1), 5);
  const all = overCases("each x", [6, 7, 8], at);
  assert.equal(all.verdict, "holds");
  const mixed = overCases("each x", [1, 7, 8], at, { caseName: (x) => `x=${x}` });
  assert.equal(mixed.verdict, "depends");
  assert.deepEqual(
    mixed.parts!.map((p) => [p.case, p.verdict]),
    [
      ["x=1", "fails"],
      ["x=7", "holds"],
      ["x=8", "holds"],
    ],
  );
  assert.equal(overCases("each x", [1, 2], at).verdict, "fails");
  assert.equal(overCases("some x", [1, 7], at, { quantifier: "some" }).verdict, "holds");
  assert.equal(overCases("some x", [1, 2], at, { quantifier: "some" }).verdict, "fails");
  assert.equal(overCases("objects", [{ cpus: 2, missNs: 90 }], (c) => at(c.cpus)).parts![0].case, "cpus=2, missNs=90");
  assert.throws(() => overCases("none", [], at), /no cases/);
});

test("crossover locates the switch between two swept values and interpolates where the mean meets the threshold", () => {
  // The measure's mean is x / 2 at x: it meets 5 at x = 10.
  const f = crossover("cpus", [2, 4, 8, 16, 32], (x) => atLeast(m(x / 2, 0.01), 5));
  assert.equal(f.verdict, "depends");
  assert.equal(f.crossovers!.length, 1);
  const c = f.crossovers![0];
  assert.deepEqual([c.after, c.before, c.from, c.to], [8, 16, "fails", "holds"]);
  assert.equal(c.estimate, 10);
  // Undecided points between the two sides are skipped: the bracket spans them.
  const g = crossover("x", [2, 10, 20], (x) => atLeast(m(x / 2, x === 10 ? 3 : 0.01), 5));
  assert.deepEqual([g.crossovers![0].after, g.crossovers![0].before], [2, 20]);
  // No switch: no crossover, and the verdict is the common one.
  const h = crossover("x", [20, 30], (x) => atLeast(m(x / 2, 0.01), 5));
  assert.equal(h.verdict, "holds");
  assert.deepEqual(h.crossovers, []);
});

test("freeForm carries the code's verdict and the measures it looked at", () => {
  const f = freeForm("fails", "the curve bends back", [m(3, 0.1, 4, "peak")]);
  assert.equal(f.verdict, "fails");
  assert.equal(f.kind, "free-form");
  assert.equal(f.parts![0].measure!.label, "peak");
});

test("measures from a run: observables, paired ratios and differences per seed, perSeed on aligned seeds", async () => {
  const rs = await runExperiment(
    toy,
    { level: [1, 10], variant: ["a", "b"], noise: 0.1 },
    { seeds: 4, seedBase: 1, workers: 1 },
  );
  const v = observable(rs, "value", { level: 10, variant: "a" });
  assert.equal(v.label, "value at level=10, variant=a");
  assert.equal(v.unit, "ns");
  assert.deepEqual(v.seeds, [1, 2, 3, 4]);
  const ratio = pairedRatio(rs, "value", { level: 10, variant: "b" }, { level: 10, variant: "a" });
  assert.equal(ratio.label, "value, variant=b / variant=a, at level=10");
  const diff = pairedDifference(rs, "value", { level: 10, variant: "b" }, { level: 10, variant: "a" });
  // The noise is the same in both variants of a seed (common random numbers): the difference is exactly 5.
  assert.deepEqual(
    diff.values.map((x) => Number(x.toFixed(9))),
    [5, 5, 5, 5],
  );
  assert.equal(atLeast(diff, 5).verdict, "holds");
  assert.equal(within(ratio, 1.45, 1.55).verdict, "holds");
  const gain = perSeed("gain per level", [v, observable(rs, "value", { level: 1, variant: "a" })], (a, b) => a - b);
  assert.deepEqual(
    gain.values.map((x) => Number(x.toFixed(9))),
    [9, 9, 9, 9],
  );
  const other = await runExperiment(toy, { level: 1 }, { seeds: 3, workers: 1 });
  assert.throws(() => pairedRatio(v, observable(other, "value", {})), /different seeds/);
  assert.throws(() => observable(rs, "valeu" as "value", { level: 1, variant: "a" }), /unknown observable 'valeu'/);
});

test("findingRows: one row per deciding number, with the cases' values as columns, for charts and tables", () => {
  const f = overCases(
    "each miss",
    [90, 1000],
    (missNs) => crossover("cpus", [2, 16], (cpus) => atLeast(m(cpus / 2 + missNs / 1000, 0.01), 2)),
    { caseName: (missNs) => `missNs=${missNs}`, caseValues: (missNs) => ({ missNs }) },
  );
  const rows = findingRows(f);
  assert.deepEqual(
    rows.map((r) => [r.missNs, r.cpus, r.case, r.verdict, r.threshold]),
    [
      [90, 2, "missNs=90 / cpus=2", "fails", 2],
      [90, 16, "missNs=90 / cpus=16", "holds", 2],
      [1000, 2, "missNs=1000 / cpus=2", "undecided", 2], // mean exactly 2: the CI straddles it
      [1000, 16, "missNs=1000 / cpus=16", "holds", 2],
    ],
  );
  assert.ok(Math.abs(rows[1].mean - 8.09) < 1e-9);
  assert.ok(rows[1].meanCi95 > 0);
  const r = findingRows(within(m(1, 0.01), 0.9, 1.1))[0];
  assert.deepEqual([r.case, r.min, r.max], ["", 0.9, 1.1]);
});
