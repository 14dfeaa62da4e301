/**
 * Seeded, named random streams.
 *
 * Every actor draws from its own stream, named by what it is and what the draws are for
 * (`streams.stream("vcpu", 3, "fault-interval")`). A stream's state depends only on the master seed and its name,
 * so adding an actor, or switching a policy that makes one actor draw more, does not shift any other actor's draws:
 * policy variants of one experiment share random numbers (common random numbers), and their differences are not
 * noise.
 *
 * Generator: xoshiro128** (Blackman and Vigna), 32-bit words, period 2^128 - 1; a stream's four words come from
 * SplitMix32-style mixing of the master seed and a 64-bit hash of the name. Doubles take 53 bits from two outputs.
 */

function mix32(x: number): number {
  // The 32-bit finaliser from MurmurHash3 (fmix32).
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Two independent 32-bit FNV-1a-style hashes of a string, finalised. */
function hashName(name: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return [mix32(a), mix32(b ^ name.length)];
}

const TWO_POW_32 = 4294967296;
const TWO_POW_24 = 16777216;

/*
 * Ziggurat tables for the standard exponential (Marsaglia and Tsang, 2000, "The Ziggurat Method for Generating
 * Random Variables", 256 layers). One 32-bit draw gives the layer (low 8 bits) and the position in it (high 24
 * bits, independent of the layer: Doornik's correction); 98.9% of draws need no logarithm or exponential.
 */
const ZIG_R = 7.69711747013105;
const ZIG_V = 3.949659822581572e-3;
const zigK = new Float64Array(256); // acceptance thresholds on the 24-bit position
const zigW = new Float64Array(256); // position -> value scale per layer
const zigF = new Float64Array(256); // exp(-x_i) at each layer edge
{
  let de = ZIG_R;
  let te = de;
  const q = ZIG_V / Math.exp(-de);
  zigK[0] = Math.floor((de / q) * TWO_POW_24);
  zigK[1] = 0;
  zigW[0] = q / TWO_POW_24;
  zigW[255] = de / TWO_POW_24;
  zigF[0] = 1;
  zigF[255] = Math.exp(-de);
  for (let i = 254; i >= 1; i--) {
    de = -Math.log(ZIG_V / de + Math.exp(-de));
    zigK[i + 1] = Math.floor((de / te) * TWO_POW_24);
    te = de;
    zigF[i] = Math.exp(-de);
    zigW[i] = de / TWO_POW_24;
  }
}
const TWO_POW_53_INV = 1 / 9007199254740992;

export class RandomStream {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal = NaN;

  constructor(
    readonly name: string,
    seedWords: readonly [number, number, number, number],
  ) {
    // Absorb the four seed words into two 32-bit chains, then squeeze four state words out of them by counter
    // (SplitMix-style), so that nearby seeds and similar names give unrelated states.
    let k1 = 0x243f6a88;
    let k2 = 0x85a308d3;
    for (const w of seedWords) {
      k1 = mix32(k1 ^ (w >>> 0));
      k2 = mix32((k2 + Math.imul(w >>> 0, 0x9e3779b1)) >>> 0);
    }
    const squeeze = (i: number) =>
      mix32((k1 + Math.imul(i + 1, 0x9e3779b9)) >>> 0) ^ mix32((k2 ^ Math.imul(i + 1, 0x7feb352d)) >>> 0);
    let a = squeeze(0);
    const b = squeeze(1);
    const c = squeeze(2);
    const d = squeeze(3);
    if ((a | b | c | d) === 0) a = 1;
    this.s0 = a >>> 0;
    this.s1 = b >>> 0;
    this.s2 = c >>> 0;
    this.s3 = d >>> 0;
  }

  /** Next uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2;
    const s3 = this.s3;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    this.s1 = s1 ^ n2;
    this.s0 = s0 ^ n3;
    this.s2 = n2 ^ t;
    this.s3 = (n3 << 11) | (n3 >>> 21);
    return result;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) * TWO_POW_53_INV;
  }

  /** Uniform on [min, max). */
  uniformRange(min: number, max: number): number {
    return min + (max - min) * this.uniform();
  }

  /** Uniform integer in [0, n), unbiased (Lemire's method with rejection). */
  integer(n: number): number {
    if (n <= TWO_POW_32) {
      const limit = TWO_POW_32 - (TWO_POW_32 % n);
      for (;;) {
        const x = this.nextUint32();
        if (x < limit) return x % n;
      }
    }
    return Math.floor(this.uniform() * n);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** Exponential with the given mean (ziggurat: exact distribution, a table look-up in the common case). */
  exponential(mean: number): number {
    const u = this.nextUint32();
    const iz = u & 255;
    const jz = u >>> 8;
    if (jz < zigK[iz]) return mean * jz * zigW[iz];
    return mean * this.exponentialTail(iz, jz);
  }

  /**
   * Math.round(exponential(mean)), a delay in whole units (ns) for the clock: the same draw, returned as an integer
   * so that a caller the JIT does not inline it into gets it unboxed (no allocation per draw).
   */
  exponentialRounded(mean: number): number {
    const u = this.nextUint32();
    const iz = u & 255;
    const jz = u >>> 8;
    if (jz < zigK[iz]) return Math.round(mean * jz * zigW[iz]);
    return Math.round(mean * this.exponentialTail(iz, jz));
  }

  private exponentialTail(iz: number, jz: number): number {
    for (;;) {
      if (iz === 0) return ZIG_R - Math.log(1 - this.uniform());
      const x = jz * zigW[iz];
      if (zigF[iz] + this.uniform() * (zigF[iz - 1] - zigF[iz]) < Math.exp(-x)) return x;
      const u = this.nextUint32();
      iz = u & 255;
      jz = u >>> 8;
      if (jz < zigK[iz]) return jz * zigW[iz];
    }
  }

  /** Standard normal (Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    const spare = this.spareNormal;
    if (spare === spare) {
      this.spareNormal = NaN;
      return spare;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Lognormal given its mean and coefficient of variation (sd / mean), the form published numbers come in. */
  lognormal(mean: number, cv: number): number {
    const sigma2 = Math.log(1 + cv * cv);
    const mu = Math.log(mean) - sigma2 / 2;
    return Math.exp(mu + Math.sqrt(sigma2) * this.normal());
  }
}

/** The family of streams for one replication: one master seed, any number of named streams. */
export class RandomStreams {
  private readonly seedHi: number;
  private readonly seedLo: number;

  constructor(readonly seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`seed must be a non-negative safe integer, got ${seed}`);
    }
    this.seedHi = Math.floor(seed / TWO_POW_32) >>> 0;
    this.seedLo = seed >>> 0;
  }

  /** The stream named by the parts, e.g. stream("vcpu", 3, "fault-interval"). Same name, same draws. */
  stream(...nameParts: Array<string | number>): RandomStream {
    const name = nameParts.join("/");
    const [h1, h2] = hashName(name);
    return new RandomStream(name, [
      this.seedLo ^ h1,
      this.seedHi ^ h2,
      mix32(this.seedLo + 0x632be59b),
      h1 ^ mix32(h2),
    ]);
  }
}
