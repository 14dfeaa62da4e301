/**
 * JupyterLab's busy indicator with mmsim's kernel, in Debian's chromium: after Run All on three cells that each await
 * for a while, the status bar says "Busy" until the last one ends, then "Idle" (with tslab alone it said "Idle" from
 * the end of the first cell on; see scripts/tslab-kernel.js).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { checkJupyter } from "../../src/notebook/jupyter";
import { launchChromium } from "./browser";
import { ROOT } from "./helpers";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

const CELL_S = 4;

test("JupyterLab shows Busy from Run All until the last cell with top-level await ends", async () => {
  checkJupyter(ROOT);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mmsim-lab-test-"));
  const cell = (i: number) => ({
    cell_type: "code",
    id: `c${i}`,
    metadata: {},
    source: `await new Promise((r) => setTimeout(r, ${CELL_S * 1000})); console.log("cell ${i} done");`,
    outputs: [],
    execution_count: null,
  });
  fs.writeFileSync(
    path.join(dir, "busy.ipynb"),
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
      cells: [cell(1), cell(2), cell(3)],
    }),
  );
  const port = await freePort();
  const token = "mmsim-test";
  const lab = spawn(
    "bash",
    [
      path.join(ROOT, "scripts", "venv-run.sh"),
      "jupyter",
      "lab",
      "--no-browser",
      "--allow-root",
      `--port=${port}`,
      "--ip=127.0.0.1",
      `--ServerApp.token=${token}`,
      `--ServerApp.root_dir=${dir}`,
    ],
    { stdio: ["ignore", "ignore", "pipe"], detached: true },
  );
  let log = "";
  lab.stderr!.on("data", (b: Buffer) => (log += b.toString()));
  const browser = await launchChromium();
  try {
    const t0 = Date.now();
    while (!/is running at|Jupyter Server .* is running/.test(log)) {
      if (Date.now() - t0 > 90_000) assert.fail(`JupyterLab did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/lab/tree/busy.ipynb?token=${token}`);
    const status = () =>
      page.evaluate(`(document.querySelector("#jp-main-statusbar") || document.body).innerText`) as Promise<string>;
    // The kernel is up when the status bar names it idle.
    const t1 = Date.now();
    while (!/TypeScript \| Idle/.test(await status())) {
      if (Date.now() - t1 > 90_000) assert.fail(`the kernel did not start: ${await status()}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    await page.click("text=Run");
    await page.click("text=Run All Cells");
    const started = Date.now();
    const samples: Array<{ t: number; busy: boolean; done: number }> = [];
    while (Date.now() - started < (3 * CELL_S + 15) * 1000) {
      const text = await status();
      const outputs = (await page.evaluate(
        `[...document.querySelectorAll(".jp-OutputArea-output")].filter((e) => /cell \\d done/.test(e.innerText)).length`,
      )) as number;
      samples.push({ t: Date.now() - started, busy: /TypeScript \| Busy/.test(text), done: outputs });
      if (outputs === 3 && /TypeScript \| Idle/.test(text)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    await page.screenshot({ path: path.join(ROOT, "test-output", "screenshots", "lab-busy.png") });
    const running = samples.filter((s) => s.done < 3 && s.t > 1000);
    assert.ok(running.length > 10, `sampled while cells ran: ${JSON.stringify(samples)}`);
    assert.ok(
      running.some((s) => s.done === 1) && running.some((s) => s.done === 2),
      "sampled between the cells' ends",
    );
    // Between two cells the kernel says idle for the one that ended and busy for the next at once, as ipykernel
    // does; Lab may show that instant. What tslab alone did was idle for whole cells: two samples in a row (500 ms).
    const idleRuns = running.filter((s, i) => !s.busy && i > 0 && !running[i - 1].busy);
    assert.deepEqual(idleRuns, [], `the status bar says Busy while any cell runs: ${JSON.stringify(running)}`);
    assert.equal(samples.at(-1)!.done, 3);
    assert.equal(samples.at(-1)!.busy, false, "Idle at the end");
  } finally {
    await browser.close();
    try {
      process.kill(-lab.pid!, "SIGTERM");
    } catch {
      // already gone
    }
  }
});
