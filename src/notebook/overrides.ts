/**
 * Checking `mmsim run` overrides before any kernel starts. A notebook's parameters are the entries of its params
 * object; each is typed by, in this order:
 *
 * 1. the notebook-level schema (seeds, seedBase, workers) or the notebook's own specs in metadata.mmsim.params;
 * 2. the parameter specs of the experiments named in metadata.mmsim.experiments (a name in several must be valid in
 *    each);
 * 3. failing both, the type of its default in the cell.
 *
 * A name not in the params object is refused: as "not exposed" when it is a parameter of one of the notebook's
 * experiments (with how to expose it), else as unknown (with a did-you-mean). A bad value fails naming the parameter
 * and what is allowed. A list sweeps only where the default is a list; a single value given for a list default becomes
 * a one-element list, and a note says so.
 *
 * `checkParameters` runs the same checks inside the kernel, from the injected cell (see inject.ts), for stock
 * papermill, which checks nothing.
 */
import { camel } from "../experiments/params";
import type { Experiment } from "../experiments/experiment";
import { checkNotebookRules } from "../experiments/rules";
import {
  checkInput,
  checkValue,
  describeAllowed,
  integer,
  ParamError,
  type ParamSpec,
  type ParamSpecs,
} from "../experiments/params";
import { NotebookFileError, type MmsimNotebookMetadata, type Notebook } from "./ipynb";
import type { InjectedSchema } from "./inject";
import type { ParamEntry, ParamsCell } from "./params-cell";
import { findExperiment } from "../experiments/registry";
import { parseYamlValue } from "./yaml-values";

/** Settings every notebook may declare in its params object, whatever experiments it runs. */
export const NOTEBOOK_PARAMS: ParamSpecs = {
  seeds: integer({
    unit: "count",
    default: 5,
    min: 1,
    max: 10_000,
    description: "Replications (seeds) per sweep point.",
    source: "mmsim",
  }),
  seedBase: integer({
    unit: "count",
    default: 1,
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    description: "First seed; replication i uses seedBase + i.",
    source: "mmsim",
  }),
  workers: integer({
    unit: "count",
    default: 2,
    min: 1,
    max: 256,
    description: "Worker threads for replications.",
    source: "mmsim",
  }),
};

export interface NotebookSchema {
  /** The notebook, for messages. */
  where: string;
  cell: ParamsCell;
  experiments: Array<Experiment<any, any>>;
  /** Specs from metadata.mmsim.params. */
  own: ParamSpecs;
}

/** Builds a notebook's schema; unknown experiment ids and malformed specs in its metadata are errors. */
export function notebookSchema(
  nb: Notebook,
  where: string,
  cell: ParamsCell,
  find: (id: string) => Experiment<any, any> | undefined,
): NotebookSchema {
  return schemaFromMetadata(nb.metadata.mmsim ?? {}, where, cell, find);
}

/** The schema from metadata.mmsim (or the part of it an injected cell carries). */
export function schemaFromMetadata(
  meta: Pick<MmsimNotebookMetadata, "experiments" | "params">,
  where: string,
  cell: ParamsCell,
  find: (id: string) => Experiment<any, any> | undefined,
): NotebookSchema {
  const experiments = (meta.experiments ?? []).map((id) => {
    const exp = find(id);
    if (!exp)
      throw new NotebookFileError(
        `${where}: metadata.mmsim.experiments names '${id}', which is not a registered experiment`,
      );
    return exp;
  });
  const own: ParamSpecs = {};
  for (const [name, raw] of Object.entries(meta.params ?? {}))
    own[name] = ownSpec(
      where,
      name,
      raw,
      cell.entries.find((e) => e.name === name),
    );
  return { where, cell, experiments, own };
}

function ownSpec(where: string, name: string, raw: unknown, entry: ParamEntry | undefined): ParamSpec {
  const bad = (why: string) => new NotebookFileError(`${where}: metadata.mmsim.params.${name} ${why}`);
  if (!entry) throw bad("describes a parameter that the params object does not declare");
  const r = raw as Record<string, unknown>;
  const text = (k: string) => (typeof r[k] === "string" ? (r[k] as string) : "");
  const first = Array.isArray(entry.value) ? entry.value[0] : entry.value;
  switch (r?.type) {
    case "number":
    case "integer":
      if (typeof r.min !== "number" || typeof r.max !== "number") throw bad("needs numeric min and max");
      return {
        type: r.type,
        unit: text("unit"),
        min: r.min,
        max: r.max,
        default: Number(first),
        description: text("description"),
        source: text("source"),
      };
    case "choice":
      if (!Array.isArray(r.choices) || !r.choices.every((c) => typeof c === "string"))
        throw bad("needs choices: a list of strings");
      return {
        type: "choice",
        choices: r.choices as string[],
        default: String(first),
        description: text("description"),
        source: text("source"),
      };
    case "boolean":
      return { type: "boolean", default: Boolean(first), description: text("description"), source: text("source") };
    default:
      throw bad(`has type ${JSON.stringify(r?.type)}; expected "number", "integer", "choice" or "boolean"`);
  }
}

/** The specs a name must satisfy (empty: typed by its default only). */
function specsFor(schema: NotebookSchema, name: string): Array<{ spec: ParamSpec; owner: string }> {
  if (name in schema.own) return [{ spec: schema.own[name], owner: "this notebook" }];
  if (name in NOTEBOOK_PARAMS) return [{ spec: NOTEBOOK_PARAMS[name], owner: "notebook-level" }];
  return schema.experiments
    .filter((e) => name in e.params)
    .map((e) => ({ spec: e.params[name] as ParamSpec, owner: e.id }));
}

