/**
 * Typed experiment parameters: each has a unit, a default, an allowed range or set of choices, a description and a
 * source (a message id, a kernel file, or "assumption" when nothing published backs it).
 *
 * One schema serves the notebook (a typed object), `mmsim run -p` and `mmsim experiment --<name>`: input from any of
 * them is checked here, and a bad value fails with a ParamError that names the parameter and what is allowed.
 */

export interface NumberParam {
  type: "number" | "integer";
  /** Unit as written in names: "ns", "us", "ms", "s", "pages", "MiB", "count", "fraction", "per-s". */
  unit: string;
  default: number;
  min: number;
  max: number;
  description: string;
  /** Where the default comes from: a message id, a kernel file, "derived: ...", or "assumption". */
  source: string;
}

export interface ChoiceParam<C extends string = string> {
  type: "choice";
  unit?: "";
  choices: readonly C[];
  default: C;
  description: string;
  source: string;
}

export interface BooleanParam {
  type: "boolean";
  unit?: "";
  default: boolean;
  description: string;
  source: string;
}

export type ParamSpec = NumberParam | ChoiceParam | BooleanParam;
export type ParamSpecs = Record<string, ParamSpec>;

/** The value type of one parameter. */
export type ParamValue<P extends ParamSpec> =
  P extends ChoiceParam<infer C> ? C : P extends BooleanParam ? boolean : number;

/** A complete, checked set of values: what a scenario runs with. */
export type ParamValues<S extends ParamSpecs> = { [K in keyof S]: ParamValue<S[K]> };

/**
 * A value a user may pass for one parameter. A choice takes any string at compile time (a notebook's parameters
 * cell widens `["inside", "outside"]` to string[]), offering its choices for completion; every value is checked at
 * run time.
 */
export type ParamInputValue<P extends ParamSpec> = P extends ChoiceParam<infer C> ? C | (string & {}) : ParamValue<P>;

/**
 * What a user may pass: any subset, each a value or a list of values to sweep. For a known experiment a misspelt
 * name is a compile error; for an experiment of unknown type (looked up by an id known only at run time) any record
 * is accepted and checked at run time.
 */
export type ParamInput<S extends ParamSpecs> = string extends keyof S
  ? Record<string, unknown>
  : { [K in keyof S]?: ParamInputValue<S[K]> | readonly ParamInputValue<S[K]>[] };

/**
 * A real-valued parameter: unit, default, allowed range, description and source.
 *
 * @example
 * holdNs: real({ unit: "ns", default: 200, min: 1, max: 1e9, description: "Critical-section time.", source: "assumption" })
 */
export function real(spec: Omit<NumberParam, "type">): NumberParam {
  return { type: "number", ...spec };
}

/**
 * An integer parameter.
 *
 * @example
 * cpus: integer({ unit: "count", default: 16, min: 1, max: 512, description: "CPUs taking the lock.", source: "assumption" })
 */
export function integer(spec: Omit<NumberParam, "type">): NumberParam {
  return { type: "integer", ...spec };
}

/**
 * One of a fixed set of names (its type is the union of the names).
 *
 * @example
 * placement: choice({ choices: ["inside", "outside"] as const, default: "inside", description: "...", source: "lore:..." })
 */
export function choice<const C extends string>(spec: {
  choices: readonly C[];
  default: NoInferC<C>;
  description: string;
  source: string;
}): ChoiceParam<C> {
  return { type: "choice", ...spec } as ChoiceParam<C>;
}
type NoInferC<C> = [C][C extends unknown ? 0 : never];

/**
 * A true/false parameter.
 *
 * @example
 * strict: flag({ default: true, description: "Check every invariant.", source: "mmsim" })
 */
export function flag(spec: { default: boolean; description: string; source: string }): BooleanParam {
  return { type: "boolean", ...spec };
}

/** A bad command-line or file input that is not one parameter's value (an unknown option, an unreadable -f file). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** kebab-case to camelCase: --hold-ns and --holdNs name the same parameter. */
export function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export class ParamError extends Error {
  constructor(
    /** The parameter at fault ("" when the error is about the set as a whole). */
    readonly param: string,
    message: string,
  ) {
    super(message);
    this.name = "ParamError";
  }
}

/**
 * "an integer in [1, 256] count" and the like: what a parameter allows, for help text and errors.
 *
 * @example
 * describeAllowed(spinlockConvoyParams.cpus); // "an integer in [1, 512] count"
 */
