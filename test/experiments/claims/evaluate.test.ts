// Deciding claims: declared runs run once and are shared, one progress count, the old claim form refused,
// the statement built from the values, evidence as result sets.
import { test } from "node:test";
import assert from "node:assert/strict";
import { clearRunCache, evaluateClaim, evaluateClaims, runCached } from "../../../src/experiments/claims/index";
import {
  atLeast,
  defineClaim,
  freeForm,
  observable,
  pairedDifference,
} from "../../../src/experiments/claims/vocabulary";
import { defineExperiment } from "../../../src/experiments/experiment";
import type { ResultSet } from "../../../src/experiments/results";
import { calls, toy, toyParams } from "./toy";

const subject = { params: toyParams };

const gainClaim = defineClaim(subject, {
  id: "b-adds-half",
  who: "someone",
  values: { level: 10, extra: 4 },
  statement: (v) => `Variant b adds at least ${v.extra} to the value at level ${v.level}.`,
  runs: (v) => ({ variants: { level: v.level, variant: ["a", "b"] } }),
  test: (r, v) =>
    atLeast(pairedDifference(r.variants, "value", { variant: "b" }, { variant: "a" }), v.extra, { label: "b - a" }),
  expected: "holds",
});

const sameRunClaim = defineClaim(subject, {
  id: "b-not-double",
  who: "someone else",
  values: { level: 10, most: 20 },
  statement: (v) => `Variant b stays below ${v.most} at level ${v.level}.`,
  runs: (v) => ({ variants: { level: v.level, variant: ["a", "b"] } }),
  test: (r, v) => atLeast(observable(r.variants, "value", { variant: "b" }), v.most),
  expected: "fails",
});

const freeClaim = defineClaim(subject, {
  id: "free",
  who: "code",
  values: {},
  statement: () => "Decided by code.",
  runs: () => ({ one: { level: 3 } }),
  test: (r) => freeForm("holds", "it looked fine", [observable(r.one, "value", {})]),
  expected: "holds",
});

const exp = defineExperiment({ ...toy, id: "toy-claims", claims: [gainClaim, sameRunClaim, freeClaim] });

test("defineClaim builds the statement from the values, keeps them, and rejects unknown parameters", () => {
  assert.equal(gainClaim.statement, "Variant b adds at least 4 to the value at level 10.");
  assert.deepEqual(gainClaim.values, { level: 10, extra: 4 });
  assert.equal(gainClaim.rule, "one-rule");
  assert.throws(
    () =>
      defineClaim(subject, {
        id: "bad",
        who: "x",
        values: {},
        statement: () => "",
        runs: () => ({ r: { levle: 3 } as never }),
        test: (r) => atLeast(observable(r.r, "value", {}), 0),
        expected: "holds",
      }),
    /run 'r': unknown parameter 'levle'/,
  );
  assert.throws(() => defineClaim(subject, { ...gainClaim, id: "Bad Id", statement: () => "" } as never), /claim id/);
});

test("claims decide by the rule; runs with the same input and seeds run once; progress counts every replication", async () => {
  clearRunCache();
  calls.n = 0;
  const progress: Array<[number, number]> = [];
  const list = await evaluateClaims(exp, {
    seeds: 3,
    seedBase: 7,
    workers: 1,
    onProgress: (d, t) => progress.push([d, t]),
  });
  assert.deepEqual(
    list.map((v) => [v.id, v.verdict, v.rule]),
    [
      ["b-adds-half", "holds", "one-rule"],
      ["b-not-double", "fails", "one-rule"],
      ["free", "holds", "free-form"],
    ],
  );
  // 2 points x 3 seeds shared by two claims, 1 x 3 for the free-form claim.
  assert.equal(calls.n, 9);
  assert.deepEqual(progress[progress.length - 1], [9, 9]);
  assert.ok(
    progress.every(([d, t]) => d <= t),
    "never more done than the total",
  );
  const v = list[0];
  assert.deepEqual(v.seeds, [7, 8, 9]);
  assert.equal(v.experiment, "toy-claims");
  assert.match(v.detail, /^b - a >= 4: 5 ± 0 ns, 3 seeds: holds$/);
  assert.ok((v.evidence.variants as ResultSet).rows.length === 2, "evidence is the run's result set");
  assert.equal(list[1].evidence.variants, v.evidence.variants, "the shared run is one result set");
  // The old form (a claim deciding by its own evaluate()) is refused when the experiment is declared.
  assert.throws(
    () =>
      defineExperiment({
        ...toy,
        id: "toy-old-claim",
        claims: [{ id: "old", who: "x", statement: "s", expected: "holds", evaluate: async () => ({}) } as never],
      }),
    /claim 'old' has no runs and test; state it with defineClaim/,
  );

  // A second evaluation on the same seeds is served from the cache; other seeds run again.
  calls.n = 0;
  await evaluateClaims(exp, { seeds: 3, seedBase: 7, workers: 1 });
  assert.equal(calls.n, 0);
  await evaluateClaims(exp, { seeds: 3, seedBase: 100, workers: 1, only: ["free"] });
  assert.equal(calls.n, 3);
});

test("only, base and evaluateClaim", async () => {
  clearRunCache();
  const [v] = await evaluateClaims(exp, { seeds: 2, workers: 1, only: ["b-adds-half"], base: { noise: 0 } });
  assert.equal(v.id, "b-adds-half");
  assert.deepEqual(v.base, { noise: 0 });
  assert.deepEqual(v.only, ["b-adds-half"]);
  await assert.rejects(evaluateClaims(exp, { seeds: 2, only: ["nope"] }), /unknown claim 'nope'; claims: b-adds-half/);
  const one = await evaluateClaim(exp, sameRunClaim, { seeds: 2, workers: 1 });
  assert.equal(one.verdict, "fails");
  await assert.rejects(evaluateClaim(toy, sameRunClaim, { seeds: 2 }), /is not one of its claims/);
});

test("a claim whose CI straddles its threshold is undecided, and an unknown observable in a test is an error", async () => {
  const noisy = defineClaim(subject, {
    id: "noisy",
    who: "x",
    values: { threshold: 10 },
    statement: (v) => `value >= ${v.threshold}`,
    // gain x level = 10 exactly, noise around it: the CI contains 10.
    runs: () => ({ r: { level: 10, noise: 1 } }),
    test: (r, v) => atLeast(observable(r.r, "value", {}), v.threshold),
    expected: "undecided",
  });
  const typo = defineClaim(subject, {
    id: "typo",
    who: "x",
    values: {},
    statement: () => "",
    runs: () => ({ r: { level: 1 } }),
    test: (r) => atLeast(observable(r.r, "vlaue" as "value", {}), 0),
    expected: "holds",
  });
  const e = defineExperiment({ ...toy, id: "toy-undecided", claims: [noisy, typo] });
  const [v] = await evaluateClaims(e, { seeds: 4, workers: 1, only: ["noisy"] });
  assert.equal(v.verdict, "undecided");
  await assert.rejects(
    evaluateClaims(e, { seeds: 2, workers: 1, only: ["typo"] }),
    /unknown observable 'vlaue' \(did you mean 'value'\?\); observables: value, count, p99/,
  );
});

test("runCached returns the same result set for the same experiment, input and seeds", async () => {
  clearRunCache();
  const a = await runCached(toy, { level: 5 }, { seeds: 2, workers: 1 });
  const b = await runCached(toy, { level: 5 }, { seeds: 2, workers: 1 });
  const c = await runCached(toy, { level: 5 }, { seeds: 3, workers: 1 });
  assert.equal(a, b);
  assert.notEqual(a, c);
});
