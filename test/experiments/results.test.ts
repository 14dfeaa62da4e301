// Result sets: how many seeds stand behind a mean (<name>N), sample counts of quantiles, errors that name the
// allowed names, and a build that reads each replication once (linear in the point count).
import { test } from "node:test";
import assert from "node:assert/strict";
import { ResultSet, type Replication } from "../../src/experiments/results";
import { runExperiment } from "../../src/experiments/runner";
import { toy, toyParams } from "./claims/toy";

test("a point whose replications gave NaN carries <name>N; full points do not; quantiles carry <name>Samples", async () => {
  const rs = await runExperiment(toy, { level: 3, variant: ["a", "b"] }, { seeds: 3, seedBase: 1, workers: 1 });
  const a = rs.one({ variant: "a" });
  const b = rs.one({ variant: "b" });
  assert.equal("countN" in a, false);
  assert.equal(b.countN, 2, "seed 2 gave NaN for variant b: the mean is over 2 of 3 seeds");
  assert.equal(b.count, 3);
  assert.equal(a.p99Samples, 100, "the fewest samples behind any replication's p99 (seed 1: 100)");
  assert.deepEqual(rs.columns, [
    "level",
    "gain",
    "variant",
    "noise",
    "value",
    "valueCi95",
    "count",
    "countCi95",
    "countN",
    "p99",
    "p99Ci95",
    "p99Samples",
  ]);
  assert.deepEqual(
    rs.incomplete().map((x) => [x.row.variant, x.observables]),
    [["b", ["count"]]],
  );
  assert.match(rs.toCSV().split("\n")[1], /,3,0,,6,0,100$/, "no countN on a full row: an empty CSV cell");
  assert.equal(rs.stat("count", { variant: "b" }).n, 2);
});

test("unknown observables, parameters and ambiguous matches are errors naming what is allowed, never NaN", async () => {
  const rs = await runExperiment(toy, { level: [1, 2] }, { seeds: 2, workers: 1 });
  assert.throws(
    () => rs.stat("valeu" as "value", { level: 1 }),
    /toy: unknown observable 'valeu' \(did you mean 'value'\?\); observables: value, count, p99/,
  );
  assert.throws(
    () => rs.samples("value", { levle: 1 } as never),
    /unknown parameter 'levle' \(did you mean 'level'\?\)/,
  );
  assert.throws(
    () => rs.stat("value", {}),
    /2 sweep points match \{\}; name one value of each swept parameter \(level\)/,
  );
  assert.throws(() => rs.stat("value", { level: 3 }), /no sweep point matches \{"level":3\}/);
  assert.throws(() => rs.column("nope"), /unknown column 'nope'/);
  assert.throws(() => rs.details({ level: 9 }), /no sweep point matches/);
});

test("building a result set reads each replication once: linear in the number of points", () => {
  const points = 2000;
  const seeds = [1, 2];
  const reps: Array<Replication<typeof toyParams>> = [];
  const params = { level: 0, gain: 1, variant: "a" as const, noise: 0 };
  for (let p = 0; p < points; p++)
    for (const seed of seeds)
      reps.push({ point: p, params, seed, values: { value: p, count: 1, p99: 1, p99Samples: 1 } });
  let reads = 0;
  const counted = new Proxy(reps, {
    get(target, key, receiver) {
      if (typeof key === "string" && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  const rs = new ResultSet(
    "toy",
    { level: [0], gain: [1], variant: ["a"], noise: [0] },
    Array.from({ length: points }, () => params),
    seeds,
    toy.observables,
    counted,
    0,
  );
  assert.equal(rs.rows.length, points);
  assert.equal(rs.rows[1234].value, 1234);
  // The quadratic build (a filter over all replications per point) read points x replications = 8 million.
  assert.ok(reads <= 2 * reps.length, `${reads} reads of ${reps.length} replications`);
});