export function describeAllowed(spec: ParamSpec): string {
  switch (spec.type) {
    // A unit that names what the value is goes before the range ("an integer count in [1, 256]", "a fraction in
    // [0, 1]"), a unit of measure after it ("a number in [1, 1000] ns").
    case "number":
    case "integer": {
      const range = `[${spec.min}, ${spec.max}]`;
      const unit = spec.unit ?? "";
      if (["count", "fraction", "ratio", "exponent"].includes(unit))
        return spec.type === "integer"
          ? `an integer ${unit} in ${range}`
          : `${/^[aeiou]/.test(unit) ? "an" : "a"} ${unit} in ${range}`;
      return `${spec.type === "integer" ? "an integer" : "a number"} in ${range}${unit ? ` ${unit}` : ""}`;
    }
    case "choice":
      return `one of ${spec.choices.map((c) => `'${c}'`).join(", ")}`;
    case "boolean":
      return "true or false";
  }
}

/**
 * The candidate closest to a misspelt name, if one is close enough to suggest.
 *
 * @example
 * closest("thread", ["threads", "holdNs"]); // "threads"
 */
export function closest(name: string, candidates: string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

/**
 * Checks one value of parameter `name` against its spec; returns it normalised (strings parsed). Throws a ParamError
 * naming the parameter and what it allows.
 *
 * @example
 * checkValue("cpus", spinlockConvoyParams.cpus, "16"); // 16
 */
export function checkValue(name: string, spec: ParamSpec, raw: unknown): ParamValue<ParamSpec> {
  const allowed = describeAllowed(spec);
  const bad = (why: string) => new ParamError(name, `parameter '${name}': ${why}; allowed: ${allowed}`);
  switch (spec.type) {
    case "number":
    case "integer": {
      const v = typeof raw === "number" ? raw : typeof raw === "string" ? parseNumberText(raw) : undefined;
      if (v === undefined) throw bad(`expected a number, got ${JSON.stringify(raw)}`);
      if (!Number.isFinite(v)) throw bad(`expected a finite number, got ${String(raw)}`);
      if (spec.type === "integer" && !Number.isInteger(v)) throw bad(`expected an integer, got ${v}`);
      if (v < spec.min || v > spec.max) throw bad(`${v} is out of range`);
      return v;
    }
    case "choice": {
      if (typeof raw !== "string") throw bad(`expected a name, got ${JSON.stringify(raw)}`);
      if (!spec.choices.includes(raw)) throw bad(`${quote(raw)} is not a choice`);
      return raw;
    }
    case "boolean": {
      if (typeof raw === "boolean") return raw;
      if (raw === "true" || raw === "1") return true;
      if (raw === "false" || raw === "0") return false;
      throw bad(`expected true or false, got ${JSON.stringify(raw)}`);
    }
  }
}

/** A checked request: every parameter as a non-empty list of values (one value = no sweep). */
export type SweepPlan<S extends ParamSpecs> = { [K in keyof S]: Array<ParamValue<S[K]>> };

/**
 * Checks user input against the schema: unknown names (with a suggestion), wrong types, out-of-range values and
 * empty lists all fail naming the parameter. Missing parameters take their defaults.
 *
 * @example
 * checkInput(exp.params, { cpus: [2, 16] }); // { cpus: [2, 16], missNs: [1000], ... }
 */
export function checkInput<S extends ParamSpecs>(specs: S, input: Record<string, unknown> = {}): SweepPlan<S> {
  const names = Object.keys(specs);
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(specs, key)) {
      const hint = closest(key, names);
      throw new ParamError(
        key,
        `unknown parameter ${quote(key)}${hint ? ` (did you mean '${hint}'?)` : ""}; parameters: ${names.join(", ")}`,
      );
    }
  }
  const plan: Record<string, unknown[]> = {};
  for (const name of names) {
    const spec = specs[name];
    const raw = input[name];
    if (raw === undefined) {
      plan[name] = [spec.default];
      continue;
    }
    const list = Array.isArray(raw) ? raw : [raw];
    if (list.length === 0)
      throw new ParamError(
        name,
        `parameter '${name}': an empty list sweeps nothing; allowed: ${describeAllowed(spec)}`,
      );
    const values = list.map((v) => checkValue(name, spec, v));
    plan[name] = [...new Set(values)]; // first occurrences, in order (a Set: linear in the list)
  }
  return plan as SweepPlan<S>;
}

/**
 * The sweep points of a plan: the cartesian product, first parameter varying slowest.
 *
 * @example
 * sweepPoints(exp.params, checkInput(exp.params, { cpus: [2, 16], missNs: [0, 90] })).length; // 4
 */
