/**
 * Deciding claims. Notebooks decide them on seeds from 1; the test suite on CLAIM_TEST_SEED_BASE and up, which no
 * notebook uses, so a claim that holds only for the seeds a notebook happened to show fails its test.
 *
 * The runs claims declare are collected first, those with the same experiment, input and seeds are run once (and
 * kept for the life of the process, so a notebook that decides its claims and then charts their evidence runs each
 * sweep once), all of them side by side on the worker pool, with one progress count across them.
 */
import type { Experiment } from "../experiment";
import { checkInput, type ParamInput, type ParamSpecs } from "../params";
import type { ResultSet } from "../results";
import { checkPlan } from "../rules";
import { runExperiment, seedList, type RunOptions } from "../runner";
import { usesFreeForm, type Finding } from "./checks";
import { type Claim, type ClaimRule, type RuleClaim } from "./claim";
import type { Verdict } from "./rule";
import { findingSentence } from "./sentences";

export const CLAIM_TEST_SEED_BASE = 1_000_001;

/** What a claim's evidence is: the result sets of its runs (chart them). */
export type Evidence = ResultSet<any, any, any>;

/** One decided claim. */
export interface ClaimVerdict {
  /** The experiment whose claim it is. */
  experiment: string;
  id: string;
  who: string;
  statement: string;
  /** What the experiment records that its model decides (the tests hold it to this). */
  expected: Verdict;
  verdict: Verdict;
  rule: ClaimRule;
  /** The deciding numbers in one paragraph. */
  detail: string;
  /** The decision tree with its numbers (claims on the one rule). */
  finding?: Finding;
  /** The named values the statement and the test share. */
  values?: Record<string, unknown>;
  note?: string;
  /** The seeds every point was run on. */
  seeds: number[];
  /** Parameters overridden for every run of the evaluation (`base`), where they differ from the defaults. */
  base?: Record<string, unknown>;
  /** The claim ids the evaluation was limited to (`only`), if it was. */
  only?: string[];
  /** The module a notebook-defined experiment lives in (`Experiment.module`). */
  module?: string;
  /** The claim's runs by name, as result sets. */
  evidence: Record<string, Evidence>;
}

/** Options of `evaluateClaims`. */
export interface EvaluateOptions<S extends ParamSpecs = ParamSpecs> extends RunOptions {
  /** Overrides parameters for every run of every claim (a claim's own inputs win). */
  base?: ParamInput<S>;
  /** Decide only these claim ids. */
  only?: readonly string[];
}

type AnyExperiment = Experiment<any, any, any>;
type Common = Pick<ClaimVerdict, "experiment" | "seeds" | "base" | "only" | "module">;
type Cache = Map<string, Promise<ResultSet<any, any, any>>>;
const runCache = new WeakMap<AnyExperiment, Cache>();
const cachedExperiments = new Set<AnyExperiment>();

interface PlannedRun {
  key: string;
  input: Record<string, unknown>;
  jobs: number;
}

function plan(exp: AnyExperiment, input: Record<string, unknown>, seeds: number[]): PlannedRun {
  const checked = checkInput(exp.params, input);
  // Before any run: its size, and every point against the experiment's rules (rules.ts).
  const points = checkPlan(exp, checked, seeds.length, undefined, undefined, Object.keys(input));
  return {
    key: JSON.stringify({ plan: checked, seeds }),
    input,
    jobs: points.length * seeds.length,
  };
}

/**
 * Runs an experiment without chart detail, at most once per (experiment, input, seeds) in this process: a second
 * call with the same arguments gets the first call's result set. Claims run through it; so can a notebook that
 * wants a claim's sweep again.
 *
 * @example
 * const rs = await runCached(exp, { cpus: [2, 16], missNs: [0, 1000] }, { seeds: 5 });
 */
export function runCached<S extends ParamSpecs, D, O extends string>(
  exp: Experiment<S, D, O>,
  input: ParamInput<S> = {} as ParamInput<S>,
  options: RunOptions = {},
): Promise<ResultSet<S, D, O>> {
  const seeds = seedList(options);
  const p = plan(exp, input as Record<string, unknown>, seeds);
  const cache: Cache = runCache.get(exp) ?? new Map();
  runCache.set(exp, cache);
  cachedExperiments.add(exp);
  const hit = cache.get(p.key);
  if (hit) {
    options.onProgress?.(p.jobs, p.jobs);
    return hit as Promise<ResultSet<S, D, O>>;
  }
  const run = runExperiment(exp, input, { ...options, detail: false });
  cache.set(p.key, run);
  run.catch(() => cache.delete(p.key));
  return run;
}

/**
 * Forgets the cached runs of one experiment, or of all (after changing a model in a running kernel, say).
 *
 * @example
 * clearRunCache(exp);
 */
export function clearRunCache(exp?: AnyExperiment): void {
  if (exp) runCache.delete(exp);
  else for (const e of cachedExperiments) runCache.delete(e);
}

