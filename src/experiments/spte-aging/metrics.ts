/**
 * What the scenario measures after warm-up, in fixed memory: counts by owner and type, streaming histograms (opens,
 * direct-reclaim stalls), and periodic samples of the generation mix and of the true coldness of resident memory (a
 * per-second idle-time histogram, so a sample is O(resident pages) without sorting).
 */
import type { Lruvec } from "../../kernel/mm/mglru/lruvec";
import { MAX_NR_GENS } from "../../kernel/mm/mglru/constants";
import { Histogram } from "../../sim/stats/histogram";
import { GUEST, HOST } from "./layout";

export class Metrics {
  /** Pages read back (swap-ins from zram, page-cache misses), by owner. */
  refaults: [number, number] = [0, 0];
  /** Host refaults by type: anon (zram swap-ins) and file (page-cache reads). */
  hostAnonRefaults = 0;
  hostFileRefaults = 0;
  /** Stall of each allocation that entered direct reclaim (incl. throttling), ms, any task. */
  readonly directStallMs = new Histogram("directReclaimStallMs");
  /** Host tab opens: total time, and the part spent in direct reclaim, ns. */
  tabOpenNs = 0;
  tabOpenStallNs = 0;
  /** Tabs discarded by OOM kills, and opens of discarded tabs (reloads). */
  oomKills = 0;
  reloads = 0;
  evictions: [number, number] = [0, 0];
  /** Host file pages evicted (of evictions[HOST]), and their summed idle time at eviction (ns). */
  hostFileEvictions = 0;
  hostFileEvictIdleNs = 0;
  /** Anon pages evicted, by owner: what evictIdleNs / evictIdleMs describe. */
  anonEvictions: [number, number] = [0, 0];
  /** Sum of true idle time (ns) of evicted anon pages, by owner. */
  evictIdleNs: [number, number] = [0, 0];
  /** Tab opens (host) and app opens (guest): latency in us. */
  readonly openUs: [Histogram, Histogram] = [new Histogram("hostOpenUs"), new Histogram("guestOpenUs")];
  /** Idle time of evicted pages, ms, by owner (chart detail). */
  readonly evictIdleMs: [Histogram, Histogram] = [new Histogram("hostEvictIdleMs"), new Histogram("guestEvictIdleMs")];
  /** Sampled page counts by generation age (0 = max_seq) and owner: genAge[owner * MAX_NR_GENS + age]. */
  readonly genAge = new Float64Array(2 * MAX_NR_GENS);
  /** Sums over samples of the guest share of cold resident memory and of resident memory. */
  coldShareSum = 0;
  residentShareSum = 0;
  samples = 0;
  private idleCounts: Float64Array;

  constructor(maxIdleS: number) {
    this.idleCounts = new Float64Array(2 * (Math.ceil(maxIdleS) + 2));
  }

  /** The measurement window opens (sim.measure): everything recorded in the warm-up is forgotten. */
  reset(): void {
    this.refaults = [0, 0];
    this.hostAnonRefaults = 0;
    this.hostFileRefaults = 0;
    this.directStallMs.reset();
    this.tabOpenNs = 0;
    this.tabOpenStallNs = 0;
    this.oomKills = 0;
    this.reloads = 0;
    this.evictions = [0, 0];
    this.hostFileEvictions = 0;
    this.hostFileEvictIdleNs = 0;
    this.anonEvictions = [0, 0];
    this.evictIdleNs = [0, 0];
    for (const h of [...this.openUs, ...this.evictIdleMs]) h.reset();
    this.genAge.fill(0);
    this.coldShareSum = 0;
    this.residentShareSum = 0;
    this.samples = 0;
  }

  /** Adds the lruvec's generation mix (by owner class) to the running sample. */
  sampleGenerations(lv: Lruvec): void {
    for (let g = 0; g < MAX_NR_GENS; g++) {
      const seq = lv.seqOfGen(g);
      if (seq < lv.minSeq[0] || seq > lv.maxSeq) continue;
      const age = lv.maxSeq - seq;
      for (let o = HOST; o <= GUEST; o++) this.genAge[o * MAX_NR_GENS + age] += lv.sizeOfClass(g, o);
    }
  }

  /**
   * Samples coldness: among resident pages, the `coldFraction` with the longest idle time (1 s buckets, the
   * boundary bucket shared pro rata); adds the guest's share of them and of all resident pages.
   */
  sampleColdness(
    residentOf: Uint8Array,
    ownerOfSlot: Uint8Array,
    lastAccessNs: Float64Array,
    nowNs: number,
    coldFraction: number,
  ): void {
    const counts = this.idleCounts;
    counts.fill(0);
    const buckets = counts.length / 2;
    const last = buckets - 1;
    let resident = 0;
    let residentGuest = 0;
    const n = residentOf.length;
    for (let s = 0; s < n; s++) {
      if (residentOf[s] === 0) continue;
      const o = ownerOfSlot[s];
      let b = ((nowNs - lastAccessNs[s]) * 1e-9) | 0; // whole seconds idle (< 2^31 s)
      if (b > last) b = last;
      counts[o * buckets + b]++;
      resident++;
      residentGuest += o;
    }
    if (resident === 0) return;
    let want = coldFraction * resident;
    let cold = 0;
    let coldGuest = 0;
    for (let b = buckets - 1; b >= 0 && want > 0; b--) {
      const h = counts[b];
      const g = counts[buckets + b];
      const n = h + g;
      if (n === 0) continue;
      const take = Math.min(1, want / n);
      cold += n * take;
      coldGuest += g * take;
      want -= n * take;
    }
    this.coldShareSum += coldGuest / cold;
    this.residentShareSum += residentGuest / resident;
    this.samples++;
  }

  /** Mean generation age (0 = youngest) of an owner's resident pages over the samples. */
  meanGenAge(owner: number): number {
    let n = 0;
    let sum = 0;
    for (let a = 0; a < MAX_NR_GENS; a++) {
      n += this.genAge[owner * MAX_NR_GENS + a];
      sum += a * this.genAge[owner * MAX_NR_GENS + a];
    }
    return n > 0 ? sum / n : NaN;
  }

  /** An owner's pages by generation age as fractions (chart detail). */
  genAgeFractions(owner: number): number[] {
    const row = Array.from(this.genAge.subarray(owner * MAX_NR_GENS, (owner + 1) * MAX_NR_GENS));
    const n = row.reduce((a, b) => a + b, 0);
    return row.map((x) => (n > 0 ? x / n : NaN));
  }
}
