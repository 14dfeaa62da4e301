import { test } from "node:test";
import assert from "node:assert/strict";
import { Histogram, RELATIVE_ERROR } from "../../src/sim/stats/histogram";
import { TimeWeighted } from "../../src/sim/stats/time-weighted";
import { meanCi95, pairedDifference, tQuantile975 } from "../../src/sim/stats/replication";
import { RandomStreams } from "../../src/sim/random";

test("histogram quantiles are within the stated relative error of the exact order statistics", () => {
  const h = new Histogram("lat");
  const s = new RandomStreams(1).stream("h");
  const xs: number[] = [];
  for (let i = 0; i < 100_000; i++) {
    const x = Math.round(s.lognormal(50_000, 2));
    xs.push(x);
    h.record(x);
  }
  xs.sort((a, b) => a - b);
  for (const q of [0.5, 0.9, 0.99, 0.999]) {
    const exact = xs[Math.ceil(q * xs.length) - 1];
    const got = h.quantile(q);
    assert.ok(Math.abs(got - exact) <= exact * RELATIVE_ERROR + 0.5, `q${q}: ${got} vs ${exact}`);
  }
  assert.equal(h.quantile(1), xs[xs.length - 1]);
  assert.equal(h.quantile(0), xs[0]);
  assert.equal(h.count, 100_000);
  assert.ok(Math.abs(h.mean - xs.reduce((a, b) => a + b, 0) / xs.length) < 1e-6 * h.mean);
});

test("small integers are exact; huge values are still bucketed", () => {
  const h = new Histogram();
  for (const v of [0, 1, 1, 2, 255]) h.record(v);
  assert.equal(h.quantile(0.5), 1);
  assert.equal(h.quantile(0.99), 255);
  h.record(3e15);
  assert.equal(h.max, 3e15);
  assert.throws(() => h.record(-1), /values must be >= 0/);
  assert.throws(() => h.record(NaN), /values must be >= 0/);
});

test("histogram merge equals recording everything in one", () => {
  const a = new Histogram();
  const b = new Histogram();
  const all = new Histogram();
  for (let i = 0; i < 1000; i++) {
    (i % 2 ? a : b).record(i * 37);
    all.record(i * 37);
  }
  a.merge(b);
  assert.deepEqual(a.summary(), all.summary());
  assert.deepEqual(a.cdf(), all.cdf());
});

test("time-weighted mean and peak", () => {
  const tw = new TimeWeighted("queue", 0, 0);
  tw.set(10, 2); // 0 for 10 ns
  tw.set(20, 4); // 2 for 10 ns
  tw.set(40, 0); // 4 for 20 ns
  assert.equal(tw.mean(50), (0 * 10 + 2 * 10 + 4 * 20 + 0 * 10) / 50);
  assert.equal(tw.peak, 4);
  assert.throws(() => tw.set(30, 1), /time went backwards/);
});

test("t quantiles and confidence intervals", () => {
  assert.equal(tQuantile975(1), 12.706);
  assert.equal(tQuantile975(30), 2.042);
  assert.ok(Math.abs(tQuantile975(60) - 2.0003) < 0.002);
  assert.ok(Math.abs(tQuantile975(1e6) - 1.96) < 0.001);
  const s = meanCi95([1, 2, 3, 4, 5]);
  assert.equal(s.mean, 3);
  assert.ok(Math.abs(s.ci95 - (2.776 * Math.sqrt(2.5)) / Math.sqrt(5)) < 1e-9);
  assert.ok(Number.isNaN(meanCi95([4]).ci95));
  assert.equal(meanCi95([1, NaN, 3]).n, 2);
  const d = pairedDifference([10, 12, 14], [9, 11, 13]);
  assert.equal(d.mean, 1);
  assert.equal(d.ci95, 0);
});

test("95% intervals cover the true mean about 95% of the time", () => {
  const s = new RandomStreams(77).stream("cov");
  let covered = 0;
  const trials = 2000;
  for (let t = 0; t < trials; t++) {
    const xs = Array.from({ length: 5 }, () => s.normal() * 3 + 10);
    const { mean, ci95 } = meanCi95(xs);
    if (Math.abs(mean - 10) <= ci95) covered++;
  }
  assert.ok(covered / trials > 0.93 && covered / trials < 0.97, `coverage ${covered / trials}`);
});
