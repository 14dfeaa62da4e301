import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GRACE_PERIOD_PROFILE_SPECS } from "../../../src/experiments/pt-free/grace-period-profiles";

// dist/test/experiments/pt-free -> the project root.
const root = join(__dirname, "..", "..", "..", "..");

function readCsv(name: string): Array<Record<string, string>> {
  const text = readFileSync(join(root, "data", "published", name), "utf8").trim();
  const [header, ...lines] = text.split("\n");
  const cols = header.split(",");
  return lines.map((line) => {
    const cells = line
      .match(/("([^"]|"")*"|[^,]*)(,|$)/g)!
      .map((c) => c.replace(/,$/, "").replace(/^"|"$/g, "").replace(/""/g, '"'));
    return Object.fromEntries(cols.map((c, i) => [c, cells[i]]));
  });
}

for (const file of ["pt-free.csv", "spinlock-convoy.csv"]) {
  test(`${file}: every row has a numeric value, a unit, conditions and a source`, () => {
    const rows = readCsv(file);
    assert.ok(rows.length > 0);
    for (const r of rows) {
      for (const c of ["quantity", "value", "unit", "conditions", "source"])
        assert.ok(r[c] && r[c].length > 0, `${file}: ${r.quantity} lacks ${c}`);
      assert.ok(Number.isFinite(Number(r.value)), `${file}: ${r.quantity} value ${r.value}`);
    }
  });
}

test("the grace-period profiles are calibrated to the figures in pt-free.csv", () => {
  const rows = readCsv("pt-free.csv");
  const find = (q: string, cond: string) =>
    Number(rows.find((r) => r.quantity === q && r.conditions.startsWith(cond))!.value);
  assert.equal(GRACE_PERIOD_PROFILE_SPECS.idle.published.valueMs, find("synchronize_rcu latency mean", "idle machine"));
  assert.equal(GRACE_PERIOD_PROFILE_SPECS.idle.published.maxMs, find("synchronize_rcu latency max", "idle machine"));
  assert.equal(
    GRACE_PERIOD_PROFILE_SPECS.busy.published.valueMs,
    find("synchronize_rcu latency median", "busy machine"),
  );
  assert.equal(GRACE_PERIOD_PROFILE_SPECS.busy.published.maxMs, find("synchronize_rcu latency max", "busy machine"));
});
