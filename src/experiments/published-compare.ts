/**
 * Every published number beside the model's, row by row, with no per-row code: each row of data/published/<id>.csv
 * says how the model reproduces it.
 *
 * Columns this module reads, beside quantity, value, unit, conditions and source:
 * - `role`: `input` (the number sets a parameter), `calibration` (the model was tuned to reproduce it), `prediction`
 *   (nothing was tuned to it) or `context` (no observable corresponds).
 * - `params`: the conditions as parameter values, `name=value; name=value` (checked against the experiment's specs).
 * - `model`: what the model gives for the row, as an expression over observables and parameters, in the
 *   published unit. An observable name is its value at the row's conditions; `name{param=value, ...}` is its value
 *   with some conditions changed (a second run); parameters stand for their values; numbers, + - * / and
 *   parentheses combine them. The expression is evaluated per seed, so a ratio of two runs is paired (common random
 *   numbers), and the mean and 95% CI are taken over seeds. Examples:
 *     `agingNsPerPage`
 *     `agingNsPerPage * vcpus * 262144 / 1e9`                         (a pass at 1 GiB per vCPU, in s)
 *     `agingNsPerPage{agingLock=write} / agingNsPerPage{agingLock=read}` (a speedup)
 * - `match`: how well the row's conditions could be set: `exact`, `approximate` or `none`; `matchWhy`: the reason.
 * - `agreement`: for comparable rows, the agreement class the model was last seen at (`within 10%`, `within 2x`,
 *   `further`), and `agreementWhy`: why it lands there (what the model lacks, or that it matches). The test suite fails
 *   when a prediction moves across the 2x band away from its recorded class: a change that moves a prediction must
 *   update both columns, and the notebook's published-numbers table shows them.
 *
 * A row with role `context` or match `none` has no observable and is listed as not comparable, with its reason.
 */
import type { Experiment } from "./experiment";
import { checkValue, type ParamSpec } from "./params";
import { loadPublished, type PublishedRow } from "./published";
import { runExperiment, type RunOptions } from "./runner";
import { meanCi95 } from "../sim/stats/replication";

export const PUBLISHED_ROLES = ["input", "calibration", "prediction", "context"] as const;
export type PublishedRole = (typeof PUBLISHED_ROLES)[number];
export const CONDITION_MATCHES = ["exact", "approximate", "none"] as const;
export type ConditionMatch = (typeof CONDITION_MATCHES)[number];

/** How far the model lands from a published number: the classes the README counts. */
export type Agreement = "within 10%" | "within 2x" | "further" | "not comparable";
export const AGREEMENTS: readonly Agreement[] = ["within 10%", "within 2x", "further", "not comparable"];

/** True when two classes lie on different sides of the 2x band (within 2x, or further). */
export function crossesTwoXBand(a: Agreement, b: Agreement): boolean {
  const inside = (x: Agreement) => x === "within 10%" || x === "within 2x";
  return a !== "not comparable" && b !== "not comparable" && inside(a) !== inside(b);
}

/** A parsed `model` expression. */
export type Expr =
  | { kind: "number"; value: number }
  | { kind: "name"; name: string; overrides: Record<string, string> }
  | { kind: "neg"; arg: Expr }
  | { kind: "binary"; op: "+" | "-" | "*" | "/"; left: Expr; right: Expr };

