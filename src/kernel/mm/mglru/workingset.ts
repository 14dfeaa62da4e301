/**
 * MGLRU's refault tracking (mm/workingset.c, Linux 6.6: lru_gen_eviction, lru_gen_refault, lru_gen_test_recent).
 *
 * At eviction the shadow entry left in the swap slot records min_seq (and the folio's refs, always 0 here: no tiers).
 * At refault, lru_gen_test_recent calls the refault recent if max_seq has moved less than MAX_NR_GENS since that
 * min_seq: the folio came back while pages it had been evicted ahead of may still be resident, i.e. it was evicted
 * too early (WORKINGSET_ACTIVATE). Every refault counts as WORKINGSET_REFAULT. Counters are per accounting class.
 */
import { MAX_NR_GENS } from "./constants";

export class Workingset {
  /** The shadow token per folio: min_seq at its eviction, -1 if none. */
  readonly shadow: Int32Array;
  /** WORKINGSET_REFAULT per class. */
  readonly refaults: Float64Array;
  /** WORKINGSET_ACTIVATE per class: refaults lru_gen_test_recent calls recent. */
  readonly activates: Float64Array;

  constructor(folios: number, classes = 1) {
    this.shadow = new Int32Array(folios).fill(-1);
    this.refaults = new Float64Array(classes);
    this.activates = new Float64Array(classes);
  }

  /** lru_gen_eviction: the shadow of a folio leaving memory. */
  lru_gen_eviction(folio: number, minSeq: number): void {
    this.shadow[folio] = minSeq;
  }

  /** lru_gen_test_recent: evicted less than MAX_NR_GENS generations ago. */
  lru_gen_test_recent(folio: number, maxSeq: number): boolean {
    const token = this.shadow[folio];
    return token >= 0 && Math.abs(maxSeq - token) < MAX_NR_GENS;
  }

  /** lru_gen_refault: counts the refault of `folio` (class `klass`); returns whether it was recent. */
  lru_gen_refault(folio: number, klass: number, maxSeq: number): boolean {
    if (this.shadow[folio] < 0) return false; // first fault, not a refault
    const recent = this.lru_gen_test_recent(folio, maxSeq);
    this.shadow[folio] = -1;
    this.refaults[klass]++;
    if (recent) this.activates[klass]++;
    return recent;
  }

  resetCounters(): void {
    this.refaults.fill(0);
    this.activates.fill(0);
  }
}