export function sweepPoints<S extends ParamSpecs>(specs: S, plan: SweepPlan<S>): Array<ParamValues<S>> {
  let points: Array<Record<string, unknown>> = [{}];
  for (const name of Object.keys(specs)) {
    const next: Array<Record<string, unknown>> = [];
    for (const p of points) for (const v of plan[name]) next.push({ ...p, [name]: v });
    points = next;
  }
  return points as Array<ParamValues<S>>;
}

/**
 * Default values of every parameter, as a typed object (what a notebook's parameters cell starts from).
 *
 * @example
 * const p = { ...defaults(spinlockConvoyParams), cpus: 2 };
 */
export function defaults<S extends ParamSpecs>(specs: S): ParamValues<S> {
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(specs)) out[k] = s.default;
  return out as ParamValues<S>;
}

/**
 * Parses a CLI value: "a,b,c" is a list (a sweep); "lo:hi:xF" multiplies from lo to hi; "lo:hi:+S" steps. A range
 * that would expand to more than `maxValues` values is refused, saying how many (never cut short).
 *
 * @example
 * parseCliValue("threads", lockContentionParams.threads, "1:64:x2"); // [1, 2, 4, 8, 16, 32, 64]
 */
export function parseCliValue(
  name: string,
  spec: ParamSpec,
  text: string,
  maxValues: number = DEFAULT_MAX_RANGE_VALUES,
): unknown[] {
  const range = /^([^:]+):([^:]+):([x+])([^:]+)$/.exec(text);
  if (range && (spec.type === "number" || spec.type === "integer")) {
    const lo = checkValue(name, spec, range[1]) as number;
    const hi = checkValue(name, spec, range[2]) as number;
    const step = parseNumberText(range[4]) ?? NaN;
    const mult = range[3] === "x";
    if (!Number.isFinite(step) || (mult ? step <= 1 : step <= 0)) {
      throw new ParamError(
        name,
        `parameter '${name}': range step ${quote(range[3] + range[4])} must be ${mult ? "a factor > 1" : "an increment > 0"}`,
      );
    }
    if (mult && lo <= 0)
      throw new ParamError(name, `parameter '${name}': a range multiplied by ${step} must start above 0, not at ${lo}`);
    const top = hi * (1 + 1e-12);
    // How many values the range has, before building any (the loop below stops one past the limit in any case).
    const count = lo > top ? 0 : Math.floor(mult ? Math.log(top / lo) / Math.log(step) : (top - lo) / step) + 1;
    const tooMany = () =>
      new ParamError(
        name,
        `parameter '${name}': the range ${quote(text)} has ${count.toLocaleString("en-US")} values, more than the limit of ` +
          `${maxValues.toLocaleString("en-US")} (sweep a coarser range, or raise the limit with --max-replications)`,
      );
    if (count > maxValues) throw tooMany();
    const out: number[] = [];
    for (let v = lo; v <= top; v = mult ? v * step : v + step) {
      if (out.length >= maxValues) throw tooMany();
      out.push(spec.type === "integer" ? Math.round(v) : Number(v.toPrecision(12)));
    }
    return out;
  }
  if (text.trim() === "")
    throw new ParamError(name, `parameter '${name}': an empty value sweeps nothing; allowed: ${describeAllowed(spec)}`);
  return text.split(",").map((s) => s.trim());
}

/** Values a CLI range may expand to unless raised: the default replication limit of a run (rules.ts). */
export const DEFAULT_MAX_RANGE_VALUES = 100_000;

/**
 * User text inside a message: 'text' as typed, or JSON-escaped where it holds control, line-breaking or
 * direction-changing characters, so a message is always one readable line.
 */
export function quote(text: string): string {
  if (!UNPRINTABLE.test(text)) return `'${text}'`;
  // JSON escapes the C0 controls; the others it leaves as they are.
  return JSON.stringify(text).replace(
    /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
// C0 and C1 controls, line and paragraph separators, bidirectional embeddings, overrides and isolates.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * A number written as a parameter (or a run option) may be: decimal digits with an optional sign, fraction, exponent
 * and `_` between digits (`1_000`, `2.5e3`). Anything else (hex, binary, "", "Infinity", "NaN") is not a number here.
 */
export function parseNumberText(text: string): number | undefined {
  const t = text.trim();
  if (!/^[-+]?(\d[\d_]*\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return undefined;
  return Number(t.replace(/_/g, ""));
}