/** One progress count over many runs whose sizes are known when they are planned. */
class ProgressTotal {
  private readonly done = new Map<string, number>();
  private total = 0;
  constructor(private readonly onProgress?: (done: number, total: number) => void) {}
  add(jobs: number): void {
    this.total += jobs;
  }
  reporter(id: string): ((done: number, total: number) => void) | undefined {
    if (!this.onProgress) return undefined;
    return (d) => {
      this.done.set(id, d);
      let sum = 0;
      for (const v of this.done.values()) sum += v;
      this.onProgress!(Math.min(sum, this.total), this.total);
    };
  }
}

/** What every verdict repeats of its claim. */
function claimFields(claim: Claim<any, any>): Pick<ClaimVerdict, "id" | "who" | "statement" | "expected"> {
  return { id: claim.id, who: claim.who, statement: claim.statement, expected: claim.expected };
}

async function decideRuleClaim(
  exp: AnyExperiment,
  claim: RuleClaim<any, any, any, any>,
  results: Record<string, ResultSet<any, any, any>>,
  common: Common,
): Promise<ClaimVerdict> {
  const finding = claim.test(results, claim.values);
  if (!finding || typeof finding.verdict !== "string")
    throw new TypeError(`${exp.id} claim '${claim.id}': test() must return a Finding (atLeast, within, allOf, ...)`);
  return {
    ...common,
    ...claimFields(claim),
    verdict: finding.verdict,
    rule: usesFreeForm(finding) ? "free-form" : "one-rule",
    detail: findingSentence(finding) + (claim.note ? ` ${claim.note}` : ""),
    finding,
    values: claim.values as Record<string, unknown>,
    ...(claim.note === undefined ? {} : { note: claim.note }),
    evidence: results,
  };
}

/**
 * Decides an experiment's claims, in their order, on the given seeds. Each declared run is run once, all side by
 * side; `onProgress(done, total)` counts replications across all of them.
 *
 * @example
 * const list = await evaluateClaims(exp, { seeds: 5, onProgress: progress("claims") });
 * verdicts(list); // in a notebook: the verdict table, its text form and its JSON
 */
export async function evaluateClaims<S extends ParamSpecs>(
  exp: Experiment<S, any, any>,
  options: EvaluateOptions<S> = {},
): Promise<ClaimVerdict[]> {
  const claims = exp.claims.filter((c) => !options.only || options.only.includes(c.id));
  if (options.only)
    for (const id of options.only)
      if (!exp.claims.some((c) => c.id === id))
        throw new RangeError(`${exp.id}: unknown claim '${id}'; claims: ${exp.claims.map((c) => c.id).join(", ")}`);
  const seeds = seedList(options);
  const base = (options.base ?? {}) as Record<string, unknown>;
  // What the verdicts record (and their reproduce command names): the overrides that differ from the defaults.
  const changed = Object.fromEntries(
    Object.entries(base).filter(([k, v]) => (exp.params as Record<string, { default: unknown }>)[k]?.default !== v),
  );
  const runOptions: RunOptions = {
    seeds: seeds.length,
    seedBase: seeds[0],
    workers: options.workers,
    ...(options.executor === undefined ? {} : { executor: options.executor }),
  };
  const common: Common = {
    experiment: exp.id,
    seeds,
    ...(Object.keys(changed).length > 0 ? { base: changed } : {}),
    ...(options.only ? { only: [...options.only] } : {}),
    ...(exp.module ? { module: exp.module } : {}),
  };
  const progress = new ProgressTotal(options.onProgress);

  // Every declared run, once.
  const planned = new Map<string, PlannedRun>();
  const claimKeys = new Map<Claim<S, any>, Record<string, string>>();
  for (const claim of claims) {
    const keys: Record<string, string> = {};
    for (const [name, input] of Object.entries(claim.runs as Record<string, Record<string, unknown>>)) {
      const p = plan(exp, { ...base, ...input }, seeds);
      keys[name] = p.key;
      if (!planned.has(p.key)) {
        planned.set(p.key, p);
        progress.add(p.jobs);
      }
    }
    claimKeys.set(claim, keys);
  }
  const results = new Map<string, Promise<ResultSet<any, any, any>>>();
  for (const p of planned.values())
    results.set(
      p.key,
      runCached(exp, p.input as ParamInput<S>, { ...runOptions, onProgress: progress.reporter(p.key) }),
    );
  await Promise.all(results.values()); // a failed run fails the evaluation before any claim is decided

  const out: ClaimVerdict[] = [];
  for (const claim of claims) {
    const byName: Record<string, ResultSet<any, any, any>> = {};
    for (const [name, key] of Object.entries(claimKeys.get(claim)!)) byName[name] = await results.get(key)!;
    out.push(await decideRuleClaim(exp, claim, byName, common));
  }
  return out;
}

/**
 * Decides one claim of an experiment (what the test suite calls, claim by claim).
 *
 * @example
 * const v = await evaluateClaim(exp, exp.claims[0], { seeds: 5, seedBase: CLAIM_TEST_SEED_BASE });
 */
export async function evaluateClaim<S extends ParamSpecs>(
  exp: Experiment<S, any, any>,
  claim: Claim<S, any>,
  options: Omit<EvaluateOptions<S>, "only"> = {},
): Promise<ClaimVerdict> {
  if (!exp.claims.includes(claim)) throw new RangeError(`${exp.id}: claim '${claim.id}' is not one of its claims`);
  const [v] = await evaluateClaims(exp, { ...options, only: [claim.id] });
  return v;
}
