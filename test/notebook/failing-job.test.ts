/**
 * The main job when a notebook fails: the run names the notebook and its error, the other reports still render, the
 * failing notebook's previous report stays in place, the index says so, and the exit status is non-zero.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { checkJupyter } from "../../src/notebook/jupyter";
import { freshReports, INPUTS_STAMP, notebookInputsHash } from "../../src/notebook/report-all";
import type { NotebookStatus } from "../../src/notebook/report/index-page";
import { codeCell, ROOT, testOutput, tinyNotebookJson } from "./helpers";

function tinyNotebook(code: string): string {
  return tinyNotebookJson([
    { cell_type: "markdown", metadata: {}, source: "# tiny" },
    codeCell("const params = { n: 3 };", ["parameters"]),
    codeCell(code),
  ]);
}

test("a failing notebook: named with its error, others still reported, previous report kept, exit status 1", () => {
  checkJupyter(ROOT);
  const dir = testOutput("failing-job", "x").replace(/x$/, "");
  fs.rmSync(dir, { recursive: true, force: true });
  const notebooks = path.join(dir, "notebooks");
  const reports = path.join(dir, "reports");
  fs.mkdirSync(notebooks, { recursive: true });
  fs.mkdirSync(reports, { recursive: true });
  fs.writeFileSync(path.join(notebooks, "a-good.ipynb"), tinyNotebook('console.log("n is", params.n);'));
  fs.writeFileSync(path.join(notebooks, "b-bad.ipynb"), tinyNotebook('throw new Error("boom at n=" + params.n);'));
  // What an earlier, successful run of b-bad left behind.
  const previous = "<!doctype html><title>previous b-bad report</title>";
  fs.writeFileSync(path.join(reports, "b-bad.html"), previous);
  const lastGood = {
    parameters: { n: 3 },
    overrides: {},
    date: "2026-01-01T00:00:00.000Z",
    durationS: 1,
    version: "0.0.9",
  };
  const before: NotebookStatus = {
    file: "b-bad.ipynb",
    title: "tiny",
    status: "ok",
    date: lastGood.date,
    lastGood,
    report: "b-bad.html",
  };
  fs.writeFileSync(path.join(reports, "b-bad.status.json"), JSON.stringify(before));

  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, "bin", "mmsim.js"), "report", "--notebooks", notebooks, "--reports", reports],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /a-good\.ipynb: ok/);
  assert.match(r.stdout, /b-bad\.ipynb: FAILED\nb-bad\.ipynb failed in cell 2: Error: boom at n=3/);
  assert.match(
    r.stderr,
    /^mmsim report: 1 notebook failed: b-bad\.ipynb \(see above; their previous reports are kept\)\n$/,
  );

  assert.match(fs.readFileSync(path.join(reports, "a-good.html"), "utf8"), /n is 3/);
  assert.equal(
    fs.readFileSync(path.join(reports, "b-bad.html"), "utf8"),
    previous,
    "the previous report is left in place",
  );
  // papermill's convention: the failed run's notebook is written, its failing cell marked by papermill's banner.
  const failedNb = JSON.parse(fs.readFileSync(path.join(reports, "b-bad.ipynb"), "utf8"));
  assert.deepEqual(failedNb.cells[0].metadata.tags, ["papermill-error-cell-tag"]);
  assert.equal(failedNb.metadata.papermill.exception, true);
  const status = JSON.parse(fs.readFileSync(path.join(reports, "b-bad.status.json"), "utf8")) as NotebookStatus;
  assert.equal(status.status, "failed");
  assert.deepEqual(status.lastGood, lastGood);
  const index = fs.readFileSync(path.join(reports, "index.html"), "utf8");
  assert.match(index, /<tr data-notebook="a-good\.ipynb" data-status="ok"><td><a href="a-good\.html">/);
  assert.match(
    index,
    /<tr data-notebook="b-bad\.ipynb" data-status="failed"><td><a href="b-bad\.html">tiny<\/a>.*boom at n=3.*showing the last good report, from <time datetime="2026-01-01T00:00:00\.000Z"/s,
  );
  assert.equal(fs.readdirSync(reports).filter((f) => f.endsWith(".tmp")).length, 0, "no temporary files left");
  // A run with a failure is no complete run: not stamped, so the test suite would execute the notebooks itself.
  assert.equal(fs.existsSync(path.join(reports, INPUTS_STAMP)), false);
  assert.equal(freshReports(reports, notebooks), undefined);

  // Mended, the next run is complete and stamped with its inputs; any edit to a notebook makes it stale.
  fs.writeFileSync(path.join(notebooks, "b-bad.ipynb"), tinyNotebook('console.log("mended", params.n);'));
  const again = spawnSync(
    process.execPath,
    [path.join(ROOT, "bin", "mmsim.js"), "report", "--notebooks", notebooks, "--reports", reports],
    { encoding: "utf8" },
  );
  assert.equal(again.status, 0, again.stdout + again.stderr);
  assert.equal(fs.readFileSync(path.join(reports, INPUTS_STAMP), "utf8").trim(), notebookInputsHash(notebooks));
  assert.deepEqual(
    freshReports(reports, notebooks)?.statuses.map((s) => [s.file, s.status]),
    [
      ["a-good.ipynb", "ok"],
      ["b-bad.ipynb", "ok"],
    ],
  );
  fs.writeFileSync(path.join(notebooks, "a-good.ipynb"), tinyNotebook('console.log("n was", params.n);'));
  assert.equal(freshReports(reports, notebooks), undefined, "an edited notebook makes the reports stale");
});
