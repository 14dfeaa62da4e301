/** The HTML report writer on a synthetic executed notebook: what it inlines, what it links, and what it falls back to. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { reportHtml } from "../../src/notebook/report/html-report";
import { indexHtml } from "../../src/notebook/report/index-page";
import type { Notebook, Output } from "../../src/notebook/ipynb";

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

test("a report inlines each library once, only when used, and fetches nothing", () => {
  const twoVega = reportHtml(nb([vega, vega]), { file: "x.ipynb", run });
  assert.equal((twoVega.match(/data-library="vega"/g) ?? []).length, 1);
  assert.equal((twoVega.match(/data-library="vegaEmbed"/g) ?? []).length, 1);
  assert.equal((twoVega.match(/data-library="plotly"/g) ?? []).length, 0);
  assert.equal((twoVega.match(/<figure class="mmsim-chart mmsim-vega"/g) ?? []).length, 2);
  const both = reportHtml(nb([vega, plotly]), { file: "x.ipynb", run });
  assert.equal((both.match(/data-library="plotly"/g) ?? []).length, 1);
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

test("charts carry the kernel's SVG as an image and their caption; specs are escaped", () => {
  const html = reportHtml(nb([vega, plotly]), { file: "x.ipynb", run });
  assert.match(
    html,
    /<img class="mmsim-fallback" alt="a point chart" src="data:image\/svg\+xml;base64,PHN2Zz48L3N2Zz4=">/,
  );
  assert.match(html, /<p class="mmsim-fallback">\[chart: a bar\]<\/p>/);
  assert.match(html, /<figcaption>a point chart<\/figcaption>/);
  assert.match(html, /"a":"\\u003c\/script>\\u003cb>"/);
});

test("the header states parameters (overrides marked), seeds, date and version; markdown is rendered", () => {
  const html = reportHtml(nb([]), { file: "x.ipynb", run });
  assert.match(html, /<title>Title here<\/title>/);
  assert.match(html, /<tr class="mmsim-overridden"><th>n<\/th><td>2 <small>\(overridden\)<\/small><\/td><\/tr>/);
  assert.match(html, /<dt>seeds<\/dt><dd>seeds 7 to 9 \(3\)<\/dd>/);
  assert.match(html, /2026-01-02T03:04:05\.000Z \(1\.5 s\)/);
  assert.match(html, /<dt>mmsim<\/dt><dd>0\.1\.0<\/dd>/);
  assert.match(html, /<p>Some <em>prose<\/em> and a <a href="https:\/\/example\.org">link<\/a>\.<\/p>/);
  assert.match(html, /<details class="mmsim-code" open><summary>parameters<\/summary>/);
});

test("the index lists every notebook: status, parameters, seeds, date, version; failures keep the last good report", () => {
  const html = indexHtml(
    [
      { file: "a.ipynb", title: "A", status: "ok", date: run.date, lastGood: run, report: "a.html" },
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
    /<tr data-notebook="a\.ipynb" data-status="ok"><td><a href="a\.html">A<\/a>.*<td><small>n=2<br>seeds=3<br>seedBase=7<\/small><\/td><td>seeds 7 to 9 \(3\)<\/td><td>2026-01-02T03:04:05\.000Z<\/td><td>0\.1\.0<\/td>/,
  );
  assert.match(html, /data-status="failed">.*boom.*showing the last good report, from 2026-01-02/);
  assert.match(html, /<tr data-notebook="c\.ipynb" data-status="failed"><td>C<br>.*no report yet/);
});
