/**
 * Every chart of every notebook, as the executed notebooks hold them: drawn by the project's vega-lite and by
 * JupyterLab's (5.6.1) with the same marks in the same places and no warning from either; every kernel SVG with alt
 * text and legends whose entries all read differently and in full; every report under 3 MB, inlining only the
 * libraries it uses; and one report printed to PDF with every chart whole on a page.
 *
 * The executed notebooks come from the main job (reports/) or the notebooks test (test-output/reports) when either is
 * a complete run made from the present inputs (freshReports), so the suite executes them at most once; otherwise
 * this file executes them itself, once, into test-output/chart-reports.
 */
import { before, after, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser } from "playwright-core";
import { checkJupyter } from "../../src/notebook/jupyter";
import { joinText, readNotebook, type Output } from "../../src/notebook/ipynb";
import { freshReports, listNotebooks, reportAll } from "../../src/notebook/report-all";
import { writePdf } from "../../src/notebook/report/pdf";
import { launchChromium } from "./browser";
import {
  assertLegendsReadable,
  assertLoadableSvg,
  JUPYTERLAB_VEGA_LITE,
  PROJECT_VEGA_LITE,
  versionDifferences,
} from "./charts-render";
import { requireChromium, ROOT, testOutput } from "./helpers";

const NOTEBOOKS_DIR = path.join(ROOT, "notebooks");
const NOTEBOOKS = listNotebooks(NOTEBOOKS_DIR);
const MAIN_JOB = path.join(ROOT, "reports");
const SHARED = path.dirname(testOutput("reports", "x"));
const OWN = path.dirname(testOutput("chart-reports", "x"));
const MAX_REPORT_BYTES = 3 * 1024 * 1024;

let reports = SHARED;
let browser: Browser | undefined;

before(async () => {
  checkJupyter(ROOT);
  requireChromium();
  const found = [MAIN_JOB, SHARED, OWN].find((dir) => freshReports(dir) !== undefined);
  if (found) {
    reports = found;
    return;
  }
  reports = OWN;
  fs.rmSync(OWN, { recursive: true, force: true });
  const job = await reportAll({ reportsDir: OWN, log: (l) => process.stderr.write(`# ${l}\n`) });
  assert.deepEqual(
    job.failed.map((s) => s.error),
    [],
    "every notebook runs",
  );
});

after(async () => {
  await browser?.close();
});

interface ChartOutput {
  where: string;
  data: Record<string, unknown>;
}

function chartsOf(file: string): ChartOutput[] {
  const nb = readNotebook(path.join(reports, file));
  const out: ChartOutput[] = [];
  nb.cells.forEach((c, i) =>
    (c.outputs ?? []).forEach((o: Output) => {
      const d = o.data ?? {};
      if ("application/vnd.vegalite.v5+json" in d || "application/vnd.plotly.v1+json" in d)
        out.push({ where: `${file} cell ${i} chart ${out.length + 1}`, data: d });
    }),
  );
  return out;
}

