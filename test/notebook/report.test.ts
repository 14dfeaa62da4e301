/**
 * The HTML report writer on synthetic executed notebooks: what it inlines, what it links, what it falls back to, the
 * verdicts it shows first, and the index; one synthetic report printed to PDF.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { chartBundle, sweepChart, timelineChart } from "../../src/notebook";
import { humanDate, reportHtml, withoutCaption } from "../../src/notebook/report/html-report";
import { indexHtml } from "../../src/notebook/report/index-page";
import { notebookVerdicts, VERDICTS_MIME } from "../../src/notebook/report/verdicts";
import { writePdf } from "../../src/notebook/report/pdf";
import type { Notebook, Output } from "../../src/notebook/ipynb";
import { launchChromium, openReport, assertAllRendered } from "./browser";
import { testOutput } from "./helpers";

const vega: Output = {
  output_type: "display_data",
  data: {
    "application/vnd.vegalite.v5+json": { mark: "point", data: { values: [{ a: "</script><b>" }] } },
    "image/svg+xml": "<svg></svg>",
    "text/plain": "a point chart",
  },
};
const plotly: Output = {
  output_type: "display_data",
  data: { "application/vnd.plotly.v1+json": { data: [{ type: "bar", y: [1] }], layout: {} }, "text/plain": "a bar" },
};
const plotly3d: Output = {
  output_type: "display_data",
  data: {
    "application/vnd.plotly.v1+json": { data: [{ type: "scatter3d", x: [1], y: [1], z: [1] }], layout: {} },
    "text/plain": "3d",
  },
};

/** A verdicts output as the claims helper's bundle will carry it (shape in issues/PARALLEL.md). */
const verdictsOutput: Output = {
  output_type: "display_data",
  data: {
    "text/html": `<table class="mmsim-table mmsim-verdicts"><tr><td>fifo-bounded</td></tr></table>`,
    "text/plain": "claim          who     verdict\nfifo-bounded   Oliver  holds\nstarves        Yu      fails",
    [VERDICTS_MIME]: {
      experiment: "mmu-lock-aging",
      version: "0.1.0",
      commit: "abc1234",
      seeds: { base: 1000001, count: 10 },
      claims: [
        {
          id: "fifo-bounded",
          who: "Oliver",
          statement: "the writer's wait is bounded",
          verdict: "holds",
          ci95: [1, 2],
        },
        { id: "starves", who: "Yu", statement: "a reader-preferring lock starves it", verdict: "fails" },
      ],
    },
  },
};

function nb(outputs: Output[]): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      {
        cell_type: "markdown",
        source: ["# Title here\n", "Some *prose* and a [link](https://example.org)."],
        metadata: {},
      },
      {
        cell_type: "code",
        source: "const params = { n: 1 };",
        metadata: { tags: ["parameters"] },
        outputs: [],
        execution_count: 1,
      },
      { cell_type: "code", source: "show(x)", metadata: {}, outputs, execution_count: 2 },
    ],
  };
}

const run = {
  parameters: { n: 2, seeds: 3, seedBase: 7 },
  overrides: { n: 2 },
  date: "2026-01-02T03:04:05.000Z",
  durationS: 1.5,
  version: "0.1.0",
};

/** Elements that would fetch something: none may point off the page. */
const REMOTE = /<(script|link|img|iframe|source|embed)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?\/\//i;

