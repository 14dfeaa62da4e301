/**
 * Every notebook in notebooks/, for real: executed once through Jupyter (nbclient) in the tslab kernel of .venv by the
 * main job (reportAll), then checked: no error outputs, its expected outputs
 * (metadata.mmsim.expect) present, charts as one bundle each, reports offline; then the reports opened in Debian's
 * chromium, every chart drawn. New notebooks are picked up with no code here.
 *
 * The executions checked are the main job's in reports/ when that folder is a complete, successful run made from the
 * present inputs (its .inputs-sha256 equals notebookInputsHash(): the compiled sources, notebooks, data, kernel
 * launcher and lock file), as after `npm run setup`; otherwise (or with MMSIM_RERUN_NOTEBOOKS=1) the test runs the
 * main job itself into test-output/reports/. Either way every notebook was executed from exactly this code.
 *
 * Missing set-up fails these tests with what to run (`npm run setup`, `apt-get install chromium`), never skips them.
 */
import { before, after, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser } from "playwright-core";
import { checkJupyter } from "../../src/notebook/jupyter";
import { joinText, readNotebook, type Notebook, type Output } from "../../src/notebook/ipynb";
import { freshReports, listNotebooks, reportAll, type ReportAllResult } from "../../src/notebook/report-all";
import { assertAllRendered, launchChromium, openReport } from "./browser";
import { requireChromium, ROOT, testOutput } from "./helpers";

const NOTEBOOKS_DIR = path.join(ROOT, "notebooks");
const NOTEBOOKS = listNotebooks(NOTEBOOKS_DIR);
const MAIN_JOB_REPORTS = path.join(ROOT, "reports");
const OWN_REPORTS = testOutput("reports", "x").replace(/x$/, "");
let REPORTS = OWN_REPORTS;
const SCREENSHOTS = testOutput("screenshots", "x").replace(/x$/, "");

let job: ReportAllResult;
let browser: Browser | undefined;

before(async () => {
  checkJupyter(ROOT);
  requireChromium();
  const reused = process.env.MMSIM_RERUN_NOTEBOOKS === "1" ? undefined : freshReports(MAIN_JOB_REPORTS);
  if (reused) {
    REPORTS = MAIN_JOB_REPORTS;
    job = reused;
    process.stderr.write(`# checking the main job's executions in ${REPORTS} (made from these very inputs)\n`);
    return;
  }
  fs.rmSync(REPORTS, { recursive: true, force: true });
  job = await reportAll({ reportsDir: REPORTS, log: (l) => process.stderr.write(`# ${l}\n`) });
});

after(async () => {
  await browser?.close();
});

function executed(file: string): Notebook {
  return readNotebook(path.join(REPORTS, file));
}

function outputsOf(nb: Notebook): Output[] {
  return nb.cells.flatMap((c) => (c.cell_type === "code" ? (c.outputs ?? []) : []));
}

/** Text of an output: stream text, or every string-valued MIME payload. */
function outputText(o: Output): string {
  if (o.output_type === "stream") return joinText(o.text);
  return Object.values(o.data ?? {})
    .map((v) => (typeof v === "string" || Array.isArray(v) ? joinText(v as string[]) : JSON.stringify(v)))
    .join("\n");
}

test("notebooks/ has notebooks, all run by the main job", () => {
  assert.ok(NOTEBOOKS.length > 0);
  assert.deepEqual(
    job.statuses.map((s) => s.file),
    NOTEBOOKS,
  );
});

test("every notebook has one cell tagged 'parameters' (what mmsim run -p and papermill override)", () => {
  const untagged = NOTEBOOKS.filter(
    (file) =>
      readNotebook(path.join(NOTEBOOKS_DIR, file)).cells.filter(
        (c) => c.cell_type === "code" && (c.metadata?.tags ?? []).includes("parameters"),
      ).length !== 1,
  );
  assert.deepEqual(untagged, [], "notebooks without exactly one parameters cell");
});