for (const file of NOTEBOOKS) {
  test(`${file}: every chart draws the same marks under vega-lite ${PROJECT_VEGA_LITE.version} and JupyterLab's ${JUPYTERLAB_VEGA_LITE.version}, without warnings`, async () => {
    const charts = chartsOf(file);
    assert.ok(charts.length > 0, `${file} has no charts`);
    const problems: string[] = [];
    for (const c of charts) {
      const spec = c.data["application/vnd.vegalite.v5+json"] as Record<string, unknown> | undefined;
      if (!spec) continue;
      for (const d of await versionDifferences(spec))
        problems.push(
          `${c.where} (${String((spec.usermeta as { mmsim?: { title?: string } })?.mmsim?.title ?? "")}): ${d}`,
        );
    }
    assert.deepEqual(problems, []);
  });

  test(`${file}: every chart image has alt text, a caption drawn in it, and legends that read distinctly`, () => {
    for (const c of chartsOf(file)) {
      const raw = c.data["image/svg+xml"] as string | string[] | undefined;
      assert.ok(raw !== undefined, `${c.where}: no SVG`);
      const svg = joinText(raw);
      assert.match(svg, /^<svg[^>]* role="img" aria-label="[^"]+"><title>/, `${c.where}: no alt text`);
      assertLoadableSvg(c.where, svg);
      assertLegendsReadable(c.where, svg);
      const caption = String(c.data["text/plain"]);
      // The caption's first words are drawn in the image (under the title, or in its place), for Lab and nbconvert.
      const firstWords = caption.split(/\s+/).slice(0, 3).join(" ");
      const drawn = [...svg.matchAll(/<text\b[^>]*>(.*?)<\/text>/gs)].map((m) => m[1]).join("\n");
      assert.ok(
        drawn.includes(firstWords.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")),
        `${c.where}: caption "${firstWords}" not drawn`,
      );
      const plotly = c.data["application/vnd.plotly.v1+json"] as
        { data: Array<{ name?: string; showlegend?: boolean }> } | undefined;
      if (plotly) {
        const names = plotly.data.filter((t) => t.showlegend !== false && t.name).map((t) => t.name);
        assert.equal(new Set(names).size, names.length, `${c.where}: plotly legend repeats ${JSON.stringify(names)}`);
      }
    }
  });
}

test("every report is at most 3 MB and inlines only what its charts use", () => {
  for (const f of NOTEBOOKS) {
    const file = path.join(reports, f.replace(/\.ipynb$/, ".html"));
    const size = fs.statSync(file).size;
    assert.ok(size <= MAX_REPORT_BYTES, `${path.basename(file)} is ${(size / 1e6).toFixed(2)} MB`);
    const html = fs.readFileSync(file, "utf8");
    assert.doesNotMatch(html, /data-library="vegaLite"/, `${f}: vega-lite inlined although specs are compiled to vega`);
    const hasPlotly = chartsOf(f).some((c) => "application/vnd.plotly.v1+json" in c.data);
    assert.equal(
      /data-library="plotly(Basic)?"/.test(html),
      hasPlotly,
      `${f}: plotly inlined ${hasPlotly ? "not " : ""}as needed`,
    );
    assert.doesNotMatch(
      html,
      /data-library="plotly"/,
      `${f}: the full plotly bundle, where the basic one draws every trace`,
    );
  }
});

test("the index lists each notebook's verdicts (or 'no verdicts') before its status", () => {
  const html = fs.readFileSync(path.join(reports, "index.html"), "utf8");
  for (const f of NOTEBOOKS) {
    const row = new RegExp(
      `<tr data-notebook="${f.replace(/\./g, "\\.")}" data-status="ok"><td><a href="[^"]+">.*?</td><td class="mmsim-index-verdicts">(<table class="mmsim-verdict-summary">|<p class="mmsim-no-verdicts">no verdicts</p>)`,
    );
    assert.match(html, row, `${f}: no verdicts column`);
  }
});

function pdfPages(pdf: string): string[] {
  const text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
  return text.split("\f").slice(0, -1);
}

test("a report prints to an A4 PDF with every chart whole on one page", async () => {
  browser = await launchChromium();
  const name = NOTEBOOKS[0].replace(/\.ipynb$/, "");
  const pdf = testOutput("pdf", `${name}.pdf`);
  const r = await writePdf(path.join(reports, `${name}.html`), pdf, browser);
  assert.equal(r.failedCharts, 0);
  const info = execFileSync("pdfinfo", [pdf], { encoding: "utf8" });
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)![1]);
  assert.match(info, /^Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/m);
  const text = pdfPages(pdf);
  assert.equal(text.length, pages);
  const charts = chartsOf(NOTEBOOKS[0]);
  assert.ok(pages >= 2 && pages <= 2 * charts.length + 8, `${pages} pages for ${charts.length} charts`);
  charts.forEach((c, k) => {
    const caption = `Figure ${k + 1}.`;
    const on = text.map((t, i) => (t.includes(caption) ? i : -1)).filter((i) => i >= 0);
    assert.equal(on.length, 1, `${caption} on pages ${on.map((i) => i + 1)}`);
    // The chart's title (drawn at its top) is on the same page as its caption (under it): the figure is not split.
    const title = (
      c.data["application/vnd.vegalite.v5+json"] as { usermeta?: { mmsim?: { title?: string } } } | undefined
    )?.usermeta?.mmsim?.title;
    if (title) {
      const words = title.split(/\s+/).slice(0, 3).join(" ");
      assert.ok(
        text[on[0]].replace(/\s+/g, " ").includes(words),
        `${caption}: its title "${words}" is not on page ${on[0] + 1}`,
      );
    }
  });
});
