// The one rule, and how decisions combine: every branch, including the ones that must say undecided and fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  allVerdict,
  anyVerdict,
  decideRange,
  decideSide,
  everyCaseVerdict,
  someCaseVerdict,
} from "../../../src/experiments/claims/rule";

test("a CI wholly on the claimed side holds, wholly on the other fails, straddling is undecided", () => {
  assert.equal(decideSide(5, 6, ">=", 5), "holds");
  assert.equal(decideSide(3, 4.9, ">=", 5), "fails");
  assert.equal(decideSide(4.9, 5.1, ">=", 5), "undecided");
  assert.equal(decideSide(5, 6, ">", 5), "undecided", "strict: touching the threshold is not above it");
  assert.equal(decideSide(3, 5, ">", 5), "fails");
  assert.equal(decideSide(1, 2, "<=", 2), "holds");
  assert.equal(decideSide(2.1, 3, "<=", 2), "fails");
  assert.equal(decideSide(1.9, 2.1, "<=", 2), "undecided");
  assert.equal(decideSide(1, 1.99, "<", 2), "holds");
  assert.equal(decideSide(2, 3, "<", 2), "fails");
  assert.equal(decideSide(1, 3, "<", 2), "undecided");
});

test("no CI (NaN bounds) is undecided whatever the side", () => {
  for (const side of [">=", ">", "<=", "<"] as const) assert.equal(decideSide(NaN, NaN, side, 1), "undecided");
  assert.equal(decideRange(NaN, 1, 0, 2), "undecided");
});

test("a range holds inside, fails when the CI misses it, is undecided across an end", () => {
  assert.equal(decideRange(0.95, 1.05, 0.9, 1.1), "holds");
  assert.equal(decideRange(1.2, 1.3, 0.9, 1.1), "fails");
  assert.equal(decideRange(0.5, 0.8, 0.9, 1.1), "fails");
  assert.equal(decideRange(1.05, 1.15, 0.9, 1.1), "undecided");
  assert.equal(decideRange(0.5, 1.5, 0.9, 1.1), "undecided", "a CI wider than the range decides nothing");
});

test("conjunction: any failure fails; all must hold", () => {
  assert.equal(allVerdict(["holds", "holds"]), "holds");
  assert.equal(allVerdict(["holds", "fails", "undecided"]), "fails");
  assert.equal(allVerdict(["holds", "undecided"]), "undecided");
  assert.equal(allVerdict(["holds", "depends"]), "depends");
  assert.throws(() => allVerdict([]), /no parts/);
});

test("disjunction: any hold holds; all must fail", () => {
  assert.equal(anyVerdict(["fails", "holds"]), "holds");
  assert.equal(anyVerdict(["fails", "fails"]), "fails");
  assert.equal(anyVerdict(["fails", "undecided"]), "undecided");
  assert.equal(anyVerdict(["fails", "depends"]), "depends");
});

test("every case: depends when it holds in some and fails in others; fails when none holds", () => {
  assert.equal(everyCaseVerdict(["holds", "holds"]), "holds");
  assert.equal(everyCaseVerdict(["holds", "fails"]), "depends");
  assert.equal(everyCaseVerdict(["holds", "fails", "undecided"]), "depends");
  assert.equal(everyCaseVerdict(["fails", "undecided"]), "fails");
  assert.equal(everyCaseVerdict(["holds", "undecided"]), "undecided");
  assert.equal(everyCaseVerdict(["depends", "holds"]), "depends", "a case that depends counts as both");
  assert.equal(everyCaseVerdict(["fails", "fails"]), "fails");
});

test("some case: one hold suffices; all must fail to fail", () => {
  assert.equal(someCaseVerdict(["fails", "holds"]), "holds");
  assert.equal(someCaseVerdict(["fails", "fails"]), "fails");
  assert.equal(someCaseVerdict(["fails", "undecided"]), "undecided");
});