for (const file of NOTEBOOKS) {
  test(`${file}: executes headlessly in the tslab kernel, no error outputs, expected outputs present`, () => {
    const status = job.statuses.find((s) => s.file === file)!;
    assert.equal(status.status, "ok", status.error);
    const nb = executed(file);
    assert.equal(nb.metadata.kernelspec?.name, "tslab");
    const outputs = outputsOf(nb);
    for (const o of outputs) {
      assert.notEqual(o.output_type, "error", `${file}: error output ${o.ename}: ${o.evalue}`);
      if (o.output_type === "stream" && o.name === "stderr")
        assert.doesNotMatch(joinText(o.text), /rror/, `${file}: stderr holds an error`);
    }
    for (const marker of nb.metadata.mmsim?.expect ?? []) {
      const found = outputs.some((o) => (o.data && marker in o.data) || outputText(o).includes(marker));
      assert.ok(found, `${file}: no output holds '${marker}' (metadata.mmsim.expect)`);
    }
    // A chart is one display_data with the JSON spec, the kernel's SVG and a caption, and no HTML.
    for (const o of outputs.filter(
      (o) => o.data && ("application/vnd.vegalite.v5+json" in o.data || "application/vnd.plotly.v1+json" in o.data),
    )) {
      assert.equal(o.output_type, "display_data");
      assert.ok(
        "image/svg+xml" in o.data! || "application/vnd.plotly.v1+json" in o.data!,
        `${file}: a vega chart without its SVG`,
      );
      assert.ok(o.data!["text/plain"], `${file}: a chart without a caption`);
      assert.equal("text/html" in o.data!, false, `${file}: a chart bundle holds text/html`);
    }
  });
}

test("every report and the index are offline: nothing points to http(s)", () => {
  for (const f of ["index.html", ...NOTEBOOKS.map((n) => n.replace(/\.ipynb$/, ".html"))]) {
    const html = fs.readFileSync(path.join(REPORTS, f), "utf8");
    assert.doesNotMatch(
      html,
      /<(script|link|img|iframe|source|embed)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?\/\//i,
      `${f} loads something remote`,
    );
    assert.doesNotMatch(html, /url\(\s*["']?https?:/i, `${f} has a remote CSS url()`);
  }
});

test("reports render in chromium: every vega chart has SVG marks, every plotly chart its traces, no console errors", async () => {
  browser = await launchChromium();
  for (const file of NOTEBOOKS) {
    const name = file.replace(/\.ipynb$/, "");
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const r = await openReport(page, path.join(REPORTS, `${name}.html`));
    assert.ok(r.charts.length > 0, `${name}.html has no charts`);
    assertAllRendered(`${name}.html`, r);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
    await page.close();
  }
  const index = await browser.newPage();
  const r = await openReport(index, path.join(REPORTS, "index.html"));
  assertAllRendered("index.html", r);
  const rows = await index.$$eval("tr[data-notebook]", (trs) =>
    trs.map((tr) => [
      tr.getAttribute("data-notebook"),
      tr.getAttribute("data-status"),
      tr.querySelector("a")?.getAttribute("href"),
    ]),
  );
  assert.deepEqual(
    rows,
    NOTEBOOKS.map((f) => [f, "ok", f.replace(/\.ipynb$/, ".html")]),
  );
  await index.screenshot({ path: path.join(SCREENSHOTS, "index.png"), fullPage: true });
  await index.close();
});

test("reports survive a page that uses require.js, and show the kernel's SVG where scripts do not run", async () => {
  browser ??= await launchChromium();
  const file = path.join(REPORTS, NOTEBOOKS[0].replace(/\.ipynb$/, ".html"));
  const amd = await browser.newPage();
  // What require.js leaves behind: an AMD define that rejects anonymous modules.
  await amd.addInitScript(`
    window.define = function () { throw new Error("Mismatched anonymous define() module"); };
    window.define.amd = { marker: 1 };
  `);
  const r = await openReport(amd, file);
  assertAllRendered("report under require.js", r);
  assert.deepEqual(await amd.evaluate("window.define.amd"), { marker: 1 }, "define.amd restored");
  await amd.close();

  const context = await browser.newContext({ javaScriptEnabled: false });
  const still = await context.newPage();
  await still.goto("file://" + file);
  const images = (await still.evaluate(`[...document.querySelectorAll("figure.mmsim-chart")].map((f) => {
    const img = f.querySelector("img.mmsim-fallback");
    return img !== null && img.complete && img.naturalWidth > 0 && getComputedStyle(img).display !== "none";
  })`)) as boolean[];
  assert.ok(
    images.length > 0 && images.every(Boolean),
    `every chart shows its SVG without scripts: ${JSON.stringify(images)}`,
  );
  await context.close();
});
