/**
 * Distributions as plain data (so they can be parameters, serialised to workers and shown in notebooks), and
 * samplers that draw from them on a named stream.
 */
import type { RandomStream } from "./random";

export type Distribution =
  | { kind: "constant"; value: number }
  | { kind: "uniform"; min: number; max: number }
  | { kind: "exponential"; mean: number }
  /** Lognormal by its mean and coefficient of variation (sd / mean). */
  | { kind: "lognormal"; mean: number; cv: number }
  /** Values with weights (equal weights if omitted); drawn by Vose's alias method in O(1). */
  | { kind: "empirical"; values: number[]; weights?: number[] }
  /** Zipf over ranks 1..n with exponent s (rank k has weight k^-s). */
  | { kind: "zipf"; n: number; s: number }
  /** 1 with probability p, else 0. */
  | { kind: "bernoulli"; p: number };

export interface Sampler {
  sample(): number;
  /** The distribution's mean (exact where it has a closed form). */
  readonly mean: number;
}

export const constant = (value: number): Distribution => ({ kind: "constant", value });
export const uniform = (min: number, max: number): Distribution => ({ kind: "uniform", min, max });
export const exponential = (mean: number): Distribution => ({ kind: "exponential", mean });
export const lognormal = (mean: number, cv: number): Distribution => ({ kind: "lognormal", mean, cv });
export const empirical = (values: number[], weights?: number[]): Distribution => ({
  kind: "empirical",
  values,
  weights,
});
export const zipf = (n: number, s: number): Distribution => ({ kind: "zipf", n, s });
export const bernoulli = (p: number): Distribution => ({ kind: "bernoulli", p });

/** Checks a distribution's fields, throwing a RangeError that names the offending field. */
export function validateDistribution(d: Distribution, label = "distribution"): void {
  const need = (ok: boolean, msg: string) => {
    if (!ok) throw new RangeError(`${label}: ${msg}`);
  };
  const finite = (x: unknown) => typeof x === "number" && Number.isFinite(x);
  switch (d.kind) {
    case "constant":
      need(finite(d.value) && d.value >= 0, `constant value must be a finite number >= 0, got ${d.value}`);
      break;
    case "uniform":
      need(
        finite(d.min) && finite(d.max) && 0 <= d.min && d.min <= d.max,
        `uniform needs 0 <= min <= max, got [${d.min}, ${d.max}]`,
      );
      break;
    case "exponential":
      need(finite(d.mean) && d.mean > 0, `exponential mean must be > 0, got ${d.mean}`);
      break;
    case "lognormal":
      need(finite(d.mean) && d.mean > 0, `lognormal mean must be > 0, got ${d.mean}`);
      need(finite(d.cv) && d.cv > 0, `lognormal cv must be > 0, got ${d.cv}`);
      break;
    case "empirical":
      need(
        Array.isArray(d.values) && d.values.length > 0 && d.values.every(finite),
        "empirical values must be a non-empty list of numbers",
      );
      if (d.weights) {
        need(
          d.weights.length === d.values.length,
          `empirical weights (${d.weights.length}) must match values (${d.values.length})`,
        );
        need(
          d.weights.every((w) => finite(w) && w >= 0) && d.weights.some((w) => w > 0),
          "empirical weights must be >= 0, not all zero",
        );
      }
      break;
    case "zipf":
      need(Number.isInteger(d.n) && d.n >= 1, `zipf n must be an integer >= 1, got ${d.n}`);
      need(finite(d.s) && d.s > 0, `zipf exponent s must be > 0, got ${d.s}`);
      break;
    case "bernoulli":
      need(finite(d.p) && d.p >= 0 && d.p <= 1, `bernoulli p must be in [0, 1], got ${d.p}`);
      break;
    default:
      throw new RangeError(`${label}: unknown kind '${(d as { kind: string }).kind}'`);
  }
}

