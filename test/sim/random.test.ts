import { test } from "node:test";
import assert from "node:assert/strict";
import { RandomStreams } from "../../src/sim/random";
import { sampler, durationSampler, validateDistribution, type Distribution } from "../../src/sim/distributions";

const draw = (seed: number, name: string, n: number) => {
  const s = new RandomStreams(seed).stream(name);
  return Array.from({ length: n }, () => s.uniform());
};

test("same seed and name give the same draws; other seeds or names differ", () => {
  assert.deepEqual(draw(7, "vcpu/1/fault", 50), draw(7, "vcpu/1/fault", 50));
  assert.notDeepEqual(draw(7, "vcpu/1/fault", 50), draw(8, "vcpu/1/fault", 50));
  assert.notDeepEqual(draw(7, "vcpu/1/fault", 50), draw(7, "vcpu/2/fault", 50));
});

test("a stream's draws do not depend on which other streams exist or were used (common random numbers)", () => {
  const a = new RandomStreams(3);
  const alone = a.stream("reclaimer", 0, "aging");
  const x1 = Array.from({ length: 20 }, () => alone.uniform());
  const b = new RandomStreams(3);
  const other = b.stream("reclaimer", 1, "aging");
  for (let i = 0; i < 1000; i++) other.uniform();
  const again = b.stream("reclaimer", 0, "aging");
  assert.deepEqual(
    Array.from({ length: 20 }, () => again.uniform()),
    x1,
  );
  assert.equal(again.name, "reclaimer/0/aging");
});

test("uniform draws are in [0, 1) and pass a coarse equidistribution check", () => {
  const s = new RandomStreams(11).stream("u");
  const bins = new Array(16).fill(0);
  const n = 160_000;
  for (let i = 0; i < n; i++) {
    const u = s.uniform();
    assert.ok(u >= 0 && u < 1);
    bins[Math.floor(u * 16)]++;
  }
  // Chi-square with 15 degrees of freedom: 99.9th percentile is 37.7.
  const chi2 = bins.reduce((a, c) => a + (c - n / 16) ** 2 / (n / 16), 0);
  assert.ok(chi2 < 37.7, `chi2 ${chi2}`);
});

test("nearby seeds give uncorrelated streams", () => {
  const a = draw(100, "x", 20_000);
  const b = draw(101, "x", 20_000);
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(a);
  const mb = mean(b);
  let cov = 0;
  for (let i = 0; i < a.length; i++) cov += (a[i] - ma) * (b[i] - mb);
  const corr = cov / a.length / (1 / 12);
  assert.ok(Math.abs(corr) < 0.03, `correlation ${corr}`);
});

function moments(d: Distribution, n = 200_000, seed = 5) {
  const s = sampler(d, new RandomStreams(seed).stream("m"));
  let m = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const x = s.sample();
    m += x;
    m2 += x * x;
  }
  m /= n;
  return { mean: m, variance: m2 / n - m * m, declaredMean: s.mean };
}

test("exponential (ziggurat) has the right mean, variance and tail", () => {
  const { mean, variance } = moments({ kind: "exponential", mean: 250 });
  assert.ok(Math.abs(mean / 250 - 1) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(variance / 250 ** 2 - 1) < 0.03, `variance ${variance}`);
  const s = new RandomStreams(9).stream("tail");
  const n = 1_000_000;
  let over3 = 0;
  let over8 = 0;
  for (let i = 0; i < n; i++) {
    const x = s.exponential(1);
    if (x > 3) over3++;
    if (x > 8) over8++;
  }
  assert.ok(Math.abs(over3 / n / Math.exp(-3) - 1) < 0.03, `P(X>3) ${over3 / n}`);
  assert.ok(Math.abs(over8 / n / Math.exp(-8) - 1) < 0.25, `P(X>8) ${over8 / n}`);
});

test("uniform, constant, lognormal, bernoulli means", () => {
  assert.ok(Math.abs(moments({ kind: "uniform", min: 10, max: 30 }).mean - 20) < 0.1);
  assert.equal(moments({ kind: "constant", value: 7 }, 10).mean, 7);
  const ln = moments({ kind: "lognormal", mean: 1000, cv: 0.5 });
  assert.ok(Math.abs(ln.mean / 1000 - 1) < 0.01, `lognormal mean ${ln.mean}`);
  assert.ok(Math.abs(Math.sqrt(ln.variance) / 1000 / 0.5 - 1) < 0.05, `lognormal cv ${Math.sqrt(ln.variance) / 1000}`);
  assert.ok(Math.abs(moments({ kind: "bernoulli", p: 0.3 }).mean - 0.3) < 0.005);
});

test("empirical draws follow the weights", () => {
  const s = sampler({ kind: "empirical", values: [1, 2, 3], weights: [1, 2, 7] }, new RandomStreams(2).stream("e"));
  const counts = new Map<number, number>();
  const n = 100_000;
  for (let i = 0; i < n; i++) {
    const v = s.sample();
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  assert.ok(Math.abs(counts.get(1)! / n - 0.1) < 0.005);
  assert.ok(Math.abs(counts.get(3)! / n - 0.7) < 0.005);
  assert.ok(Math.abs(s.mean - 2.6) < 1e-12);
});

test("zipf ranks follow k^-s", () => {
  const n = 200_000;
  const s = sampler({ kind: "zipf", n: 100, s: 1.2 }, new RandomStreams(4).stream("z"));
  const counts = new Array(101).fill(0);
  for (let i = 0; i < n; i++) counts[s.sample()]++;
  let h = 0;
  for (let k = 1; k <= 100; k++) h += Math.pow(k, -1.2);
  for (const k of [1, 2, 10]) {
    const expected = Math.pow(k, -1.2) / h;
    assert.ok(Math.abs(counts[k] / n / expected - 1) < 0.05, `rank ${k}: ${counts[k] / n} vs ${expected}`);
  }
  assert.equal(counts[0], 0);
});

test("duration samplers round to integer nanoseconds", () => {
  const s = durationSampler({ kind: "exponential", mean: 10 }, new RandomStreams(1).stream("d"));
  for (let i = 0; i < 1000; i++) assert.ok(Number.isInteger(s.sample()));
});

test("bad distributions are rejected naming the field", () => {
  assert.throws(() => validateDistribution({ kind: "exponential", mean: -1 }), /exponential mean must be > 0/);
  assert.throws(() => validateDistribution({ kind: "uniform", min: 5, max: 1 }), /min <= max/);
  assert.throws(
    () => validateDistribution({ kind: "empirical", values: [1], weights: [1, 2] }),
    /weights \(2\) must match values \(1\)/,
  );
  assert.throws(() => new RandomStreams(-1), /seed must be a non-negative safe integer/);
});
