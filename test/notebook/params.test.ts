/** Notebook parameters: reading the parameters cell, checking overrides, papermill-style injection. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { findExperiment } from "../../src/experiments/registry";
import { ParamError } from "../../src/experiments/params";
import { parseParamsCell } from "../../src/notebook/params-cell";
import { checkOverrides, checkParameters, notebookSchema } from "../../src/notebook/overrides";
import {
  injectedSchema,
  injectedSource,
  INJECTED_TAG,
  parametersSource,
  prepareNotebook,
} from "../../src/notebook/inject";
import { NotebookFileError, readNotebook, type Notebook } from "../../src/notebook/ipynb";
import { parseYamlValue } from "../../src/notebook/yaml-values";
import { ROOT } from "./helpers";

const CELL = `// defaults
const params = {
  seeds: 5, // replications
  threads: 8,
  holdNs: 1_000,
  offsetNs: -5,
  mode: "fifo" as "fifo" | "ticket",
  sweep: [1, 2, 4] satisfies number[],
  verbose: false,
  derived: 2 * 3,
};`;

test("the parameters cell: names, literal defaults through as/satisfies, lists, computed entries", () => {
  const cell = parseParamsCell(CELL, "nb.ipynb");
  assert.equal(cell.variable, "params");
  assert.deepEqual(
    cell.entries.map((e) => [e.name, e.value, e.isList]),
    [
      ["seeds", 5, false],
      ["threads", 8, false],
      ["holdNs", 1000, false],
      ["offsetNs", -5, false],
      ["mode", "fifo", false],
      ["sweep", [1, 2, 4], true],
      ["verbose", false, false],
      ["derived", undefined, false],
    ],
  );
  assert.equal(cell.entries[7].text, "2 * 3");
});

test("a parameters cell that is not one object literal is refused with an example", () => {
  for (const bad of [
    "const a = 1;",
    "const p = {a: 1};\nconst q = {b: 2};",
    "params.x = 3;",
    "const p = {...other};",
    "",
  ]) {
    assert.throws(
      () => parseParamsCell(bad, "nb.ipynb"),
      (e: Error) =>
        e instanceof NotebookFileError &&
        /nb\.ipynb: the cell tagged 'parameters' must hold one object literal \(e\.g\. const params = /.test(e.message),
      bad,
    );
  }
});

function notebook(extra: Record<string, unknown> = {}): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab" }, mmsim: { experiments: ["lock-contention"], ...extra } },
    cells: [
      { cell_type: "markdown", source: "# t", metadata: {} },
      {
        cell_type: "code",
        source: CELL,
        metadata: { tags: ["parameters"] },
        outputs: [{ output_type: "stream", name: "stdout", text: "old" }],
        execution_count: 3,
      },
      {
        cell_type: "code",
        source: "void Object.assign(params, {threads: 1});",
        metadata: { tags: [INJECTED_TAG] },
        outputs: [],
      },
      { cell_type: "code", source: "console.log(params)", metadata: {}, outputs: [] },
    ],
  };
}

function schema(extra: Record<string, unknown> = {}) {
  const nb = notebook(extra);
  return notebookSchema(nb, "nb.ipynb", parseParamsCell(CELL, "nb.ipynb"), findExperiment);
}

function paramError(fn: () => unknown, param: string, message: RegExp): void {
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof ParamError, `expected a ParamError, got ${e}`);
    assert.equal(e.param, param);
    assert.match(e.message, message);
    return true;
  });
}

test("overrides are typed by the notebook-level schema and the experiments' specs", () => {
  const s = schema({
    params: {
      mode: { type: "choice", choices: ["fifo", "ticket"] },
      offsetNs: { type: "number", min: -100, max: 100 },
    },
  });
  const { overrides, effective } = checkOverrides(s, {
    threads: 16,
    "hold-ns": 250,
    seeds: 2,
    mode: "ticket",
    sweep: [8, 16],
    offsetNs: 7,
  });
  assert.deepEqual(overrides, { threads: 16, holdNs: 250, seeds: 2, mode: "ticket", sweep: [8, 16], offsetNs: 7 });
  assert.deepEqual(effective, {
    seeds: 2,
    threads: 16,
    holdNs: 250,
    offsetNs: 7,
    mode: "ticket",
    sweep: [8, 16],
    verbose: false,
    derived: "2 * 3",
  });
  paramError(
    () => checkOverrides(s, { threads: 0 }),
    "threads",
    /parameter 'threads': 0 is out of range; allowed: an integer count in \[1, 4096\]/,
  );
  paramError(() => checkOverrides(s, { threads: 2.5 }), "threads", /expected an integer, got 2\.5/);
  paramError(() => checkOverrides(s, { seeds: 0 }), "seeds", /allowed: an integer count in \[1, 10000\]/);
  paramError(
    () => checkOverrides(s, { mode: "mcs" }),
    "mode",
    /'mcs' is not a choice; allowed: one of 'fifo', 'ticket'/,
  );
  paramError(
    () => checkOverrides(s, { offsetNs: 1000 }),
    "offsetNs",
    /1000 is out of range; allowed: a number in \[-100, 100\]/,
  );
});

test("unknown names get a did-you-mean from the notebook's own parameters", () => {
  paramError(
    () => checkOverrides(schema(), { thread: 4 }),
    "thread",
    /unknown parameter 'thread' \(did you mean 'threads'\?\); parameters: seeds, threads, holdNs/,
  );
  // thinkNs is lock-contention's, but this notebook's params object does not declare it: it would change nothing.
  paramError(
    () => checkOverrides(schema(), { "think-ns": 5 }),
    "thinkNs",
    /^the notebook nb\.ipynb does not expose 'thinkNs' \(a parameter of lock-contention\): to make it one, add `thinkNs: 1000,` to the params object in the cell tagged 'parameters'/,
  );
});

test("lists only where the default is a list; one value for a list becomes a list", () => {
  paramError(
    () => checkOverrides(schema(), { threads: [2, 4] }),
    "threads",
    /takes one value in this notebook \(its default is 8\), not a list/,
  );
  paramError(() => checkOverrides(schema(), { sweep: [] }), "sweep", /an empty list sweeps nothing/);
  const wrapped = checkOverrides(schema(), { sweep: 3 });
  assert.deepEqual(wrapped.overrides, { sweep: [3] });
  // Accepted, but said: the run's log carries it.
  assert.deepEqual(wrapped.notes, ["sweep takes a list (its default is [1, 2, 4] satisfies number[]): 3 became [3]"]);
  assert.deepEqual(checkOverrides(schema(), { sweep: [3] }).notes, []);
});

test("without a spec, a value must have its default's type", () => {
  assert.deepEqual(checkOverrides(schema(), { verbose: true, sweep: [9] }).overrides, { verbose: true, sweep: [9] });
  paramError(
    () => checkOverrides(schema(), { verbose: "yes" }),
    "verbose",
    /expected a boolean like its default false, got "yes"/,
  );
  paramError(
    () => checkOverrides(schema(), { sweep: ["a"] }),
    "sweep",
    /expected a number like its default \[1, 2, 4\]/,
  );
});

test("bad notebook metadata is named", () => {
  assert.throws(
    () => notebookSchema(notebook({ experiments: ["nope"] }), "nb.ipynb", parseParamsCell(CELL, "x"), findExperiment),
    /metadata\.mmsim\.experiments names 'nope'/,
  );
  assert.throws(
    () => schema({ params: { ghost: { type: "integer", min: 0, max: 1 } } }),
    /params\.ghost describes a parameter that the params object does not declare/,
  );
  assert.throws(() => schema({ params: { mode: { type: "enum" } } }), /params\.mode has type "enum"/);
});

test("injection: one injected-parameters cell right after the parameters cell, outputs cleared, papermill metadata", () => {
  const nb = notebook();
  const out = prepareNotebook(nb, "nb.ipynb", {
    variable: "params",
    overrides: { threads: 2, mode: "ticket" },
    defaults: { threads: 8 },
    inputPath: "/in.ipynb",
    outputPath: "/out.ipynb",
  });
  assert.deepEqual(
    out.cells.map((c) => c.metadata.tags ?? []),
    [[], ["parameters"], [INJECTED_TAG], []],
  );
  assert.equal(
    out.cells[2].source,
    injectedSource("params", { threads: 2, mode: "ticket" }, { experiments: ["lock-contention"] }),
  );
  assert.match(
    String(out.cells[2].source),
    /\nvoid Object\.assign\(params, require\("mmsim\/notebook"\)\.checkParameters\(params, \{ "threads": 2, "mode": "ticket" \}, \{"experiments":\["lock-contention"\]\}\)\);$/,
  );
  assert.deepEqual(out.cells[1].outputs, []);
  assert.equal(out.cells[1].execution_count, null);
  assert.deepEqual(out.metadata.papermill?.parameters, { threads: 2, mode: "ticket" });
  assert.deepEqual(out.metadata.papermill?.default_parameters, { threads: 8 });
  assert.equal(nb.cells.length, 4, "the input notebook is not modified");
  // No overrides: the stale injected cell goes and none is added.
  const plain = prepareNotebook(nb, "nb.ipynb", {
    variable: "params",
    overrides: {},
    defaults: {},
    inputPath: "/in.ipynb",
    outputPath: null,
  });
  assert.equal(plain.cells.filter((c) => c.metadata.tags?.includes(INJECTED_TAG)).length, 0);
});

test("-p values are YAML", () => {
  assert.equal(parseYamlValue("x", "16"), 16);
  assert.equal(parseYamlValue("x", "2.5e3"), 2500);
  assert.equal(parseYamlValue("x", "true"), true);
  assert.equal(parseYamlValue("x", "fifo"), "fifo");
  assert.deepEqual(parseYamlValue("x", "[2, 4, 8]"), [2, 4, 8]);
  paramError(() => parseYamlValue("x", "[2, 4"), "x", /parameter 'x': "\[2, 4" is not a valid YAML value/);
  paramError(() => parseYamlValue("x", ""), "x", /parameter 'x' needs a value/);
});

test("every notebook's parameters cell parses and its literal defaults pass its own schema", () => {
  const dir = path.join(ROOT, "notebooks");
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith(".ipynb"))) {
    const nb = readNotebook(path.join(dir, f));
    const cell = parseParamsCell(parametersSource(nb, f), f);
    const literal = Object.fromEntries(cell.entries.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
    assert.deepEqual(checkOverrides(notebookSchema(nb, f, cell, findExperiment), literal).overrides, literal, f);
  }
});

interface InjectedCase {
  variable: string;
  parameters: Record<string, unknown>;
  metadata: Record<string, unknown>;
  source: string;
}

/** The vectors the papermill plugin is held to as well (test/notebook/papermill.test.ts). */
export const INJECTED_CELLS = JSON.parse(
  fs.readFileSync(path.join(ROOT, "test", "notebook", "injected-cells.json"), "utf8"),
) as { cases: InjectedCase[]; numbers: Array<[string, string]> };