/** A sampler for `d` drawing from `stream`. */
export function sampler(d: Distribution, stream: RandomStream): Sampler {
  validateDistribution(d);
  switch (d.kind) {
    case "constant":
      return { sample: () => d.value, mean: d.value };
    case "uniform":
      return { sample: () => d.min + (d.max - d.min) * stream.uniform(), mean: (d.min + d.max) / 2 };
    case "exponential": {
      const m = d.mean;
      return { sample: () => -m * Math.log(1 - stream.uniform()), mean: m };
    }
    case "lognormal":
      return { sample: () => stream.lognormal(d.mean, d.cv), mean: d.mean };
    case "empirical":
      return new AliasSampler(d.values, d.weights ?? d.values.map(() => 1), stream);
    case "zipf":
      return new ZipfSampler(d.n, d.s, stream);
    case "bernoulli":
      return { sample: () => (stream.uniform() < d.p ? 1 : 0), mean: d.p };
  }
}

/** A sampler of durations in integer nanoseconds (draws rounded to the nearest ns, never negative). */
export function durationSampler(d: Distribution, stream: RandomStream): Sampler {
  const s = sampler(d, stream);
  return { sample: () => Math.round(s.sample()), mean: s.mean };
}

/** Vose's alias method: O(n) set-up, O(1) draws. */
class AliasSampler implements Sampler {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;
  readonly mean: number;

  constructor(
    private readonly values: number[],
    weights: number[],
    private readonly stream: RandomStream,
  ) {
    const n = values.length;
    const total = weights.reduce((a, b) => a + b, 0);
    this.mean = values.reduce((a, v, i) => a + (v * weights[i]) / total, 0);
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = weights.map((w) => (w * n) / total);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
    while (small.length && large.length) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.prob[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      (scaled[l] < 1 ? small : large).push(l);
    }
    for (const i of large) this.prob[i] = 1;
    for (const i of small) this.prob[i] = 1;
  }

  sample(): number {
    const i = this.stream.integer(this.values.length);
    return this.stream.uniform() < this.prob[i] ? this.values[i] : this.values[this.alias[i]];
  }
}

/**
 * Zipf by rejection-inversion (Hoermann and Derflinger, 1996), as in Apache Commons RNG's
 * RejectionInversionZipfSampler: O(1) per draw with no table, for any n.
 */
class ZipfSampler implements Sampler {
  private readonly hIntegralX1: number;
  private readonly hIntegralN: number;
  private readonly sDiff: number;
  readonly mean: number;

  constructor(
    private readonly n: number,
    private readonly s: number,
    private readonly stream: RandomStream,
  ) {
    this.hIntegralX1 = this.hIntegral(1.5) - 1;
    this.hIntegralN = this.hIntegral(n + 0.5);
    this.sDiff = 2 - this.hIntegralInverse(this.hIntegral(2.5) - this.h(2));
    let num = 0;
    let den = 0;
    // Exact mean for moderate n; beyond that, a sum over the first million ranks is within rounding for s > 1.
    const lim = Math.min(n, 1_000_000);
    for (let k = 1; k <= lim; k++) {
      const w = Math.pow(k, -s);
      num += k * w;
      den += w;
    }
    this.mean = num / den;
  }

  sample(): number {
    for (;;) {
      const u = this.hIntegralN + this.stream.uniform() * (this.hIntegralX1 - this.hIntegralN);
      const x = this.hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > this.n) k = this.n;
      if (k - x <= this.sDiff || u >= this.hIntegral(k + 0.5) - this.h(k)) return k;
    }
  }

  private h(x: number): number {
    return Math.exp(-this.s * Math.log(x));
  }

  private hIntegral(x: number): number {
    const logX = Math.log(x);
    return helper2((1 - this.s) * logX) * logX;
  }

  private hIntegralInverse(x: number): number {
    let t = x * (1 - this.s);
    if (t < -1) t = -1;
    return Math.exp(helper1(t) * x);
  }
}

/** log(1 + x) / x, accurate near 0. */
function helper1(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}

/** (exp(x) - 1) / x, accurate near 0. */
function helper2(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + (x / 3) * (1 + 0.25 * x));
}
