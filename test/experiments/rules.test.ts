// Rules between parameters and the limits on a run: declared as data, checked on every sweep point before anything
// runs, failing with the parameters, their values and the rule; the defaults of every experiment keep every rule.
import { test } from "node:test";
import assert from "node:assert/strict";
import { defineExperiment } from "../../src/experiments/experiment";
import { checkJob } from "../../src/experiments/distributed/redis-worker";
import { localWorkers } from "../../src/experiments/executor";
import { defaults, integer, parseCliValue, real } from "../../src/experiments/params";
import { experiments } from "../../src/experiments/registry";
import {
  checkNotebookRules,
  checkRules,
  DEFAULT_MAX_REPLICATIONS,
  paramRules,
  RuleError,
  RunLimitError,
} from "../../src/experiments/rules";
import { runExperiment, seedList } from "../../src/experiments/runner";

const toyParams = {
  durationS: real({ unit: "s", default: 10, min: 1, max: 1000, description: "Run time.", source: "test" }),
  warmupS: real({ unit: "s", default: 2, min: 0, max: 1000, description: "Warm-up.", source: "test" }),
  n: integer({ unit: "count", default: 1, min: 1, max: 1e9, description: "A sweep axis.", source: "test" }),
};
const toyRules = paramRules(toyParams, [
  { params: ["warmupS", "durationS"], holds: (p) => p.warmupS < p.durationS, rule: "warmupS must be below durationS" },
]);
let ran = 0;
// Not in the registry, so it runs inline; every replication it runs is counted.
const toy = defineExperiment({
  id: "test-rules-toy",
  title: "test only",
  thread: "none (test)",
  kernel: "none (test)",
  rules: toyRules,
  params: toyParams,
  observables: { y: { unit: "count", description: "n." } },
  scenario(p) {
    ran++;
    return { values: { y: p.n } };
  },
  claims: [],
});

test("every experiment's defaults keep every one of its rules, and every rule names its parameters", () => {
  for (const exp of experiments) {
    for (const rule of exp.rules ?? []) {
      assert.ok(rule.params.length >= 2, `${exp.id}: ${rule.rule}`);
      for (const name of rule.params) assert.ok(Object.hasOwn(exp.params, name), `${exp.id}: ${name}`);
      assert.ok(rule.holds(defaults(exp.params)), `${exp.id}'s defaults break: ${rule.rule}`);
      for (const name of rule.params) assert.match(rule.rule, new RegExp(`\\b${name}\\b`), `${exp.id}: ${rule.rule}`);
    }
  }
  const ids = experiments.filter((e) => (e.rules ?? []).length > 0).map((e) => e.id);
  assert.deepEqual(ids.sort(), ["notifier-race", "spte-aging", "vma-lock"]);
});

test("a broken rule fails before any replication runs, naming both parameters, their values and the rule", async () => {
  ran = 0;
  await assert.rejects(
    runExperiment(toy, { n: [1, 2, 3], durationS: [5, 20], warmupS: 10 }, { seeds: 2 }),
    (e: unknown) => {
      assert.ok(e instanceof RuleError);
      assert.equal(e.param, "warmupS", "the first of the rule's parameters that the input set");
      assert.deepEqual(e.params, ["warmupS", "durationS"]);
      assert.deepEqual(e.values, { warmupS: 10, durationS: 5 });
      assert.equal(
        e.message,
        "parameters warmupS = 10 and durationS = 5 break a rule of test-rules-toy: warmupS must be below durationS " +
          "(3 of 6 sweep points break it; this is the first)",
      );
      return true;
    },
  );
  assert.equal(ran, 0, "nothing ran");
  const rs = await runExperiment(toy, { n: [1, 2], durationS: 20, warmupS: 10 }, { seeds: 2 });
  assert.equal(rs.rows.length, 2);
});

test("paramRules refuses an unknown parameter or a rule on one parameter", () => {
  assert.throws(
    () => paramRules(toyParams, [{ params: ["warmupS", "nope" as "n"], holds: () => true, rule: "r" }]),
    /'nope' is not a parameter/,
  );
  assert.throws(() => paramRules(toyParams, [{ params: ["n"], holds: () => true, rule: "r" }]), /two or more/);
});

test("checkRules reports the first rule in declared order, whatever the sweep order", () => {
  const two = paramRules(toyParams, [
    { params: ["warmupS", "durationS"], holds: (p) => p.warmupS < p.durationS, rule: "first" },
    { params: ["n", "durationS"], holds: (p) => p.n <= p.durationS, rule: "second" },
  ]);
  const p = { ...defaults(toyParams), warmupS: 50, n: 100 };
  assert.throws(() => checkRules("toy", two, [p]), /: first$/);
  assert.throws(
    () => checkRules("toy", two, [{ ...p, warmupS: 0 }]),
    /parameters n = 100 and durationS = 10.*: second$/,
  );
});

