/**
 * Deciding claims. Notebooks decide them on seeds from 1; the test suite on CLAIM_TEST_SEED_BASE and up, which no
 * notebook uses, so a claim that holds only for the seeds a notebook happened to show fails its test.
 */
import type { Claim, ClaimOutcome, Experiment } from "./experiment";
import type { ParamInput, ParamSpecs } from "./params";
import { runExperiment, type RunOptions } from "./runner";

export const CLAIM_TEST_SEED_BASE = 1_000_001;

export interface ClaimVerdict {
  id: string;
  who: string;
  statement: string;
  expected: string;
  verdict: string;
  detail: string;
  evidence?: ClaimOutcome["evidence"];
}

export async function evaluateClaim<S extends ParamSpecs>(
  exp: Experiment<S, any>,
  claim: Claim<S>,
  options: RunOptions & { base?: ParamInput<S> } = {},
): Promise<ClaimVerdict> {
  const seeds = options.seeds ?? 5;
  const outcome = await claim.evaluate({
    seeds,
    run: (input) => runExperiment(exp, { ...(options.base ?? {}), ...input }, { ...options, seeds, detail: false }),
  });
  return {
    id: claim.id,
    who: claim.who,
    statement: claim.statement,
    expected: claim.expected,
    verdict: outcome.verdict,
    detail: outcome.detail,
    evidence: outcome.evidence,
  };
}

/** Decides every claim of an experiment, in order. `base` overrides parameters for all of them. */
export async function evaluateClaims<S extends ParamSpecs>(
  exp: Experiment<S, any>,
  options: RunOptions & { base?: ParamInput<S>; only?: string[] } = {},
): Promise<ClaimVerdict[]> {
  const out: ClaimVerdict[] = [];
  for (const claim of exp.claims) {
    if (options.only && !options.only.includes(claim.id)) continue;
    out.push(await evaluateClaim(exp, claim, options));
  }
  return out;
}
