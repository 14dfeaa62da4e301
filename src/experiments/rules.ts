/**
 * Rules that tie parameters together (`warmupS < durationS`, threads within the topology's CPUs), declared as data
 * next to an experiment's parameters, and the limits on how big a run may be. Both are checked before anything
 * runs: by `runExperiment` for every sweep point, by the CLI (which also shows the rules in `--help`) and by
 * `mmsim run` for the values a notebook's overrides produce. A broken rule fails with a RuleError naming every
 * parameter it ties, their values and the rule.
 */
import {
  checkInput,
  checkValue,
  DEFAULT_MAX_RANGE_VALUES,
  ParamError,
  sweepPoints,
  type ParamSpec,
  type ParamSpecs,
  type ParamValues,
  type SweepPlan,
} from "./params";

/** One rule between parameters: which it ties, when it holds, and the rule in one sentence. */
export interface ParamRule<S extends ParamSpecs = ParamSpecs> {
  /** The parameters the rule ties (two or more), as the experiment names them. */
  params: ReadonlyArray<Extract<keyof S, string>>;
  /** True when a complete set of values keeps the rule. */
  holds(values: ParamValues<S>): boolean;
  /** The rule as a sentence for `--help` and errors: "warmupS must be less than durationS: ...". */
  rule: string;
}

/**
 * Declares an experiment's rules against its parameter specs (so a misspelt parameter is a compile error, and an
 * unknown one an error at load).
 *
 * @example
 * export const myRules = paramRules(myParams, [
 *   { params: ["warmupS", "durationS"], holds: (p) => p.warmupS < p.durationS, rule: "warmupS must be less than durationS" },
 * ]);
 */
export function paramRules<S extends ParamSpecs>(specs: S, rules: Array<ParamRule<S>>): Array<ParamRule<S>> {
  for (const r of rules) {
    if (r.params.length < 2) throw new Error(`rule '${r.rule}': a rule ties two or more parameters`);
    for (const name of r.params)
      if (!(name in specs)) throw new Error(`rule '${r.rule}': '${name}' is not a parameter`);
  }
  return rules;
}

/** A sweep point that breaks a rule: names every parameter the rule ties and their values. */
export class RuleError extends ParamError {
  constructor(
    /** The parameter the input set (the first of the rule's that it set), else the rule's first. */
    param: string,
    /** Every parameter the rule ties. */
    readonly params: readonly string[],
    /** Their values at the first sweep point that breaks the rule. */
    readonly values: Readonly<Record<string, unknown>>,
    /** The rule's sentence. */
    readonly rule: string,
    message: string,
  ) {
    super(param, message);
    this.name = "RuleError";
  }
}

function show(v: unknown): string {
  return typeof v === "string" ? `'${v}'` : String(v);
}

function ruleError(
  experiment: string,
  rule: ParamRule<any>,
  point: Record<string, unknown>,
  broken: number,
  total: number,
  given: readonly string[],
): RuleError {
  const values = Object.fromEntries(rule.params.map((n) => [n, point[n]]));
  const list = rule.params.map((n) => `${n} = ${show(point[n])}`);
  const pair = list.length === 2 ? list.join(" and ") : `${list.slice(0, -1).join(", ")} and ${list.at(-1)}`;
  const where = total > 1 ? ` (${broken} of ${total} sweep points break it; this is the first)` : "";
  const param = rule.params.find((n) => given.includes(n)) ?? rule.params[0];
  return new RuleError(
    param,
    rule.params,
    values,
    rule.rule,
    `parameters ${pair} break a rule of ${experiment}: ${rule.rule}${where}`,
  );
}

/**
 * Checks every sweep point against every rule; the first rule any point breaks throws a RuleError (the rules in
 * their declared order, so the message is the same whatever the sweep). `given` names the parameters the input set.
 */
export function checkRules<S extends ParamSpecs>(
  experiment: string,
  rules: ReadonlyArray<ParamRule<S>> | undefined,
  points: ReadonlyArray<ParamValues<S>>,
  given: readonly string[] = [],
): void {
  for (const rule of rules ?? []) {
    let first: ParamValues<S> | undefined;
    let broken = 0;
    for (const p of points) {
      if (rule.holds(p)) continue;
      first ??= p;
      broken++;
    }
    if (first) throw ruleError(experiment, rule, first, broken, points.length, given);
  }
}

/**
 * For `mmsim run`: checks an experiment's rules against a notebook's params object, given its entries (name and
 * literal default, undefined when the default is an expression) and the checked overrides. A rule is checked only
 * when an override sets one of its parameters and every parameter it ties has a literal value there (a list
 * sweeps): a parameter the params object does not declare, or computes, is the notebook code's, which this check
 * cannot see.
 */