/**
 * Refuses a name the params object does not declare: a parameter of one of the notebook's experiments is "not
 * exposed" (the notebook would ignore it), anything else unknown, with checkInput's did-you-mean.
 */
function unknownParameter(schema: NotebookSchema, name: string, names: string[]): never {
  const owner = schema.experiments.find((e) => name in e.params || camel(name) in e.params);
  if (owner) {
    const canonical = name in owner.params ? name : camel(name);
    const spec = owner.params[canonical] as ParamSpec;
    const notebook = /\.ipynb$/.test(schema.where) ? `the notebook ${schema.where}` : "the notebook";
    throw new ParamError(
      canonical,
      `${notebook} does not expose '${canonical}' (a parameter of ${owner.id}): to make it one, add ` +
        `\`${canonical}: ${JSON.stringify(spec.default)},\` to the params object in the cell tagged 'parameters' and ` +
        `pass it on (experimentInput(exp, params) takes every parameter of the experiment that params declares)`,
    );
  }
  const any: ParamSpecs = Object.fromEntries(
    names.map((n) => [n, { type: "boolean", default: false, description: "", source: "" } as ParamSpec]),
  );
  checkInput(any, { [name]: false });
  throw new ParamError(name, `unknown parameter '${name}'`);
}

function checkByDefault(name: string, entry: ParamEntry, v: unknown): unknown {
  const model = Array.isArray(entry.value) ? entry.value[0] : entry.value;
  if (model === undefined || typeof v === typeof model) return v;
  throw new ParamError(
    name,
    `parameter '${name}': expected a ${typeof model} like its default ${entry.text}, got ${JSON.stringify(v)}`,
  );
}

export interface CheckedOverrides {
  /** Overrides under their canonical names, values normalised (the injected cell's content). */
  overrides: Record<string, unknown>;
  /** The params object the run will see: literal defaults (or their source text) with the overrides applied. */
  effective: Record<string, unknown>;
  /** What was accepted but changed, for the run's log ("reclaimersSweep takes a list: 8 became [8]"). */
  notes: string[];
}

/** Checks every override; the first bad one throws a ParamError naming it. */
export function checkOverrides(schema: NotebookSchema, input: Record<string, unknown>): CheckedOverrides {
  const names = schema.cell.entries.map((e) => e.name);
  const overrides: Record<string, unknown> = {};
  const notes: string[] = [];
  for (const [given, raw] of Object.entries(input)) {
    const name = names.includes(given)
      ? given
      : names.includes(camel(given))
        ? camel(given)
        : unknownParameter(schema, given, names);
    const entry = schema.cell.entries.find((e) => e.name === name)!;
    const specs = specsFor(schema, name);
    const allowed =
      specs.length > 0
        ? specs.map((s) => `${describeAllowed(s.spec)}${specs.length > 1 ? ` (${s.owner})` : ""}`).join(" and ")
        : `a ${typeof entry.value}`;
    if (raw === null || raw === undefined)
      throw new ParamError(name, `parameter '${name}' needs a value; allowed: ${allowed}`);
    const list = Array.isArray(raw);
    if (list && !entry.isList) {
      throw new ParamError(
        name,
        `parameter '${name}' takes one value in this notebook (its default is ${entry.text}), not a list; allowed: ${allowed}`,
      );
    }
    const values = list ? (raw as unknown[]) : [raw];
    if (values.length === 0)
      throw new ParamError(name, `parameter '${name}': an empty list sweeps nothing; allowed: ${allowed}`);
    const checked = values.map((v) => {
      let out = v;
      for (const { spec } of specs) out = checkValue(name, spec, v);
      return specs.length > 0 ? out : checkByDefault(name, entry, v);
    });
    overrides[name] = entry.isList ? checked : checked[0];
    if (entry.isList && !list)
      notes.push(
        `${name} takes a list (its default is ${entry.text}): ${JSON.stringify(raw)} became [${JSON.stringify(checked[0])}]`,
      );
  }
  for (const exp of schema.experiments) checkNotebookRules(exp, schema.cell.entries, overrides);
  const effective: Record<string, unknown> = {};
  for (const e of schema.cell.entries)
    effective[e.name] = e.name in overrides ? overrides[e.name] : e.value !== undefined ? e.value : e.text;
  return { overrides, effective, notes };
}

/**
 * The injected cell's check, in the kernel: `Object.assign(params, checkParameters(params, {...}, schema))`. The
 * params object as the parameters cell made it gives the names, defaults and which are lists; the schema gives the
 * experiments and own specs (inject.ts). A string given for a non-string default is read as YAML, as `mmsim run -p`
 * reads every value (papermill's `-p` passes "[1, 2]" and "true" as strings). Returns the checked overrides; a bad one
 * throws a ParamError naming it, which mmsim's kernel shows as one line.
 */
export function checkParameters(
  params: Record<string, unknown>,
  overrides: Record<string, unknown>,
  schema: InjectedSchema = { experiments: [] },
): Record<string, unknown> {
  const where = "this notebook";
  const entries: ParamEntry[] = Object.entries(params).map(([name, value]) => ({
    name,
    value,
    text: JSON.stringify(value) ?? String(value),
    isList: Array.isArray(value),
  }));
  const cell: ParamsCell = { variable: "params", entries };
  const typed: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(overrides)) {
    const entry = entries.find((e) => e.name === name || e.name === camel(name));
    const model = entry && (Array.isArray(entry.value) ? entry.value[0] : entry.value);
    typed[name] =
      typeof raw === "string" && model !== undefined && typeof model !== "string" ? parseYamlValue(name, raw) : raw;
  }
  const checked = checkOverrides(schemaFromMetadata(schema, where, cell, findExperiment), typed);
  for (const note of checked.notes) console.log(`mmsim: ${note}`);
  return checked.overrides;
}
