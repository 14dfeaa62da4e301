// Issue 18's engine leniency "observables with no samples come out as null without a word": a point where no seed
// gave a value is a flagged NaN, its <name>N 0 and, for a quantile that declares its samples, <name>Samples 0.
import { test } from "node:test";
import assert from "node:assert/strict";
import { defineExperiment } from "../../src/experiments/experiment";
import { integer } from "../../src/experiments/params";
import { runExperiment } from "../../src/experiments/runner";

const empty = defineExperiment({
  id: "test-empty-observable",
  title: "test only: a p99 over n samples, NaN when there are none",
  thread: "none (test)",
  kernel: "none (test)",
  params: { n: integer({ unit: "count", default: 0, min: 0, max: 10, description: "Samples.", source: "test" }) },
  observables: { waitP99Ns: { unit: "ns", description: "p99 of n waits.", samples: "waits" } },
  scenario: (p) => ({ values: { waitP99Ns: p.n > 0 ? 5 : NaN, waits: p.n } }),
  claims: [],
});

test("a point with no samples in any seed: NaN, flagged with N 0 and Samples 0, in rows, JSON and CSV", async () => {
  const rs = await runExperiment(empty, { n: [0, 3] }, { seeds: 3, workers: 1 });
  const none = rs.one({ n: 0 });
  assert.ok(Number.isNaN(none.waitP99Ns));
  assert.equal(none.waitP99NsN, 0, "no seed gave a value");
  assert.equal(none.waitP99NsSamples, 0);
  assert.equal("waitP99NsN" in rs.one({ n: 3 }), false, "a full point carries no N");
  assert.deepEqual(rs.toJSON().rows[0], {
    n: 0,
    waitP99Ns: null,
    waitP99NsCi95: null,
    waitP99NsN: 0,
    waitP99NsSamples: 0,
  });
  assert.equal(rs.toCSV().split("\n")[1], "0,,,0,0");
  assert.deepEqual(
    rs.incomplete().map((x) => [x.row.n, x.observables]),
    [[0, ["waitP99Ns"]]],
  );
});
