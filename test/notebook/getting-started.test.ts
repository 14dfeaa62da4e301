/**
 * 00-getting-started with changed parameters, through `mmsim run`'s machinery: the override reaches the kernel and
 * changes the numbers it should, and the output follows papermill's conventions.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { finiteSourceMeanWaitNs } from "../../src/experiments/lock-contention/model";
import { checkJupyter } from "../../src/notebook/jupyter";
import { hasTag, joinText } from "../../src/notebook/ipynb";
import { runNotebook } from "../../src/notebook/run-notebook";
import { printedLine, ROOT, testOutput } from "./helpers";

const NB = path.join(ROOT, "notebooks", "00-getting-started.ipynb");

const printed = printedLine;

test("-p threads 2 changes the exact and simulated mean wait the notebook prints", async () => {
  checkJupyter(ROOT);
  const html = testOutput("param-run", "threads2.html");
  const r = await runNotebook(NB, {
    params: { threads: 2, seeds: 3 },
    out: testOutput("param-run", "threads2.ipynb"),
    html,
  });
  assert.equal(r.ok, true, JSON.stringify(r.error));
  const nb = r.executed!;
  const exact = finiteSourceMeanWaitNs(2, 1000, 100).meanWaitNs;
  assert.equal(printed(nb, /^exact mean wait at/), `exact mean wait at 2 threads: ${exact.toFixed(3)} ns`);
  const sim = /simulated mean wait: ([\d.]+) ± ([\d.]+) ns \(95% CI, 3 seeds\)/.exec(
    printed(nb, /^simulated mean wait/),
  );
  assert.ok(sim, "the simulated line names 3 seeds");
  assert.ok(
    Math.abs(Number(sim[1]) - exact) <= 3 * Number(sim[2]),
    `simulated ${sim[1]} ± ${sim[2]} vs exact ${exact}`,
  );
  // At the default 8 threads the exact wait is about 109 ns; at 2 it is about 9: the override took effect.
  assert.ok(exact < 20 && finiteSourceMeanWaitNs(8, 1000, 100).meanWaitNs > 100);

  const at = nb.cells.findIndex((c) => hasTag(c, "parameters"));
  assert.ok(hasTag(nb.cells[at + 1], "injected-parameters"), "the injected cell follows the parameters cell");
  assert.equal(nb.cells.filter((c) => hasTag(c, "injected-parameters")).length, 1);
  assert.deepEqual(nb.metadata.papermill?.parameters, { threads: 2, seeds: 3 });
  assert.equal(nb.metadata.papermill?.exception, false);
  assert.equal(nb.metadata.mmsim?.run?.parameters.threads, 2);
  assert.match(
    joinText(nb.cells[at + 1].source),
    /void Object\.assign\(params, require\("mmsim\/notebook"\)\.checkParameters\(params, \{ "threads": 2, "seeds": 3 \}, \{"experiments":\["lock-contention"\]\}\)\);/,
  );
  assert.deepEqual(nb.cells[at + 1].outputs, [], "the injected cell prints nothing");
});
