import { test } from "node:test";
import assert from "node:assert/strict";
import { lockContention } from "../../src/experiments/lock-contention/experiment";
import { runExperiment, unchecked } from "../../src/experiments/runner";
import { ParamError } from "../../src/experiments/params";
import { testClaims } from "../helpers/claims";

testClaims(lockContention, { seeds: 6 });

test("same parameters and seeds give identical results whatever the worker count", async () => {
  const input = { threads: [2, 8, 16], acquisitions: 20_000 };
  const inline = await runExperiment(lockContention, input, { seeds: 3, workers: 1 });
  const two = await runExperiment(lockContention, input, { seeds: 3, workers: 2 });
  const three = await runExperiment(lockContention, input, { seeds: 3, workers: 3 });
  assert.deepEqual(two.toJSON(), inline.toJSON());
  assert.deepEqual(three.toJSON(), inline.toJSON());
  assert.deepEqual(
    two.replications.map((r) => r.values),
    inline.replications.map((r) => r.values),
  );
});

test("rows carry every parameter, each observable's mean and its Ci95, and the p99's sample count", async () => {
  const rs = await runExperiment(lockContention, { threads: 4, acquisitions: 5_000 }, { seeds: 2, workers: 1 });
  assert.deepEqual(Object.keys(rs.rows[0]), [
    "threads",
    "thinkNs",
    "holdNs",
    "acquisitions",
    "meanWaitNs",
    "meanWaitNsCi95",
    "waitP99Ns",
    "waitP99NsCi95",
    "waitP99NsSamples",
    "throughput",
    "throughputCi95",
    "utilization",
    "utilizationCi95",
    "exactMeanWaitNs",
    "exactMeanWaitNsCi95",
  ]);
  assert.match(rs.toCSV().split("\n")[0], /^threads,thinkNs,holdNs,acquisitions,meanWaitNs,meanWaitNsCi95/);
  assert.ok((rs.rows[0].waitP99NsSamples as number) > 4000, "about 5,000 waits behind each p99");
});

test("bad input is rejected before anything runs, naming the parameter and what is allowed", async () => {
  await assert.rejects(
    runExperiment(lockContention, unchecked({ thread: 3 })),
    (e: unknown) =>
      e instanceof ParamError && /unknown parameter 'thread' \(did you mean 'threads'\?\)/.test(e.message),
  );
  await assert.rejects(
    runExperiment(lockContention, { threads: 0 }),
    /parameter 'threads': 0 is out of range; allowed: an integer count in \[1, 4096\]/,
  );
  await assert.rejects(
    runExperiment(lockContention, { threads: 2.5 }),
    /parameter 'threads': expected an integer, got 2.5/,
  );
  await assert.rejects(
    runExperiment(lockContention, { holdNs: NaN }),
    /parameter 'holdNs': expected a finite number, got NaN/,
  );
  await assert.rejects(
    runExperiment(lockContention, unchecked({ holdNs: "fast" })),
    /parameter 'holdNs': expected a number, got "fast"/,
  );
  await assert.rejects(
    runExperiment(lockContention, { threads: [] }),
    /parameter 'threads': an empty list sweeps nothing/,
  );
});
