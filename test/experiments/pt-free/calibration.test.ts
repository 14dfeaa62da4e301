/**
 * The grace-period profiles against the published synchronize_rcu() latency
 * (lore:20260101163417.1065705-7-joelagnelf@nvidia.com). Tolerances: the calibrated statistic within 5% of the
 * published one; the published max inside the simulated upper tail (between our p95 and our max of 1,000 calls);
 * the idle floor of about 6 ms (two FQS scans).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  measureSynchronizeRcu,
  GRACE_PERIOD_PROFILE_SPECS,
} from "../../../src/experiments/pt-free/grace-period-profiles";
import { RandomStreams } from "../../../src/sim/random";

const SAMPLES = 1000;

test("idle profile: mean within 5% of the published 9.75 ms, min about 6 ms, published max 25.7 ms in our tail", () => {
  const pub = GRACE_PERIOD_PROFILE_SPECS.idle.published;
  const h = measureSynchronizeRcu("idle", new RandomStreams(1_000_001), SAMPLES);
  const meanMs = h.mean / 1e6;
  assert.ok(Math.abs(meanMs - pub.valueMs) <= 0.05 * pub.valueMs, `mean ${meanMs} ms vs ${pub.valueMs}`);
  assert.ok(h.min / 1e6 >= 6 && h.min / 1e6 <= 6.5, `min ${h.min / 1e6} ms`);
  assert.ok(
    h.quantile(0.95) / 1e6 <= pub.maxMs && pub.maxMs <= h.max / 1e6,
    `p95 ${h.quantile(0.95) / 1e6}, max ${h.max / 1e6} vs ${pub.maxMs}`,
  );
});

test("busy profile: median within 5% of the published 37 ms, published max 64 ms in our tail", () => {
  const pub = GRACE_PERIOD_PROFILE_SPECS.busy.published;
  const h = measureSynchronizeRcu("busy", new RandomStreams(1_000_002), SAMPLES);
  const p50 = h.quantile(0.5) / 1e6;
  assert.ok(Math.abs(p50 - pub.valueMs) <= 0.05 * pub.valueMs, `median ${p50} ms vs ${pub.valueMs}`);
  assert.ok(
    h.quantile(0.95) / 1e6 <= pub.maxMs && pub.maxMs <= h.max / 1e6,
    `p95 ${h.quantile(0.95) / 1e6}, max ${h.max / 1e6} vs ${pub.maxMs}`,
  );
});