export function checkNotebookRules(
  exp: { id: string; params: ParamSpecs; rules?: ReadonlyArray<ParamRule<any>> },
  entries: ReadonlyArray<{ name: string; value?: unknown }>,
  overrides: Readonly<Record<string, unknown>>,
): void {
  const changed = Object.keys(overrides);
  const values = new Map<string, unknown>();
  for (const e of entries) values.set(e.name, Object.hasOwn(overrides, e.name) ? overrides[e.name] : e.value);
  // A parameter's values as the rule will see them, or undefined when the notebook's code decides them.
  const literal = (name: string): unknown[] | undefined => {
    const raw = values.get(name);
    const list = Array.isArray(raw) ? raw : [raw];
    if (raw === undefined || list.length === 0) return undefined;
    try {
      return list.map((v) => checkValue(name, exp.params[name] as ParamSpec, v));
    } catch {
      return undefined;
    }
  };
  const defaults = Object.fromEntries(Object.entries(exp.params).map(([k, s]) => [k, s.default]));
  for (const rule of exp.rules ?? []) {
    if (!rule.params.some((n) => changed.includes(n))) continue;
    const lists = rule.params.map(literal);
    if (lists.some((l) => l === undefined)) continue;
    let points: Array<Record<string, unknown>> = [defaults];
    rule.params.forEach((name, i) => {
      points = points.flatMap((p) => lists[i]!.map((v) => ({ ...p, [name]: v })));
    });
    checkRules(exp.id, [rule], points as never, changed);
  }
}

/** The rules' lines for `--help`. */
export function describeRules(rules: ReadonlyArray<ParamRule<any>> | undefined): string[] {
  return (rules ?? []).map((r) => `  ${r.rule}`);
}

/**
 * Replications a run may have unless raised (`--max-replications N`, `maxReplications`); the same number bounds the
 * values one CLI range expands to.
 */
export const DEFAULT_MAX_REPLICATIONS = DEFAULT_MAX_RANGE_VALUES;

/** A run bigger than its limit, refused before anything is built or run. */
export class RunLimitError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "RunLimitError";
  }
}

/** Checks a replication limit: a positive safe integer. */
export function checkMaxReplications(limit: number, name = "maxReplications"): number {
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new RangeError(`${name} must be a positive integer, got ${String(limit)}`);
  return limit;
}

/**
 * Refuses a sweep of `points` points on `seeds` seeds whose replications pass `limit`, saying how many it would be.
 * `raise` says how to raise the limit where the caller is ("--max-replications N").
 */
export function checkReplicationCount(
  points: number,
  seeds: number,
  limit: number = DEFAULT_MAX_REPLICATIONS,
  raise = "the maxReplications option",
): void {
  const n = points * seeds;
  if (n > limit)
    throw new RunLimitError(
      `the run would have ${n.toLocaleString("en-US")} replications (${points.toLocaleString("en-US")} sweep points x ` +
        `${seeds} seeds), more than the limit of ${limit.toLocaleString("en-US")}; sweep fewer values or raise the ` +
        `limit with ${raise}`,
    );
}

/** The number of sweep points a checked plan has (the product of its lists' lengths), without building them. */
export function countPoints(plan: Readonly<Record<string, readonly unknown[]>>): number {
  let n = 1;
  for (const values of Object.values(plan)) n *= values.length;
  return n;
}

/**
 * Everything checked before a run starts, in order: the input against the schema, the run's size against `limit`
 * (before a point is built), then every sweep point against the experiment's rules. Returns the plan and its points.
 * `raise` says how to raise the limit where the caller is.
 */
export function planSweep<S extends ParamSpecs>(
  exp: { id: string; params: S; rules?: ReadonlyArray<ParamRule<S>> },
  input: Record<string, unknown>,
  seeds: number,
  limit: number = DEFAULT_MAX_REPLICATIONS,
  raise?: string,
): { plan: SweepPlan<S>; points: Array<ParamValues<S>> } {
  const plan = checkInput(exp.params, input);
  return { plan, points: checkPlan(exp, plan, seeds, limit, raise, Object.keys(input)) };
}

/**
 * planSweep's checks after checkInput: the size of a checked plan against `limit`, then its points (built only
 * then) against the rules. Returns the points. `given` names the parameters the input set.
 */
export function checkPlan<S extends ParamSpecs>(
  exp: { id: string; params: S; rules?: ReadonlyArray<ParamRule<S>> },
  plan: SweepPlan<S>,
  seeds: number,
  limit: number = DEFAULT_MAX_REPLICATIONS,
  raise?: string,
  given: readonly string[] = [],
): Array<ParamValues<S>> {
  checkReplicationCount(countPoints(plan), seeds, checkMaxReplications(limit), raise);
  const points = sweepPoints(exp.params, plan);
  checkRules(exp.id, exp.rules, points, given);
  return points;
}
