/**
 * Stock papermill (2.7.0, pinned in requirements.txt) on mmsim's notebooks, through the plugin python/mmsim-papermill,
 * and mmsim's kernel (scripts/tslab-kernel.js) over the Jupyter protocol: what JupyterLab and papermill rely on.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { finiteSourceMeanWaitNs } from "../../src/experiments/lock-contention/model";
import { checkJupyter } from "../../src/notebook/jupyter";
import { hasTag, joinText, readNotebook, type Notebook } from "../../src/notebook/ipynb";
import { prepareRun } from "../../src/notebook/run-notebook";
import { printedLine, ROOT } from "./helpers";

const NB = path.join(ROOT, "notebooks", "00-getting-started.ipynb");

function venv(cwd: string, ...args: string[]) {
  checkJupyter(ROOT);
  return spawnSync("bash", [path.join(ROOT, "scripts", "venv-run.sh"), ...args], { cwd, encoding: "utf8" });
}

function scratch(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "mmsim-papermill-test-"));
}

function injected(nb: Notebook): string {
  const cells = nb.cells.filter((c) => hasTag(c, "injected-parameters"));
  assert.equal(cells.length, 1, "one injected-parameters cell");
  // Right after the parameters cell (a failed run has papermill's note "stopped here" in between).
  const before = nb.cells.slice(0, nb.cells.indexOf(cells[0])).filter((c) => !hasTag(c, "papermill-error-cell-tag"));
  assert.ok(hasTag(before.at(-1)!, "parameters"), "right after the parameters cell");
  return joinText(cells[0].source);
}

const printed = printedLine;

test("the plugin writes the injected cells of the shared vectors, character for character", () => {
  const r = venv(
    ROOT,
    "python",
    "-c",
    `import json, mmsim_papermill as m
v = json.load(open("test/notebook/injected-cells.json"))
print(json.dumps({
  "cells": [m.injected_source(c["variable"], c["parameters"], m.injected_schema(c["metadata"], list(c["parameters"]))) for c in v["cases"]],
  "numbers": [m.js_number(float(py)) for py, _ in v["numbers"]],
}))`,
  );
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout) as { cells: string[]; numbers: string[] };
  const vectors = JSON.parse(fs.readFileSync(path.join(ROOT, "test", "notebook", "injected-cells.json"), "utf8"));
  assert.deepEqual(
    got.cells,
    vectors.cases.map((c: { source: string }) => c.source),
  );
  assert.deepEqual(
    got.numbers,
    vectors.numbers.map((n: string[]) => n[1]),
  );
});

test("papermill --prepare-only writes mmsim run's injected cell, from any working directory, without running", () => {
  const dir = scratch();
  const out = path.join(dir, "prepared.ipynb");
  const r = venv(dir, "papermill", NB, out, "-p", "threads", "4", "-y", "threadsSweep: [2, 4]", "--prepare-only");
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /Passed unknown parameter/, "the plugin tells papermill the notebook's parameters");
  const nb = readNotebook(out);
  const mine = prepareRun(NB, { threads: 4, threadsSweep: [2, 4] }).prepared;
  // papermill keeps the order it was given: -y's names after -p's.
  assert.equal(
    injected(nb),
    joinText(mine.cells.find((c) => hasTag(c, "injected-parameters"))!.source).replace(
      '{ "threads": 4, "threadsSweep": [2,4] }',
      '{ "threadsSweep": [2,4], "threads": 4 }',
    ),
  );
  assert.ok(
    nb.cells.every((c) => (c.outputs ?? []).length === 0),
    "nothing ran",
  );
  assert.deepEqual(nb.metadata.papermill?.parameters, { threadsSweep: [2, 4], threads: 4 });
});

test("papermill runs 00 from another directory with -p and -f, and the result changes; a bad value fails naming it", () => {
  const dir = scratch();
  const out = path.join(dir, "out.ipynb");
  const r = venv(dir, "papermill", NB, out, "-p", "threads", "2", "-p", "seeds", "2", "-p", "traceAcquisitions", "4");
  assert.equal(r.status, 0, r.stderr);
  const nb = readNotebook(out);
  const exact = finiteSourceMeanWaitNs(2, 1000, 100).meanWaitNs;
  assert.equal(printed(nb, /^exact mean wait at/), `exact mean wait at 2 threads: ${exact.toFixed(3)} ns`);
  assert.match(printed(nb, /^mmsim: the kernel started in/), new RegExp(`started in ${dir}`));

  // -f params.yaml, and papermill's own --cwd into the notebook's folder.
  const yaml = path.join(dir, "params.yaml");
  fs.writeFileSync(yaml, "threads: 16\nseeds: 2\nthreadsSweep: [1, 16]\ntraceAcquisitions: 4\n");
  const f = venv(dir, "papermill", NB, out, "-f", yaml, "--cwd", path.join(ROOT, "notebooks"));
  assert.equal(f.status, 0, f.stderr);
  const nbf = readNotebook(out);
  assert.equal(
    printed(nbf, /^exact mean wait at/),
    `exact mean wait at 16 threads: ${finiteSourceMeanWaitNs(16, 1000, 100).meanWaitNs.toFixed(3)} ns`,
  );
  assert.throws(() => printed(nbf, /^mmsim: the kernel started in/), "with --cwd the kernel stays where it was put");

  const bad = venv(dir, "papermill", NB, out, "-p", "threads", "0");
  assert.equal(bad.status, 1, "papermill sees the failure");
  assert.match(
    bad.stderr,
    /ParamError: parameter 'threads': 0 is out of range; allowed: an integer count in \[1, 4096\]/,
  );
  const failed = readNotebook(out);
  assert.ok(hasTag(failed.cells[0], "papermill-error-cell-tag"), "papermill's banner at the top");
  const error = failed.cells.flatMap((c) => c.outputs ?? []).find((o) => o.output_type === "error")!;
  assert.deepEqual(error.traceback, [
    "ParamError: parameter 'threads': 0 is out of range; allowed: an integer count in [1, 4096]",
  ]);
  assert.match(injected(failed), /checkParameters\(params, \{ "threads": 0 \}/, "the check is the injected cell's");
});

interface Status {
  t: number;
  state: string;
  parent: string;
}

test("mmsim's kernel: idle only when no request is left, so Run All shows busy until the last cell ends", () => {
  const r = venv(ROOT, "python", path.join(ROOT, "test", "notebook", "kernel_probe.py"), "tslab", ROOT, "run-all");
  assert.equal(r.status, 0, r.stderr);
  const run = JSON.parse(r.stdout) as {
    executes: string[];
    complete: string;
    statuses: Status[];
    outputs: Array<{ t: number; parent: string }>;
  };
  const [first, second, last] = run.executes;
  // The second cell's output comes while it runs: the latest status then must be busy (tslab alone says idle).
  const during = run.outputs.find((o) => o.parent === second)!.t;
  const latest = run.statuses.filter((s) => s.t <= during).at(-1)!;
  assert.equal(latest.state, "busy", JSON.stringify(run.statuses));
  // Every request still gets its own idle, and the very last status is idle.
  for (const id of [first, second, last, run.complete])
    assert.ok(
      run.statuses.some((s) => s.parent === id && s.state === "idle"),
      `idle for ${id}`,
    );
  assert.equal(run.statuses.at(-1)!.state, "idle");
  // A completion request while the first cell runs leaves the kernel busy.
  const afterComplete = run.statuses.findIndex((s) => s.parent === run.complete && s.state === "idle");
  assert.equal(run.statuses[afterComplete + 1]?.state, "busy");
});

test("mmsim's kernel: failures are Jupyter errors (input errors one line), it finds mmsim from any directory", () => {
  const dir = scratch();
  const r = venv(ROOT, "python", path.join(ROOT, "test", "notebook", "kernel_probe.py"), "tslab", dir, "errors");
  assert.equal(r.status, 0, r.stderr);
  const cells = (
    JSON.parse(r.stdout) as {
      cells: Array<{
        reply: Record<string, unknown>;
        iopub: Array<{ msg_type: string; content: Record<string, unknown> }>;
      }>;
    }
  ).cells;
  const [plain, input, compile, where] = cells;
  assert.equal(plain.reply.status, "error");
  assert.equal(plain.reply.ename, "Error");
  assert.equal(plain.reply.evalue, "boom");
  assert.ok((plain.reply.traceback as string[]).length > 1, "a program error keeps its stack");
  assert.deepEqual(input.iopub.find((m) => m.msg_type === "error")?.content.traceback, [
    "ParamError: parameter 'threads': 0 is out of range",
  ]);
  assert.equal(compile.reply.ename, "TypeScriptError");
  assert.match(String(compile.reply.evalue), /Type 'string' is not assignable to type 'number'/);
  const seen = JSON.parse(String(where.iopub.find((m) => m.msg_type === "stream")!.content.text));
  assert.deepEqual(seen, { cwd: path.join(ROOT, "notebooks"), root: ROOT, startedIn: fs.realpathSync(dir) });
});
