// Every published number the notebooks overlay carries its value, unit and source.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { csvFields, loadPublished, parsePublishedCsv, projectRoot } from "../../src/experiments/published";
import { experiments } from "../../src/experiments/registry";

test("CSV fields honour quotes", () => {
  assert.deepEqual(csvFields('a,"b, c","say ""hi""",'), ["a", "b, c", 'say "hi"', ""]);
});

test("a published CSV with a bad header or value is rejected naming the file and line", () => {
  assert.throws(
    () => parsePublishedCsv("value,quantity\n1,x", "f.csv"),
    /f.csv: header must start quantity,value,unit,conditions,source/,
  );
  assert.throws(
    () => parsePublishedCsv("quantity,value,unit,conditions,source\nx,abc,ms,c,s", "f.csv"),
    /f.csv:2: value 'abc' is not a number/,
  );
});

test("every experiment but the engine's own has data/published/<id>.csv, every row with a unit and a source", () => {
  const dir = path.join(projectRoot(), "data", "published");
  for (const e of experiments) {
    if (e.id === "lock-contention") continue;
    assert.ok(fs.existsSync(path.join(dir, `${e.id}.csv`)), `data/published/${e.id}.csv is missing`);
    const rows = loadPublished(e.id);
    assert.ok(rows.length > 0, `${e.id}: no rows`);
    for (const r of rows) {
      assert.ok(r.unit.trim() !== "", `${e.id}: '${r.quantity}' has no unit`);
      assert.ok(r.source.trim() !== "", `${e.id}: '${r.quantity}' has no source`);
    }
  }
});
