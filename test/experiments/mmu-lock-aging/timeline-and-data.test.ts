// The traced timeline the notebook draws, and the published numbers it overlays.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { lockTimeline } from "../../../src/experiments/mmu-lock-aging/timeline";
import { ParamError } from "../../../src/experiments/params";

test("the lock timeline pairs asks, holds and releases per task and site, clipped to the window", () => {
  const t = lockTimeline({ agingLock: "read", vcpus: 4, reclaimers: 2, pagesPerAgingCall: 64 }, 1, 50_000, 80_000);
  assert.equal(t.truncated, false);
  assert.ok(t.intervals.length > 10);
  for (const iv of t.intervals) {
    assert.ok(iv.startNs >= 50_000 && iv.endNs <= 80_000 && iv.startNs <= iv.endNs, JSON.stringify(iv));
    assert.ok(["fault", "aging", "unmap", "invalidate-end"].includes(iv.site));
  }
  assert.ok(t.intervals.some((i) => i.site === "aging" && i.state === "hold" && i.side === "read"));
  assert.ok(t.intervals.some((i) => i.site === "unmap" && i.side === "write"));
  // Holds of one task never overlap: a task holds mmu_lock once at a time.
  const byWho = new Map<string, Array<[number, number]>>();
  for (const i of t.intervals.filter((x) => x.state === "hold"))
    byWho.set(i.who, [...(byWho.get(i.who) ?? []), [i.startNs, i.endNs]]);
  for (const spans of byWho.values()) {
    spans.sort((a, b) => a[0] - b[0]);
    for (let k = 1; k < spans.length; k++) assert.ok(spans[k][0] >= spans[k - 1][1]);
  }
  assert.throws(() => lockTimeline({ vcpus: [2, 4] }, 1, 0, 1000), /single value/);
  assert.throws(() => lockTimeline({ vcpus: -1 }, 1, 0, 1000), ParamError);
});

test("data/published/mmu-lock-aging.csv holds the anchors the claims and charts compare against, each with a source", () => {
  const text = fs
    .readFileSync(path.join(__dirname, "../../../../data/published/mmu-lock-aging.csv"), "utf8")
    .trim()
    .split("\n");
  assert.deepEqual(text[0].split(","), [
    "quantity",
    "value",
    "unit",
    "conditions",
    "source",
    "arch",
    "agingLock",
    "vcpus",
    "role",
    "params",
    "model",
    "match",
    "matchWhy",
    "agreement",
    "agreementWhy",
  ]);
  const rows = text.slice(1);
  assert.ok(rows.length >= 20);
  for (const r of rows) assert.match(r, /<[^>]+@[^>]+>|Oliver Upton/, r);
  const has = (q: string) => rows.some((r) => r.startsWith(q));
  assert.ok(has("agingPassS,1.661,s") && has("agingPassS,0.307,s") && has("vcpuWallChange,-0.009"));
});

test("the published CSV parses, and the pass arithmetic reproduces the derived per-page costs", async () => {
  const { parsePublished, passMsAt } = await import("../../../src/experiments/mmu-lock-aging/published");
  const rows = parsePublished(
    fs.readFileSync(path.join(__dirname, "../../../../data/published/mmu-lock-aging.csv"), "utf8"),
  );
  const pass = rows.find((r) => r.quantity === "agingPassS" && r.arch === "arm64" && r.agingLock === "write")!;
  const perPage = rows.find((r) => r.quantity === "agingNsPerPage" && r.arch === "arm64" && r.agingLock === "write")!;
  assert.equal(pass.vcpus, 32);
  assert.match(rows.find((r) => r.arch === "x86" && r.vcpus === 16)!.conditions, /no THP/);
  assert.ok(Math.abs(passMsAt(perPage.value, 32) - pass.value * 1000) / (pass.value * 1000) < 0.01);
});
