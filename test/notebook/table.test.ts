import { test } from "node:test";
import assert from "node:assert/strict";
import { tableHtml, tableText, verdictBundle } from "../../src/notebook";
import { runExperiment, findExperiment } from "../../src/index";

test("a ResultSet shows as a table with each observable and its CI in one cell", async () => {
  const rs = await runExperiment(
    findExperiment("lock-contention")!,
    { threads: [2, 4], acquisitions: 2000 },
    { seeds: 3, workers: 1 },
  );
  const html = tableHtml(rs, { columns: ["threads", "meanWaitNs", "meanWaitNsCi95", "exactMeanWaitNs"] });
  assert.match(
    html,
    /^<table class="mmsim-table"><thead><tr><th style="text-align:right">threads<\/th><th style="text-align:right">meanWaitNs<\/th>/,
  );
  assert.equal((html.match(/<tr>/g) ?? []).length, 3);
  assert.match(html, /<td style="text-align:right">[\d.]+ ± [\d.]+<\/td>/);
  const text = tableText(rs, { columns: ["threads", "meanWaitNs", "meanWaitNsCi95"], combineCi: false });
  assert.equal(text.split("\n")[0].trim().split(/\s+/).join(" "), "threads meanWaitNs meanWaitNsCi95");
});

test("records and danfojs DataFrames work too; text is escaped", () => {
  const rows = [
    { name: "<a&b>", value: 1.23456789 },
    { name: "c", value: 1e9 },
  ];
  assert.equal(
    tableHtml(rows),
    '<table class="mmsim-table"><thead><tr><th style="text-align:left">name</th><th style="text-align:right">value</th></tr></thead>' +
      '<tbody><tr><td style="text-align:left">&lt;a&amp;b&gt;</td><td style="text-align:right">1.235</td></tr>' +
      '<tr><td style="text-align:left">c</td><td style="text-align:right">1000000000</td></tr></tbody></table>',
  );

  const dfd = require("danfojs-node") as {
    DataFrame: new (data: unknown) => { columns: string[]; values: unknown[][] };
  };
  const df = new dfd.DataFrame({ name: ["<a&b>", "c"], value: [1.23456789, 1e9] });
  assert.equal(tableHtml(df), tableHtml(rows));
});

test("the verdict table colours each verdict and carries the text and JSON forms", () => {
  const common = { experiment: "x", rule: "one-rule" as const, seeds: [1, 2, 3], evidence: {} };
  const b = verdictBundle([
    { ...common, id: "c1", who: "Upton", statement: "s1", expected: "holds", verdict: "holds", detail: "d1" },
    { ...common, id: "c2", who: "Yu", statement: "s2", expected: "holds", verdict: "fails", detail: "d2" },
  ]);
  assert.match(String(b["text/html"]), /class="mmsim-table mmsim-verdicts"/);
  assert.match(String(b["text/html"]), /<b style="color:#cf222e">fails<\/b> <small>\(recorded: holds\)<\/small>/);
  assert.match(String(b["text/html"]), /<details class="mmsim-verdicts-text">/);
  assert.match(String(b["text/plain"]), /^c2: FAILS \(recorded: holds\)$/m);
  const json = b["application/vnd.mmsim.verdicts+json"] as { experiment: string; claims: Array<{ id: string }> };
  assert.equal(json.experiment, "x");
  assert.deepEqual(
    json.claims.map((c) => c.id),
    ["c1", "c2"],
  );
});

test("a mean over fewer seeds than asked is flagged in the table, with how many seeds stand behind it", async () => {
  const { toy } = await import("../experiments/claims/toy");
  const rs = await runExperiment(toy, { level: 3, variant: ["a", "b"] }, { seeds: 3, workers: 1 });
  const text = tableText(rs, { columns: ["variant", "count", "countCi95", "countN"] });
  assert.match(text, /b\s+3 \(2 of 3 seeds\)/);
  assert.doesNotMatch(text.split("\n")[2], /seeds/, "the full row is not flagged");
  const html = tableHtml(rs, { columns: ["variant", "count", "countCi95"] });
  assert.match(html, /<td class="mmsim-incomplete"[^>]*>3 \(2 of 3 seeds\)<\/td>/);
  assert.equal((html.match(/mmsim-incomplete/g) ?? []).length, 1);
  // Shown as its own column, the count is the flag.
  assert.match(tableText(rs, { columns: ["variant", "count", "countN"], combineCi: false }), /b\s+3\s+2/);
});