test("the injected cell, character for character: the shared vectors", () => {
  assert.ok(INJECTED_CELLS.cases.length >= 4);
  for (const c of INJECTED_CELLS.cases)
    assert.equal(
      injectedSource(c.variable, c.parameters, injectedSchema(c.metadata, Object.keys(c.parameters))),
      c.source,
    );
  for (const [, js] of INJECTED_CELLS.numbers) assert.equal(String(Number(js)), js);
});

test("checkParameters, the injected cell's check in the kernel: names the parameter, reads papermill's strings as YAML", () => {
  const params = { seeds: 5, threads: 8, holdNs: 100, threadsSweep: [1, 2], label: "x", verbose: false };
  const schema = {
    experiments: ["lock-contention"],
    params: { threadsSweep: { type: "integer", unit: "count", min: 1, max: 4096 } },
  };
  assert.deepEqual(checkParameters(params, { threads: 4, seeds: 2 }, schema), { threads: 4, seeds: 2 });
  // papermill's -p passes these as strings; mmsim run's -p reads them as YAML, and so does the kernel.
  assert.deepEqual(checkParameters(params, { threadsSweep: "[4, 8]", verbose: "true", label: "y" }, schema), {
    threadsSweep: [4, 8],
    verbose: true,
    label: "y",
  });
  paramError(
    () => checkParameters(params, { threads: 0 }, schema),
    "threads",
    /^parameter 'threads': 0 is out of range; allowed: an integer count in \[1, 4096\]$/,
  );
  paramError(() => checkParameters(params, { threadsSweep: [0] }, schema), "threadsSweep", /0 is out of range/);
  paramError(() => checkParameters(params, { threads: "many" }, schema), "threads", /expected a number, got "many"/);
  paramError(
    () => checkParameters(params, { thread: 4 }, schema),
    "thread",
    /unknown parameter 'thread' \(did you mean 'threads'\?\)/,
  );
  paramError(
    () => checkParameters(params, { thinkNs: 4 }, schema),
    "thinkNs",
    /^the notebook does not expose 'thinkNs'/,
  );
  // Without a schema (a caller other than papermill's parameterize_notebook): the defaults' types alone.
  paramError(
    () => checkParameters(params, { holdNs: "fast" }),
    "holdNs",
    /expected a number like its default 100, got "fast"/,
  );
});
