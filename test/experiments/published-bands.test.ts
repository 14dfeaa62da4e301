/**
 * Predictions stay on the side of the 2x band their CSV row records: a change that moves a published prediction
 * into or out of the band must say why, in the row's `agreement` and `agreementWhy` (which the notebook's
 * published-numbers table shows). Decided on seeds no notebook uses.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { CLAIM_TEST_SEED_BASE } from "../../src/experiments/claims";
import { comparePublished, crossesTwoXBand, publishedComparisons } from "../../src/experiments/published-compare";
import { loadPublished } from "../../src/experiments/published";
import { experiments } from "../../src/experiments/registry";

for (const exp of experiments) {
  let rows: ReturnType<typeof loadPublished>;
  try {
    rows = loadPublished(exp.id);
  } catch {
    continue; // the engine's own model has no published numbers
  }
  if (rows.length === 0 || !("agreement" in rows[0].fields)) continue;
  test(`${exp.id}: every prediction is on the side of the 2x band its row records`, { timeout: 600_000 }, async () => {
    const lines = publishedComparisons(exp, rows)
      .filter((c) => c.role === "prediction" && c.expr !== null)
      .map((c) => c.line);
    if (lines.length === 0) return;
    const results = await comparePublished(exp, { seeds: 3, seedBase: CLAIM_TEST_SEED_BASE, lines, rows });
    const moved = results.filter(
      (r) => r.recordedAgreement !== "" && crossesTwoXBand(r.recordedAgreement, r.agreement),
    );
    assert.deepEqual(
      moved.map(
        (r) =>
          `line ${r.line} (${r.quantity}): recorded ${r.recordedAgreement}, now ${r.agreement} (x${r.ratio.toPrecision(3)})`,
      ),
      [],
      `data/published/${exp.id}.csv: predictions moved across the 2x band; update their agreement and agreementWhy`,
    );
  });
}

test("crossing the 2x band", () => {
  assert.equal(crossesTwoXBand("within 10%", "further"), true);
  assert.equal(crossesTwoXBand("within 2x", "within 10%"), false);
  assert.equal(crossesTwoXBand("further", "not comparable"), false);
});
