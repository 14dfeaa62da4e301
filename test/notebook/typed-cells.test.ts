/**
 * Notebook cells as tslab compiles them (its own TypeScript 5.0.4 fork, CommonJS, Node10 resolution, no strict
 * mode), without starting a kernel: every notebook compiles; none imports from mmsim/dist; a misspelt observable or
 * parameter of a built-in experiment is a compile error; and the public faces resolve as tslab resolves them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "./helpers";

const NOTEBOOKS = path.join(ROOT, "notebooks");

interface Diagnostic {
  messageText: string;
  start: { line: number; character: number };
}
interface Converter {
  convert(prevDecl: string, src: string): { diagnostics: Diagnostic[]; declOutput?: string };
  close(): void;
}

/** tslab's converter, rooted at the notebooks' folder as the kernel is. */
function converter(): Converter {
  const cwd = process.cwd();
  process.chdir(NOTEBOOKS);
  try {
    const { createConverter } = require(path.join(ROOT, "node_modules", "tslab", "dist", "converter.js")) as {
      createConverter: () => Converter;
    };
    return createConverter();
  } finally {
    process.chdir(cwd);
  }
}

function codeCells(file: string): string[] {
  const nb = JSON.parse(fs.readFileSync(path.join(NOTEBOOKS, file), "utf8")) as {
    cells: Array<{ cell_type: string; source: string | string[] }>;
  };
  return nb.cells
    .filter((c) => c.cell_type === "code")
    .map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source));
}

/** Compiles cells in order as a kernel session would; returns the diagnostics of each. */
function compile(conv: Converter, cells: string[]): string[][] {
  let prev = "";
  return cells.map((src) => {
    const r = conv.convert(prev, src);
    if (r.diagnostics.length === 0) prev = r.declOutput ?? "";
    return r.diagnostics.map((d) => `${d.start.line + 1}:${d.start.character + 1} ${d.messageText}`);
  });
}

const notebooks = fs.readdirSync(NOTEBOOKS).filter((f) => f.endsWith(".ipynb"));

test("no notebook imports from mmsim/dist (only mmsim, mmsim/kernel, mmsim/notebook, mmsim/experiments/<id>)", () => {
  assert.ok(notebooks.length > 0);
  const face = /^mmsim(\/kernel|\/notebook|\/experiments\/[a-z0-9-]+)?$/;
  for (const file of notebooks)
    codeCells(file).forEach((src, i) => {
      for (const m of src.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)["']([^"']+)["']/g)) {
        const spec = m[1];
        assert.doesNotMatch(spec, /(^|\/)dist(\/|$)/, `${file}, code cell ${i + 1}: imports '${spec}'`);
        if (spec.startsWith("mmsim")) assert.match(spec, face, `${file}, code cell ${i + 1}: '${spec}' is not a face`);
      }
    });
});

test("every notebook's code cells compile with tslab's own compiler", { timeout: 300_000 }, () => {
  const conv = converter();
  try {
    for (const file of notebooks) {
      const errors = compile(conv, codeCells(file))
        .map((d, i) => (d.length ? `cell ${i + 1}: ${d.join("; ")}` : ""))
        .filter(Boolean);
      assert.deepEqual(errors, [], `${file} does not compile in tslab`);
    }
  } finally {
    conv.close();
  }
});

test("a misspelt observable or parameter of a built-in experiment is a compile error in a cell", () => {
  const conv = converter();
  try {
    const setup = [
      'import * as mm from "mmsim";',
      'const exp = mm.findExperiment("spinlock-convoy");',
      "async function run() { return mm.runExperiment(exp, { cpus: [2, 16] }, { seeds: 2 }); }",
    ].join("\n");
    const ok = compile(conv, [setup, 'async function ok() { (await run()).stat("lockWaitMeanNs", { cpus: 2 }); }']);
    assert.deepEqual(ok, [[], []], "the correct names compile");
    const [, observable] = compile(conv, [
      setup,
      'async function typo() { (await run()).stat("lockWaitMeanNz", { cpus: 2 }); }',
    ]);
    assert.match(
      observable.join("\n"),
      /'"lockWaitMeanNz"' is not assignable to parameter of type '.*"lockWaitMeanNs"/,
    );
    const [, param] = compile(conv, [setup, "mm.runExperiment(exp, { cpu: [2, 16] });"]);
    assert.match(param.join("\n"), /'cpu' does not exist in type .*Did you mean to write 'cpus'\?/);
    const [, match] = compile(conv, [
      setup,
      'async function m() { (await run()).stat("lockWaitMeanNs", { cpuz: 2 }); }',
    ]);
    assert.match(match.join("\n"), /'cpuz' does not exist in type/);
    const [, detail] = compile(conv, [
      setup,
      "async function d() { const x: number = (await run()).details({ cpus: 2 })[0].waitCdfNs; }",
    ]);
    assert.match(detail.join("\n"), /is not assignable to type 'number'/, "details() is typed: a CDF is not a number");
  } finally {
    conv.close();
  }
});

test("the public faces resolve from the notebooks' folder: by Node's exports, and as physical files for tslab", () => {
  const req = require("node:module").createRequire(path.join(NOTEBOOKS, "x.js")) as NodeRequire;
  const mm = req("mmsim") as Record<string, unknown>;
  for (const name of ["runExperiment", "defineExperiment", "defineClaim", "pairedRatio", "Simulation", "ResultSet"])
    assert.equal(typeof mm[name], "function", `mmsim exports ${name}`);
  const kernel = req("mmsim/kernel") as Record<string, unknown>;
  for (const name of ["QueuedSpinlock", "Qrwlock", "Rwsem", "Seqcount", "Rcu", "Cpu", "CacheLine", "Topology"])
    assert.equal(typeof kernel[name], "function", `mmsim/kernel exports ${name}`);
  assert.equal(typeof (kernel.mglru as Record<string, unknown>).Mglru, "function");
  assert.equal(typeof (req("mmsim/notebook") as Record<string, unknown>).verdicts, "function");
  assert.equal(typeof (req("mmsim/experiments/pt-free") as Record<string, unknown>).runPtFree, "function");
  assert.throws(() => req("mmsim/dist/src/index.js"), /ERR_PACKAGE_PATH_NOT_EXPORTED|not exported/);
  // tslab ignores "exports": each face is also a file at the package root.
  for (const f of ["kernel.js", "kernel.d.ts", "notebook.js", "notebook.d.ts"])
    assert.ok(fs.existsSync(path.join(ROOT, f)), `${f} at the package root`);
});
