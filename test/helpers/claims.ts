/**
 * Claims as tests: each claim of an experiment is decided on seeds from CLAIM_TEST_SEED_BASE, which no notebook
 * uses, and the test fails when the decision differs from the verdict the experiment records (claim.expected).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Experiment } from "../../src/experiments/experiment";
import { CLAIM_TEST_SEED_BASE, evaluateClaim } from "../../src/experiments/claims";

export function testClaims(
  exp: Experiment<any, any>,
  options: {
    seeds?: number;
    workers?: number;
    timeoutMs?: number;
    /** Parameters for every run of every claim (a short durationMs that still decides the verdicts). */
    base?: Record<string, unknown>;
  } = {},
): void {
  for (const claim of exp.claims) {
    test(
      `${exp.id} claim '${claim.id}' (${claim.who}) ${claim.expected} on fresh seeds`,
      { timeout: options.timeoutMs ?? 300_000 },
      async () => {
        const v = await evaluateClaim(exp, claim, {
          seeds: options.seeds ?? 5,
          seedBase: CLAIM_TEST_SEED_BASE,
          workers: options.workers,
          ...(options.base === undefined ? {} : { base: options.base }),
        });
        assert.equal(v.verdict, claim.expected, `${claim.statement}\n  decided: ${v.verdict}: ${v.detail}`);
      },
    );
  }
}
