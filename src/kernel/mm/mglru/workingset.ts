/**
 * MGLRU's refault tracking (mm/workingset.c, Linux 6.6: lru_gen_eviction, lru_gen_test_recent, lru_gen_refault).
 * Read in the 6.6.8 tree of syslab-CAU/ScaleSwap @83341de3 (linux-6.6.8/mm/workingset.c), which matches the 6.6
 * text quoted in the fidelity review; torvalds/linux @538d5baa carries Yu Zhao's later rework (Dec 2024,
 * "mm/mglru: rework refault detection"): recent = abs_diff(max_seq, token) < MAX_NR_GENS. This file follows 6.6.
 *
 * At eviction the shadow entry records the type's min_seq and the folio's refs (token = min_seq << LRU_REFS_WIDTH
 * | max(refs - 1, 0), with the workingset bit = refs != 0; storing refs itself is the same information), and the
 * evicted counter of the folio's tier grows. At refault, lru_gen_test_recent (6.6) calls the refault recent only if
 * the token equals the *current* min_seq of its type: the folio came back before the generation it was evicted from
 * was retired. Every refault counts as WORKINGSET_REFAULT; a recent one adds to the PID controller's refaulted
 * counter of its tier (WORKINGSET_ACTIVATE), and, if it refaulted in a page fault (lru_gen_in_fault) or had been
 * accessed through fds at least 3 more times (refs >= BIT(LRU_REFS_WIDTH) - 1), gets LRU_REFS_MASK and PG_workingset
 * set (WORKINGSET_RESTORE): refs 4, tier 3, which sort_folio always protects once (refs == BIT(LRU_REFS_WIDTH)).
 * Counters per accounting class.
 */
import { LRU_REFS_MAX, lru_tier_from_refs, MAX_NR_TIERS } from "./constants";
import { PG_workingset, type Lruvec } from "./lruvec";
import { folio_lru_refs } from "./tiers";

export class Workingset {
  /** The shadow token per folio: min_seq[type] at its eviction, -1 if none. */
  readonly shadow: Int32Array;
  /** folio_lru_refs at eviction (0..4), the rest of the token. */
  readonly shadowRefs: Uint8Array;
  /** WORKINGSET_REFAULT per class. */
  readonly refaults: Float64Array;
  /** WORKINGSET_ACTIVATE per class: refaults lru_gen_test_recent calls recent. */
  readonly activates: Float64Array;
  /** WORKINGSET_RESTORE per class: recent refaults given refs 4 (tier 3). */
  readonly restores: Float64Array;

  constructor(folios: number, classes = 1) {
    this.shadow = new Int32Array(folios).fill(-1);
    this.shadowRefs = new Uint8Array(folios);
    this.refaults = new Float64Array(classes);
    this.activates = new Float64Array(classes);
    this.restores = new Float64Array(classes);
  }

  /** lru_gen_eviction: the shadow of a folio leaving memory, and its tier's evicted count. */
  lru_gen_eviction(lv: Lruvec, folio: number): void {
    const type = lv.type[folio];
    const refs = folio_lru_refs(lv, folio);
    this.shadow[folio] = lv.minSeq[type];
    this.shadowRefs[folio] = refs;
    lv.evicted[type * MAX_NR_TIERS + lru_tier_from_refs(refs)]++;
  }

  /** lru_gen_test_recent (6.6): the token is the type's current min_seq. */
  lru_gen_test_recent(lv: Lruvec, folio: number): boolean {
    const token = this.shadow[folio];
    return token >= 0 && token === lv.minSeq[lv.type[folio]];
  }

  /**
   * lru_gen_refault: counts the refault of `folio` (class `klass`), which the caller has just brought back (before it
   * is added to the LRU, as workingset_refault runs from filemap_add_folio / swap-in); returns whether it was recent.
   * `inFault`: lru_gen_in_fault(), i.e. the refault happens in a page fault (swap-in, or a mapped file's fault),
   * not in read().
   */
  lru_gen_refault(lv: Lruvec, folio: number, klass: number, inFault: boolean): boolean {
    if (this.shadow[folio] < 0) return false; // first fault, not a refault
    const recent = this.lru_gen_test_recent(lv, folio);
    const refs = this.shadowRefs[folio];
    this.shadow[folio] = -1;
    this.refaults[klass]++;
    if (!recent) return false;
    const type = lv.type[folio];
    lv.refaulted[type * MAX_NR_TIERS + lru_tier_from_refs(refs)]++;
    this.activates[klass]++;
    if (inFault || refs >= LRU_REFS_MAX) {
      lv.refs[folio] = LRU_REFS_MAX;
      lv.flags[folio] |= PG_workingset;
      this.restores[klass]++;
    }
    return true;
  }

  /** Drops a shadow (the page's owner went away: an OOM kill frees its swap slots). */
  forget(folio: number): void {
    this.shadow[folio] = -1;
  }

  resetCounters(): void {
    this.refaults.fill(0);
    this.activates.fill(0);
    this.restores.fill(0);
  }
}
