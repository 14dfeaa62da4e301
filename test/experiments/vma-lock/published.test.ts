import { test } from "node:test";
import assert from "node:assert/strict";
import { loadPublished, pftCurve } from "../../../src/experiments/vma-lock/published";

test("data/published/vma-lock.csv: every row has a number, a unit and a source", () => {
  const rows = loadPublished();
  assert.ok(rows.length >= 18);
  for (const r of rows) {
    assert.ok(Number.isFinite(r.value) && r.unit !== "" && /^lore:|^https?:/.test(r.source), JSON.stringify(r));
  }
});

test("Mel's pft table as speedups: baseline flattens at about 8x, SPF reaches about 15x at 80 threads", () => {
  const base = pftCurve("baseline");
  const spf = pftCurve("SPF");
  assert.deepEqual(
    base.map((p) => p.threads),
    [1, 4, 12, 21, 48, 80],
  );
  assert.deepEqual(
    spf.map((p) => p.threads),
    [1, 4, 12, 21, 48, 80],
  );
  assert.equal(base[2].elapsedS, 4.13);
  assert.ok(Math.abs(base[2].speedup - 32.66 / 4.13) < 1e-12);
  assert.ok(Math.abs(spf[5].speedup - 32.77 / 2.13) < 1e-12);
});
