/**
 * A test-only experiment whose replication throws at one sweep point, registered by preloading this file
 * (`node -r dist/test/helpers/failing-experiment.js bin/mmsim.js ...`): the submitting CLI, the workers and their
 * worker threads (which inherit -r) all know it, and the shipped registry never does.
 */
import { defineExperiment } from "../../src/experiments/experiment";
import { integer } from "../../src/experiments/params";
import { experiments } from "../../src/experiments/registry";

export const FAILING_EXPERIMENT = "test-failing-point";

const failingPoint = defineExperiment({
  id: FAILING_EXPERIMENT,
  title: "test only: throws at n = failAt",
  thread: "none (test)",
  kernel: "none (test)",
  params: {
    n: integer({ unit: "count", default: 1, min: 0, max: 1000, description: "The point.", source: "test" }),
    failAt: integer({ unit: "count", default: 3, min: 0, max: 1000, description: "Where it throws.", source: "test" }),
  },
  observables: { y: { unit: "count", description: "n times the seed." } },
  scenario(p, seed) {
    if (p.n === p.failAt) throw new Error(`deliberate failure at n=${p.n}`);
    return { values: { y: p.n * seed } };
  },
  claims: [],
});

if (!experiments.some((e) => e.id === FAILING_EXPERIMENT)) experiments.push(failingPoint);
