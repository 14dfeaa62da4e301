/**
 * Determinism across worker counts, as a property: random parameter sweeps of two experiments give bit-identical
 * rows and replication values with 1 worker (inline) and with 2 worker threads. Few runs: each spawns workers.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { lockContention } from "../../src/experiments/lock-contention/experiment";
import { spinlockConvoy } from "../../src/experiments/spinlock-convoy/experiment";
import { runExperiment } from "../../src/experiments/runner";

test("same parameters and seeds give identical results with 1 and 2 workers (random sweeps)", async () => {
  const lockInput = fc.record({
    threads: fc.uniqueArray(fc.integer({ min: 1, max: 32 }), { minLength: 1, maxLength: 3 }),
    holdNs: fc.integer({ min: 10, max: 400 }),
    acquisitions: fc.integer({ min: 100, max: 3_000 }),
  });
  const convoyInput = fc.record({
    cpus: fc.uniqueArray(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 2 }),
    missPlacement: fc.constantFrom("inside", "outside"),
    handoffNs: fc.integer({ min: 0, max: 100 }),
    durationMs: fc.constantFrom(0.2, 0.5),
    warmupMs: fc.constantFrom(0, 0.1),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        lockInput.map((input) => ({ exp: lockContention as never, input })),
        convoyInput.map((input) => ({ exp: spinlockConvoy as never, input })),
      ),
      fc.integer({ min: 1, max: 1e6 }),
      async ({ exp, input }, seedBase) => {
        const one = await runExperiment(exp, input, { seeds: 2, seedBase, workers: 1 });
        const two = await runExperiment(exp, input, { seeds: 2, seedBase, workers: 2 });
        assert.deepEqual(two.toJSON(), one.toJSON());
        assert.deepEqual(
          two.replications.map((r) => r.values),
          one.replications.map((r) => r.values),
        );
      },
    ),
    { seed: 5, numRuns: 4 },
  );
});
