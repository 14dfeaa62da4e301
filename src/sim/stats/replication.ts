/**
 * Summaries across replications (independent seeds): mean and the half-width of a 95% confidence interval from
 * Student's t distribution.
 */

/** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom; beyond 30, a 1/df expansion. */
const T975 = [
  NaN,
  12.706,
  4.303,
  3.182,
  2.776,
  2.571,
  2.447,
  2.365,
  2.306,
  2.262,
  2.228,
  2.201,
  2.179,
  2.16,
  2.145,
  2.131,
  2.12,
  2.11,
  2.101,
  2.093,
  2.086,
  2.08,
  2.074,
  2.069,
  2.064,
  2.06,
  2.056,
  2.052,
  2.048,
  2.045,
  2.042,
];

export function tQuantile975(df: number): number {
  if (df < 1) return NaN;
  if (df <= 30) return T975[Math.floor(df)];
  // Cornish-Fisher style expansion around the normal quantile; within 0.001 of the table for df > 30.
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
}

export interface MeanCi {
  mean: number;
  /** Half-width of the 95% confidence interval (NaN with fewer than two finite values). */
  ci95: number;
  n: number;
  sd: number;
}

/** Mean and 95% CI half-width of the finite values in `xs` (NaN entries, e.g. empty quantiles, are skipped). */
export function meanCi95(xs: ArrayLike<number>): MeanCi {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (Number.isFinite(x)) {
      n++;
      sum += x;
    }
  }
  if (n === 0) return { mean: NaN, ci95: NaN, n: 0, sd: NaN };
  const mean = sum / n;
  if (n === 1) return { mean, ci95: NaN, n, sd: NaN };
  let ss = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (Number.isFinite(x)) ss += (x - mean) * (x - mean);
  }
  const sd = Math.sqrt(ss / (n - 1));
  return { mean, ci95: (tQuantile975(n - 1) * sd) / Math.sqrt(n), n, sd };
}

/** Mean and CI of paired differences a[i] - b[i]: the right test for variants run on common random numbers. */
export function pairedDifference(a: ArrayLike<number>, b: ArrayLike<number>): MeanCi {
  if (a.length !== b.length) throw new RangeError(`paired samples differ in length: ${a.length} vs ${b.length}`);
  const d = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) d[i] = a[i] - b[i];
  return meanCi95(d);
}