test("a report inlines each library once, only when used (vega specs compiled, no vega-lite), and fetches nothing", () => {
  const twoVega = reportHtml(nb([vega, vega]), { file: "x.ipynb", run });
  assert.equal((twoVega.match(/data-library="vega"/g) ?? []).length, 1);
  assert.equal((twoVega.match(/data-library="vegaEmbed"/g) ?? []).length, 1);
  assert.equal((twoVega.match(/data-library="vegaLite"/g) ?? []).length, 0, "specs are compiled to vega here");
  assert.equal((twoVega.match(/data-library="plotly/g) ?? []).length, 0);
  assert.equal((twoVega.match(/<figure class="mmsim-chart mmsim-vega"/g) ?? []).length, 2);
  assert.match(twoVega, /data-mode="vega"/);
  const both = reportHtml(nb([vega, plotly]), { file: "x.ipynb", run });
  assert.equal((both.match(/data-library="plotlyBasic"/g) ?? []).length, 1, "bar traces: the basic bundle");
  assert.equal((both.match(/data-library="plotly"/g) ?? []).length, 0);
  const full = reportHtml(nb([plotly, plotly3d]), { file: "x.ipynb", run });
  assert.equal((full.match(/data-library="plotly"/g) ?? []).length, 1, "a 3-D trace needs the full bundle");
  assert.equal((full.match(/data-library="plotlyBasic"/g) ?? []).length, 0, "and only it");
  for (const html of [twoVega, both]) {
    assert.doesNotMatch(html, REMOTE);
    assert.doesNotMatch(html, /url\(\s*["']?https?:/i);
    assert.doesNotMatch(html, /@import/);
    // Every <script> closes where it should: inlined text cannot end an element early.
    assert.equal((html.match(/<script\b/g) ?? []).length, (html.match(/<\/script>/g) ?? []).length);
  }
  const none = reportHtml(nb([{ output_type: "stream", name: "stdout", text: "hi\n" }]), { file: "x.ipynb", run });
  assert.doesNotMatch(none, /data-library=/);
});

test("charts carry the kernel's SVG as an image with alt text, numbered captions; specs are escaped", () => {
  const html = reportHtml(nb([vega, plotly]), { file: "x.ipynb", run });
  assert.match(
    html,
    /<img class="mmsim-fallback" alt="a point chart" src="data:image\/svg\+xml;charset=utf-8,<svg><\/svg>">/,
  );
  assert.match(html, /<p class="mmsim-fallback">\[chart: a bar\]<\/p>/);
  assert.match(html, /<figcaption><span class="mmsim-fignum">Figure 1\.<\/span> a point chart<\/figcaption>/);
  assert.match(html, /<figcaption><span class="mmsim-fignum">Figure 2\.<\/span> a bar<\/figcaption>/);
  assert.match(html, /"a":"\\u003c\/script>\\u003cb>"/);
});

test("a builder's caption is the figure's caption, taken out of the live chart's title; the title stays", async () => {
  const chart = sweepChart({
    title: "T",
    rows: [
      { x: 1, y: 2 },
      { x: 2, y: 3 },
    ],
    x: "x",
    y: "y",
    caption: "what it shows",
  });
  const stripped = withoutCaption(chart.spec) as { title: Record<string, unknown> };
  assert.deepEqual(stripped.title.text, ["T"]);
  assert.equal(stripped.title.subtitle, undefined);
  const untitled = sweepChart({ rows: [{ x: 1, y: 2 }], x: "x", y: "y", caption: "only a caption" });
  assert.equal(withoutCaption(untitled.spec).title, undefined);
  const out: Output = { output_type: "display_data", data: await chartBundle(chart) };
  const html = reportHtml(nb([out]), { file: "x.ipynb", run });
  assert.match(html, /<img class="mmsim-fallback" alt="T\. what it shows"/);
  assert.match(html, /<div class="mmsim-live" role="img" aria-label="T\. what it shows">/);
  assert.match(html, /<\/span> what it shows<\/figcaption>/);
  // A timeline's caption likewise leaves its plotly title.
  const tl = timelineChart({
    title: "TL",
    intervals: [{ who: "a", on: "l", state: "hold", start: 0, end: 5 }],
    caption: "holds",
  });
  const tlHtml = reportHtml(nb([{ output_type: "display_data", data: await chartBundle(tl) }]), {
    file: "x.ipynb",
    run,
  });
  const figure = JSON.parse(/<script type="application\/json" id="mmsim-chart-0">(.*?)<\/script>/.exec(tlHtml)![1]) as {
    layout: { title: { text: string } };
  };
  assert.equal(figure.layout.title.text, "TL");
});

test("the header states parameters (overrides marked), seeds, a readable date and version; markdown is rendered", () => {
  const html = reportHtml(nb([]), { file: "x.ipynb", run });
  assert.match(html, /<title>Title here<\/title>/);
  assert.match(html, /<tr class="mmsim-overridden"><th>n<\/th><td>2 <small>\(overridden\)<\/small><\/td><\/tr>/);
  assert.match(html, /<dt>seeds<\/dt><dd>seeds 7 to 9 \(3\)<\/dd>/);
  assert.match(
    html,
    /<time datetime="2026-01-02T03:04:05\.000Z" title="2026-01-02T03:04:05\.000Z">2 Jan 2026, 03:04 UTC<\/time> \(1\.5 s\)/,
  );
  assert.match(html, /<dt>mmsim<\/dt><dd>0\.1\.0<\/dd>/);
  assert.match(html, /<p>Some <em>prose<\/em> and a <a href="https:\/\/example\.org">link<\/a>\.<\/p>/);
  assert.match(html, /<details class="mmsim-code" open><summary>parameters<\/summary>/);
  assert.equal(humanDate("not a date"), "not a date");
});

test("verdicts: the table, its text form in a copyable block, and a summary at the top of the report", () => {
  const book = nb([verdictsOutput]);
  assert.deepEqual(
    notebookVerdicts(book).map((v) => v.claims.map((c) => c.verdict)),
    [["holds", "fails"]],
  );
  const html = reportHtml(book, { file: "x.ipynb", run });
  assert.match(html, /<table class="mmsim-table mmsim-verdicts">/);
  assert.match(
    html,
    /<div class="mmsim-copyable">.*<button type="button" class="mmsim-copy">copy<\/button>.*<pre class="mmsim-verdicts-text">claim {10}who {5}verdict\nfifo-bounded {3}Oliver {2}holds\n/s,
  );
  assert.match(html, /navigator\.clipboard/);
  assert.match(
    html,
    /<h2>Verdicts<\/h2><table class="mmsim-verdict-summary">.*<td title="the writer&#39;s wait is bounded">fifo-bounded<\/td><td>Oliver<\/td><td><span class="mmsim-verdict mmsim-verdict-holds">holds<\/span>/s,
  );
  assert.doesNotMatch(reportHtml(nb([]), { file: "x.ipynb", run }), /Verdicts<\/h2>|navigator\.clipboard/);
});

test("the index answers first: verdicts per notebook, then status, a readable date, seeds, folded parameters", () => {
  const verdicts = notebookVerdicts(nb([verdictsOutput]));
  const html = indexHtml(
    [
      { file: "a.ipynb", title: "A", status: "ok", date: run.date, lastGood: run, verdicts, report: "a.html" },
      {
        file: "b.ipynb",
        title: "B",
        status: "failed",
        date: "2026-02-01T00:00:00.000Z",
        error: "b.ipynb failed in cell 3: Error: boom",
        lastGood: run,
        report: "b.html",
      },
      { file: "c.ipynb", title: "C", status: "failed", date: "2026-02-01T00:00:00.000Z", error: "c.ipynb failed" },
    ],
    "0.1.0",
    "2026-02-01T00:00:01.000Z",
  );
  assert.match(html, /3 notebooks, <span class="mmsim-status-failed">2 failed<\/span>; mmsim 0\.1\.0/);
  assert.match(
    html,
    /<thead><tr><th>notebook<\/th><th>verdicts<\/th><th>status<\/th><th>run<\/th><th>seeds<\/th><th>parameters<\/th><\/tr><\/thead>/,
  );
  assert.match(
    html,
    /<tr data-notebook="a\.ipynb" data-status="ok"><td><a href="a\.html">A<\/a>.*?<td class="mmsim-index-verdicts"><table class="mmsim-verdict-summary">.*?fifo-bounded.*?Oliver.*?mmsim-verdict-holds">holds.*?starves.*?Yu.*?mmsim-verdict-fails">fails.*?<\/table><\/td><td><span class="mmsim-status-ok">ok<\/span><\/td><td><time datetime="2026-01-02T03:04:05\.000Z"[^>]*>2 Jan 2026, 03:04 UTC<\/time><br><small>took 1\.5 s, mmsim 0\.1\.0<\/small><\/td><td>seeds 7 to 9 \(3\)<\/td><td><details class="mmsim-params-list"><summary>3 parameters<\/summary><small>n=2<br>seeds=3<br>seedBase=7<\/small><\/details><\/td><\/tr>/,
  );
  assert.match(
    html,
    /<tr data-notebook="b\.ipynb" data-status="failed">.*?<p class="mmsim-no-verdicts">no verdicts<\/p>.*?boom.*?showing the last good report, from <time[^>]*>2 Jan 2026/,
  );
  assert.match(html, /<tr data-notebook="c\.ipynb" data-status="failed"><td>C<br>.*no report yet/);
});

test("a synthetic report renders in chromium without warnings and prints to A4 with every chart on one page", async () => {
  const rows = [1, 2, 4, 8].flatMap((x) => ["a", "b"].map((g) => ({ x, g, y: x * (g === "a" ? 1 : 2), yCi95: 0.3 })));
  const outputs: Output[] = [];
  for (let i = 0; i < 4; i++)
    outputs.push({
      output_type: "display_data",
      data: await chartBundle(sweepChart({ title: `Chart number ${i + 1}`, rows, x: "x", y: "y", color: "g" })),
    });
  outputs.push(verdictsOutput);
  const html = testOutput("synthetic", "report.html");
  fs.writeFileSync(html, reportHtml(nb(outputs), { file: "x.ipynb", run }));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const r = await openReport(page, html);
    assertAllRendered("synthetic report", r);
    assert.equal(r.charts.length, 4);
    await page.close();
    const pdf = testOutput("synthetic", "report.pdf");
    await writePdf(html, pdf, browser);
    const pages = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" }).split("\f").slice(0, -1);
    assert.ok(pages.length >= 2 && pages.length <= 5, `${pages.length} pages`);
    for (let i = 1; i <= 4; i++) {
      const on = pages.findIndex((p) => p.includes(`Figure ${i}.`));
      assert.ok(on >= 0, `Figure ${i} printed`);
      assert.match(pages[on], new RegExp(`Chart number ${i}\\b`), `Figure ${i}'s chart and caption on one page`);
    }
  } finally {
    await browser.close();
  }
});