/** Parses a `model` expression (see the module comment); throws naming the position of a syntax error. */
export function parseExpr(text: string): Expr {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`model expression '${text}': ${why} at column ${i + 1}`);
  };
  const space = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const peek = () => {
    space();
    return text[i];
  };
  const expr = (): Expr => {
    let left = term();
    for (let c = peek(); c === "+" || c === "-"; c = peek()) {
      i++;
      left = { kind: "binary", op: c, left, right: term() };
    }
    return left;
  };
  const term = (): Expr => {
    let left = factor();
    for (let c = peek(); c === "*" || c === "/"; c = peek()) {
      i++;
      left = { kind: "binary", op: c, left, right: factor() };
    }
    return left;
  };
  const factor = (): Expr => {
    const c = peek();
    if (c === undefined) return fail("unexpected end");
    if (c === "-") {
      i++;
      return { kind: "neg", arg: factor() };
    }
    if (c === "(") {
      i++;
      const e = expr();
      if (peek() !== ")") fail("expected ')'");
      i++;
      return e;
    }
    const num = /^(\d+\.?\d*|\.\d+)(e[-+]?\d+)?/i.exec(text.slice(i));
    if (num) {
      i += num[0].length;
      return { kind: "number", value: Number(num[0]) };
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (!id) return fail(`unexpected '${c}'`);
    i += id[0].length;
    const overrides: Record<string, string> = {};
    if (peek() === "{") {
      i++;
      const close = text.indexOf("}", i);
      if (close < 0) fail("expected '}'");
      for (const part of text.slice(i, close).split(",")) {
        const eq = part.indexOf("=");
        if (eq < 0) fail(`expected name=value in '{${text.slice(i, close)}}'`);
        overrides[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
      }
      i = close + 1;
    }
    return { kind: "name", name: id[0], overrides };
  };
  const e = expr();
  if (peek() !== undefined) fail(`unexpected '${text[i]}'`);
  return e;
}

/** `name=value; name=value` -> a map of raw values (an empty cell is no condition). */
export function parseConditionParams(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(";")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    if (eq < 0) throw new Error(`params '${text}': expected name=value, got '${part.trim()}'`);
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

/** One published row, checked against the experiment: its role, conditions and how the model reproduces it. */
export interface PublishedComparison {
  /** Row number in the CSV (the header is row 1). */
  line: number;
  row: PublishedRow;
  role: PublishedRole;
  match: ConditionMatch;
  matchWhy: string;
  /** The agreement class recorded in the CSV ("" where none is), and why it lands there. */
  recordedAgreement: Agreement | "";
  agreementWhy: string;
  /** The row's conditions as checked parameter values (the rest take their defaults). */
  params: Record<string, unknown>;
  /** The parsed `model` expression, or null for rows that cannot be compared. */
  expr: Expr | null;
}

/** Reads and checks every row of data/published/<id>.csv against the experiment; errors name the row and column. */
export function publishedComparisons(exp: Experiment<any, any>, rows: PublishedRow[] = loadPublished(exp.id)) {
  const specs = exp.params as Record<string, ParamSpec>;
  const where = (n: number) => `data/published/${exp.id}.csv:${n}`;
  return rows.map((row, k): PublishedComparison => {
    const line = k + 2;
    const f = row.fields;
    const role = f.role as PublishedRole;
    if (!PUBLISHED_ROLES.includes(role))
      throw new Error(`${where(line)}: role '${f.role ?? ""}' is not one of ${PUBLISHED_ROLES.join(", ")}`);
    const match = (f.match || (role === "context" ? "none" : "")) as ConditionMatch;
    if (!CONDITION_MATCHES.includes(match))
      throw new Error(`${where(line)}: match '${f.match ?? ""}' is not one of ${CONDITION_MATCHES.join(", ")}`);
    const check = (name: string, raw: string, what: string) => {
      const spec = specs[name];
      if (!spec) throw new Error(`${where(line)}: ${what} names '${name}', which is not a parameter of ${exp.id}`);
      try {
        return checkValue(name, spec, raw);
      } catch (e) {
        throw new Error(`${where(line)}: ${what}: ${(e as Error).message}`, { cause: e });
      }
    };
    const params: Record<string, unknown> = {};
    for (const [name, raw] of Object.entries(parseConditionParams(f.params ?? "")))
      params[name] = check(name, raw, "params");
    const comparable = role !== "context" && match !== "none";
    const text = (f.model ?? "").trim();
    if (comparable && text === "")
      throw new Error(`${where(line)}: a ${role} row with match '${match}' needs a model expression`);
    if (!comparable && (f.matchWhy ?? "").trim() === "")
      throw new Error(`${where(line)}: a row that cannot be compared needs its reason in matchWhy`);
    let expr: Expr | null = null;
    if (comparable) {
      try {
        expr = parseExpr(text);
      } catch (e) {
        throw new Error(`${where(line)}: ${(e as Error).message}`, { cause: e });
      }
      const visit = (e: Expr): void => {
        if (e.kind === "neg") visit(e.arg);
        else if (e.kind === "binary") {
          visit(e.left);
          visit(e.right);
        } else if (e.kind === "name") {
          const isObservable = e.name in exp.observables;
          if (!isObservable && !(e.name in specs))
            throw new Error(
              `${where(line)}: '${e.name}' in the model expression is neither an observable nor a parameter of ${exp.id}`,
            );
          if (!isObservable && Object.keys(e.overrides).length > 0)
            throw new Error(`${where(line)}: '${e.name}' is a parameter; only observables take {conditions}`);
          if (!isObservable && specs[e.name].type !== "number" && specs[e.name].type !== "integer")
            throw new Error(`${where(line)}: parameter '${e.name}' in the model expression is not a number`);
          for (const [name, raw] of Object.entries(e.overrides)) check(name, raw, `observable '${e.name}{...}'`);
        }
      };
      visit(expr);
    }
    const recorded = (f.agreement ?? "").trim() as Agreement | "";
    if (recorded !== "" && !AGREEMENTS.includes(recorded))
      throw new Error(`${where(line)}: agreement '${recorded}' is not one of ${AGREEMENTS.join(", ")}`);
    if (comparable && role === "prediction" && "agreement" in f && recorded === "")
      throw new Error(`${where(line)}: a prediction needs its recorded agreement (and agreementWhy)`);
    return {
      line,
      row,
      role,
      match,
      matchWhy: f.matchWhy ?? "",
      recordedAgreement: recorded,
      agreementWhy: f.agreementWhy ?? "",
      params,
      expr,
    };
  });
}

/** What `mmsim published` prints per row. */
export interface PublishedResult {
  line: number;
  quantity: string;
  published: number;
  unit: string;
  conditions: string;
  source: string;
  role: PublishedRole;
  match: ConditionMatch;
  matchWhy: string;
  /** The class recorded in the CSV, and why (see the module comment). */
  recordedAgreement: Agreement | "";
  agreementWhy: string;
  /** The model expression (the CSV's `model` column), or "" where there is none. */
  modelExpr: string;
  /** The model's value (mean over seeds), NaN where not comparable. */
  model: number;
  /** Half-width of its 95% CI over seeds. */
  modelCi95: number;
  /** Seeds with a finite value behind `model`. */
  modelN: number;
  /** model / published (NaN where not comparable or the published value is 0). */
  ratio: number;
  agreement: Agreement;
}

/** The agreement class of a model value against a published one (a zero matches only a zero). */
export function agreementOf(model: number, published: number): Agreement {
  if (!Number.isFinite(model)) return "not comparable";
  if (published === 0) return Math.abs(model) < 1e-12 ? "within 10%" : "further";
  const r = model / published;
  if (r >= 0.9 && r <= 1.1) return "within 10%";
  if (r >= 0.5 && r <= 2) return "within 2x";
  return "further";
}

export interface ComparePublishedOptions extends Pick<RunOptions, "seeds" | "seedBase" | "workers"> {
  /** Only these rows (CSV line numbers). */
  lines?: number[];
  /** The rows to compare (default: data/published/<id>.csv). */
  rows?: PublishedRow[];
  /** Called after each distinct run with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Runs the model at every comparable row's conditions (each distinct set of parameters once, on the same seeds) and
 * returns every row with the model's value beside the published one.
 *
 * @example
 * const rows = await comparePublished(findExperiment("vma-lock")!, { seeds: 3 });
 * rows.filter((r) => r.role === "prediction" && r.agreement === "further");
 */
export async function comparePublished(
  exp: Experiment<any, any>,
  options: ComparePublishedOptions = {},
): Promise<PublishedResult[]> {
  const all = publishedComparisons(exp, options.rows);
  const rows = options.lines ? all.filter((c) => options.lines!.includes(c.line)) : all;
  // Every point a row needs: its conditions, with a term's {overrides} on top.
  const pointKey = (params: Record<string, unknown>) =>
    JSON.stringify(
      Object.keys(params)
        .sort()
        .map((k) => [k, params[k]]),
    );
  const points = new Map<string, Record<string, unknown>>();
  const pointOf = (c: PublishedComparison, overrides: Record<string, string>) => {
    const p: Record<string, unknown> = { ...c.params };
    for (const [name, raw] of Object.entries(overrides)) p[name] = checkValue(name, exp.params[name], raw);
    const key = pointKey(p);
    if (!points.has(key)) points.set(key, p);
    return key;
  };
  const walk = (c: PublishedComparison, e: Expr): void => {
    if (e.kind === "neg") walk(c, e.arg);
    else if (e.kind === "binary") {
      walk(c, e.left);
      walk(c, e.right);
    } else if (e.kind === "name" && e.name in exp.observables) pointOf(c, e.overrides);
  };
  for (const c of rows) if (c.expr) walk(c, c.expr);
  const samples = new Map<string, Record<string, number[]>>();
  let done = 0;
  for (const [key, params] of points) {
    const rs = await runExperiment(exp, params, {
      seeds: options.seeds ?? 3,
      seedBase: options.seedBase,
      workers: options.workers,
    });
    const byObservable: Record<string, number[]> = {};
    for (const name of Object.keys(exp.observables)) byObservable[name] = rs.samples(name, {});
    samples.set(key, byObservable);
    options.onProgress?.(++done, points.size);
  }
  const nSeeds = options.seeds ?? 3;
  const evaluate = (c: PublishedComparison, e: Expr): number[] => {
    switch (e.kind) {
      case "number":
        return new Array<number>(nSeeds).fill(e.value);
      case "neg":
        return evaluate(c, e.arg).map((v) => -v);
      case "binary": {
        const a = evaluate(c, e.left);
        const b = evaluate(c, e.right);
        return a.map((x, s) =>
          e.op === "+" ? x + b[s] : e.op === "-" ? x - b[s] : e.op === "*" ? x * b[s] : x / b[s],
        );
      }
      case "name": {
        if (e.name in exp.observables) return samples.get(pointOf(c, e.overrides))![e.name];
        const v = (c.params[e.name] ?? exp.params[e.name].default) as number;
        return new Array<number>(nSeeds).fill(v);
      }
    }
  };
  return rows.map((c) => {
    const base = {
      line: c.line,
      quantity: c.row.quantity,
      published: c.row.value,
      unit: c.row.unit,
      conditions: c.row.conditions,
      source: c.row.source,
      role: c.role,
      match: c.match,
      matchWhy: c.matchWhy,
      recordedAgreement: c.recordedAgreement,
      agreementWhy: c.agreementWhy,
      modelExpr: c.row.fields.model ?? "",
    };
    if (!c.expr)
      return { ...base, model: NaN, modelCi95: NaN, modelN: 0, ratio: NaN, agreement: "not comparable" as const };
    const m = meanCi95(evaluate(c, c.expr));
    const ratio = c.row.value === 0 ? NaN : m.mean / c.row.value;
    return {
      ...base,
      model: m.mean,
      modelCi95: m.ci95,
      modelN: m.n,
      ratio,
      agreement: agreementOf(m.mean, c.row.value),
    };
  });
}

/** Counts of rows by agreement class and role: the README's table. */
export function agreementCounts(results: PublishedResult[]): Record<PublishedRole, Record<Agreement, number>> {
  const out = {} as Record<PublishedRole, Record<Agreement, number>>;
  for (const role of PUBLISHED_ROLES) out[role] = { "within 10%": 0, "within 2x": 0, further: 0, "not comparable": 0 };
  for (const r of results) out[r.role][r.agreement]++;
  return out;
}
