/**
 * A log-linear histogram (HdrHistogram's bucketing) for streaming quantiles in bounded memory.
 *
 * Values 0 <= v < 2^SUB_BITS fall in unit buckets (exact for integers). Above that, each power of two is split into
 * 2^(SUB_BITS-1) equal buckets, so a bucket's width is at most v / 2^(SUB_BITS-1) and a quantile, reported at its
 * bucket's midpoint, is within RELATIVE_ERROR of a value that was recorded at that rank. min, max, count and sum are
 * exact. Memory is fixed (7,296 buckets, 57 KiB) whatever the number of records or simulated time.
 */
const SUB_BITS = 8;
const SUB_COUNT = 1 << SUB_BITS; // 256 unit buckets below 256
const HALF = SUB_COUNT >> 1; // 128 buckets per power of two above
const MAX_EXP = 62; // values up to 2^62 (ns: 146 years)
const BUCKETS = SUB_COUNT + (MAX_EXP - SUB_BITS + 1) * HALF;
/** POW2[k] = 2^k, so the hot path divides by a table entry instead of calling Math.pow. */
const POW2 = Float64Array.from({ length: 64 }, (_, k) => Math.pow(2, k));

/** Largest relative difference between a reported quantile and the recorded value at that rank. */
export const RELATIVE_ERROR = 1 / (2 * HALF); // 0.39 %

export interface QuantileSummary {
  count: number;
  mean: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  constructor(readonly name = "histogram") {}

  /** Records one value (>= 0; a unit such as ns is the caller's, carried in the name). */
  record(v: number): void {
    if (!(v >= 0)) throw new RangeError(`${this.name}: cannot record ${v} (values must be >= 0)`);
    this.counts[bucketOf(v)]++;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  /** Records `n` copies of `v`. */
  recordMany(v: number, n: number): void {
    if (n <= 0) return;
    if (!(v >= 0)) throw new RangeError(`${this.name}: cannot record ${v} (values must be >= 0)`);
    this.counts[bucketOf(v)] += n;
    this.count += n;
    this.sum += v * n;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  get mean(): number {
    return this.count > 0 ? this.sum / this.count : NaN;
  }

  /** The q-quantile (0 <= q <= 1), NaN when empty. q = 1 gives the exact max, q = 0 the exact min. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    if (q <= 0) return this.min;
    if (q >= 1) return this.max;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    const counts = this.counts;
    for (let i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank) {
        const v = bucketMid(i);
        return v < this.min ? this.min : v > this.max ? this.max : v;
      }
    }
    return this.max;
  }

  summary(): QuantileSummary {
    return {
      count: this.count,
      mean: this.mean,
      min: this.count ? this.min : NaN,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p99: this.quantile(0.99),
      p999: this.quantile(0.999),
      max: this.count ? this.max : NaN,
    };
  }

  /** Fraction of records <= x (for CDFs). */
  cdfAt(x: number): number {
    if (this.count === 0) return NaN;
    const b = bucketOf(Math.max(0, x));
    let seen = 0;
    for (let i = 0; i <= b; i++) seen += this.counts[i];
    return seen / this.count;
  }

  /** The empirical CDF as (value, fraction) points at each non-empty bucket's upper edge, for charts. */
  cdf(): Array<{ value: number; fraction: number }> {
    const out: Array<{ value: number; fraction: number }> = [];
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      const c = this.counts[i];
      if (c === 0) continue;
      seen += c;
      out.push({ value: Math.min(this.max, bucketHigh(i)), fraction: seen / this.count });
    }
    return out;
  }

  /** Adds another histogram's records into this one. */
  merge(other: Histogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i];
    this.count += other.count;
    this.sum += other.sum;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }
}

function bucketOf(v: number): number {
  if (v < SUB_COUNT) return Math.floor(v);
  // e = floor(log2 v) >= SUB_BITS; clz32 is exact below 2^32, Math.log2 is used above (rare: > 4.3 s in ns).
  const e = v < 4294967296 ? 31 - Math.clz32(v) : Math.min(MAX_EXP, Math.floor(Math.log2(v)));
  const sub = Math.floor(v / POW2[e - SUB_BITS + 1]) - HALF; // 0..HALF-1
  return SUB_COUNT + (e - SUB_BITS) * HALF + (sub < HALF ? sub : HALF - 1);
}

function bucketLow(i: number): number {
  if (i < SUB_COUNT) return i;
  const j = i - SUB_COUNT;
  const e = SUB_BITS + Math.floor(j / HALF);
  const sub = j % HALF;
  return (HALF + sub) * POW2[e - SUB_BITS + 1];
}

function bucketHigh(i: number): number {
  if (i < SUB_COUNT) return i + 1;
  return bucketLow(i + 1);
}

function bucketMid(i: number): number {
  if (i < SUB_COUNT) return i;
  return (bucketLow(i) + bucketHigh(i)) / 2;
}