test("mmsim run's check: a rule is checked when an override sets one of its parameters and the cell has all", () => {
  const entries = [
    { name: "durationS", value: 10 },
    { name: "warmupS", value: 2 },
    { name: "seeds", value: 5 },
  ];
  assert.throws(
    () => checkNotebookRules(toy, entries, { durationS: 1 }),
    (e: unknown) =>
      e instanceof RuleError && e.param === "durationS" && /warmupS = 2 and durationS = 1/.test(e.message),
  );
  assert.throws(() => checkNotebookRules(toy, entries, { warmupS: [1, 30] }), /1 of 2 sweep points/);
  checkNotebookRules(toy, entries, { durationS: 3 });
  checkNotebookRules(toy, entries, { seeds: 2 }); // touches no rule
  // warmupS computed by the notebook's code (not a literal): the rule is the code's to keep.
  checkNotebookRules(toy, [{ name: "durationS", value: 10 }, { name: "warmupS" }], { durationS: 1 });
  // warmupS not in the params object at all: the same.
  checkNotebookRules(toy, [{ name: "durationS", value: 10 }], { durationS: 1 });
});

test("a run bigger than its replication limit is refused before any point is built, saying how many", async () => {
  ran = 0;
  const big = Array.from({ length: 30_000 }, (_, i) => i + 1);
  await assert.rejects(
    runExperiment(toy, { n: big }, { seeds: 5 }),
    (e: unknown) =>
      e instanceof RunLimitError &&
      /150,000 replications \(30,000 sweep points x 5 seeds\), more than the limit of 100,000/.test(e.message),
  );
  await assert.rejects(runExperiment(toy, { n: [1, 2, 3] }, { seeds: 2, maxReplications: 5 }), /6 replications/);
  await assert.rejects(runExperiment(toy, {}, { maxReplications: 0 }), /maxReplications must be a positive integer/);
  assert.equal(ran, 0);
  const rs = await runExperiment(toy, { n: [1, 2, 3] }, { seeds: 2, maxReplications: 6 });
  assert.equal(rs.rows.length, 3);
  assert.equal(DEFAULT_MAX_REPLICATIONS, 100_000);
});

test("a CLI range refuses to expand past its limit instead of cutting it short", () => {
  const spec = toyParams.n;
  assert.throws(
    () => parseCliValue("n", spec, "1:1e9:+1"),
    /parameter 'n': the range '1:1e9:\+1' has 1,000,000,000 values, more than the limit of 100,000/,
  );
  assert.equal(parseCliValue("n", spec, "1:100000:+1").length, 100_000);
  assert.throws(() => parseCliValue("n", spec, "1:11:+1", 10), /has 11 values, more than the limit of 10/);
  assert.deepEqual(parseCliValue("n", spec, "1:10:+1", 10), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(parseCliValue("n", spec, "1:1000:x10"), [1, 10, 100, 1000]);
  assert.throws(() => parseCliValue("warmupS", toyParams.warmupS, "0:10:x2"), /must start above 0, not at 0/);
  assert.throws(() => parseCliValue("n", spec, "1:10:+0x1"), /range step '\+0x1' must be an increment > 0/);
  // A step too small to move the value is refused by its count, never looped on.
  assert.throws(() => parseCliValue("durationS", toyParams.durationS, "1:2:+1e-300"), /more than the limit/);
});

test("seeds: the last seed must be a safe integer, checked without rounding", () => {
  assert.deepEqual(seedList({ seeds: 2, seedBase: Number.MAX_SAFE_INTEGER - 1 }), [
    Number.MAX_SAFE_INTEGER - 1,
    Number.MAX_SAFE_INTEGER,
  ]);
  assert.throws(
    () => seedList({ seeds: 2, seedBase: Number.MAX_SAFE_INTEGER }),
    /makes the last seed 9007199254740992, past the largest safe integer 9007199254740991: seedBase must be at most 9007199254740990/,
  );
  for (const bad of [0, 2.5, NaN, "2" as unknown as number, 10_001])
    assert.throws(() => seedList({ seeds: bad }), /seeds must be an integer in \[1, 10000\]/);
  for (const bad of [-1, 0.5, NaN, "" as unknown as number, Infinity])
    assert.throws(() => seedList({ seedBase: bad }), /seedBase must be a non-negative integer/);
});

test("local runs use at most the machine's cores (silently in the API)", () => {
  assert.equal(localWorkers(256, 2), 2);
  assert.equal(localWorkers(1, 2), 1);
  assert.equal(localWorkers(undefined, 3), 3);
  for (const bad of [0, 1.5, NaN]) assert.throws(() => localWorkers(bad, 2), /workers must be an integer >= 1/);
});

test("a queue worker refuses a job whose parameters break a rule (outside input, checked like any other)", () => {
  const spte = experiments.find((e) => e.id === "spte-aging")!;
  const params = { ...defaults(spte.params), durationS: 60, warmupS: 90 };
  const job = { experiment: "spte-aging", point: 0, params, seed: 1, detail: false };
  assert.throws(
    () => checkJob({ index: 0, job }, "spte-aging"),
    /^Error: refused: parameters warmupS = 90 and durationS = 60 break a rule of spte-aging/,
  );
  assert.deepEqual(checkJob({ index: 0, job: { ...job, params: { ...params, warmupS: 30 } } }, "spte-aging").params, {
    ...params,
    warmupS: 30,
  });
});
