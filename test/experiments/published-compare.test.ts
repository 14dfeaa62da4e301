import { test } from "node:test";
import assert from "node:assert/strict";
import { loadPublished, parsePublishedCsv } from "../../src/experiments/published";
import { experiments } from "../../src/experiments/registry";
import {
  agreementCounts,
  agreementOf,
  comparePublished,
  parseExpr,
  publishedComparisons,
} from "../../src/experiments/published-compare";
import { lockContention } from "../../src/experiments/lock-contention/experiment";
import { finiteSourceMeanWaitNs } from "../../src/experiments/lock-contention/model";
import { runExperiment } from "../../src/experiments/runner";

const HEADER = "quantity,value,unit,conditions,source,role,params,model,match,matchWhy";
const exact8 = finiteSourceMeanWaitNs(8, 1000, 100).meanWaitNs;

test("model expressions parse with precedence, conditions and numbers", () => {
  const e = parseExpr("a * b{x=1, y=two} / 1e9 - -c");
  assert.deepEqual(e, {
    kind: "binary",
    op: "-",
    left: {
      kind: "binary",
      op: "/",
      left: {
        kind: "binary",
        op: "*",
        left: { kind: "name", name: "a", overrides: {} },
        right: { kind: "name", name: "b", overrides: { x: "1", y: "two" } },
      },
      right: { kind: "number", value: 1e9 },
    },
    right: { kind: "neg", arg: { kind: "name", name: "c", overrides: {} } },
  });
  assert.throws(() => parseExpr("a *"), /unexpected end/);
  assert.throws(() => parseExpr("a b"), /unexpected 'b'/);
  assert.throws(() => parseExpr("(a"), /expected '\)'/);
});

test("agreement classes: 10%, 2x, further; a zero matches only a zero", () => {
  assert.equal(agreementOf(105, 100), "within 10%");
  assert.equal(agreementOf(89, 100), "within 2x");
  assert.equal(agreementOf(201, 100), "further");
  assert.equal(agreementOf(0, 0), "within 10%");
  assert.equal(agreementOf(1, 0), "further");
  assert.equal(agreementOf(NaN, 3), "not comparable");
});

test("every row is run at its conditions, with paired ratios and parameters in expressions", async () => {
  const csv = [
    HEADER,
    `mean wait at 8 threads,${exact8},ns,closed form,theory,prediction,threads=8; acquisitions=20000,meanWaitNs,exact,`,
    `mean wait 16 over 8 threads,3,ratio,closed form,theory,prediction,acquisitions=20000,meanWaitNs{threads=16} / meanWaitNs{threads=8},exact,`,
    `utilization at 8 threads,0.5,fraction,Little,theory,calibration,threads=8; acquisitions=20000,throughput * holdNs / 1e9,approximate,only the mean hold`,
    `a context number,42,count,none,somewhere,context,,,,no observable corresponds`,
  ].join("\n");
  const rows = parsePublishedCsv(csv);
  const results = await comparePublished(lockContention, { seeds: 3, workers: 1, rows });
  assert.equal(results.length, 4);
  // The same runs made by hand: each point once, on the same seeds.
  const at8 = await runExperiment(lockContention, { threads: 8, acquisitions: 20000 }, { seeds: 3, workers: 1 });
  const at16 = await runExperiment(lockContention, { threads: 16, acquisitions: 20000 }, { seeds: 3, workers: 1 });
  const w8 = at8.samples("meanWaitNs", {});
  const w16 = at16.samples("meanWaitNs", {});
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.equal(results[0].model, mean(w8));
  assert.equal(results[0].agreement, "within 10%");
  assert.equal(results[0].role, "prediction");
  // Paired: the mean of per-seed ratios, not the ratio of means.
  assert.equal(results[1].model, mean(w16.map((v, i) => v / w8[i])));
  assert.ok(results[1].modelCi95 > 0);
  const util = at8.samples("throughput", {}).map((x) => (x * 100) / 1e9);
  assert.ok(Math.abs(results[2].model - mean(util)) < 1e-12);
  assert.equal(results[3].agreement, "not comparable");
  assert.ok(Number.isNaN(results[3].model));
  const counts = agreementCounts(results);
  assert.equal(counts.prediction["within 10%"], 1);
  assert.equal(counts.context["not comparable"], 1);
});

test("bad rows fail naming the line and what is wrong", () => {
  const bad = (row: string) => () => publishedComparisons(lockContention, parsePublishedCsv(`${HEADER}\n${row}`));
  assert.throws(bad("q,1,ns,c,s,guess,,meanWaitNs,exact,"), /csv:2: role 'guess' is not one of input, calibration/);
  assert.throws(bad("q,1,ns,c,s,prediction,,meanWaitNs,close,"), /match 'close' is not one of exact/);
  assert.throws(
    bad("q,1,ns,c,s,prediction,thread=8,meanWaitNs,exact,"),
    /params names 'thread', which is not a parameter/,
  );
  assert.throws(bad("q,1,ns,c,s,prediction,threads=0,meanWaitNs,exact,"), /parameter 'threads': 0 is out of range/);
  assert.throws(bad("q,1,ns,c,s,prediction,,meanWait,exact,"), /'meanWait' in the model expression is neither/);
  assert.throws(bad("q,1,ns,c,s,prediction,,meanWaitNs{threads=x},exact,"), /parameter 'threads': expected a number/);
  assert.throws(bad("q,1,ns,c,s,prediction,,,exact,"), /needs a model expression/);
  assert.throws(bad("q,1,ns,c,s,context,,,,"), /needs its reason in matchWhy/);
  assert.throws(bad("q,1,ns,c,s,prediction,,threads{holdNs=1},exact,"), /only observables take \{conditions\}/);
});

test("every data/published CSV that states roles checks against its experiment", () => {
  let checked = 0;
  for (const exp of experiments) {
    let rows;
    try {
      rows = loadPublished(exp.id);
    } catch {
      continue; // no CSV for this experiment (lock-contention)
    }
    if (rows.length === 0 || !("role" in rows[0].fields)) continue;
    const comparisons = publishedComparisons(exp, rows);
    assert.equal(comparisons.length, rows.length);
    checked++;
  }
  assert.ok(checked >= 1, "no CSV states roles yet");
});
