/**
 * One lruvec's multi-gen LRU as the mmu_lock experiment needs it: which generation each guest folio is in, max_seq
 * and min_seq, and the rules that decide when aging runs and what eviction takes. After mm/vmscan.c of Linux 6.6
 * (struct lru_gen_folio in include/linux/mmzone.h), read in torvalds/linux @538d5baacd8a (newer: int swappiness,
 * should_run_aging aiming at three generations, inc_max_seq(seq) that can fail) and in patch mails for the 6.6 forms:
 * - should_run_aging as Yu Zhao's "mm: multi-gen LRU: shuffle should_run_aging()"
 *   <20221201223923.873696-6-yuzhao@google.com> moved it (the 6.3-6.8 form): forced when only MIN_NR_GENS
 *   generations remain; none with four; with three, when the youngest holds more than half of all folios or the
 *   oldest less than a quarter;
 * - get_nr_to_scan as Kinsey Ho's "mm/mglru: improve should_run_aging()" <20240214060538.3524462-3-kinseyho@google.com>
 *   shows it before its no-functional-change refactor: aging only below DEF_PRIORITY (the model's reclaim is under
 *   pressure, so below it), and a caller that ages does not evict in that call;
 * - scan_folios' `get_nr_gens(lruvec, type) == MIN_NR_GENS` guard, isolating up to MIN_LRU_BATCH from min_seq;
 * - inc_max_seq: with MAX_NR_GENS live, inc_min_seq first moves the oldest generation's folios up one.
 *
 * Simplifications, for a lock-traffic model (the full MGLRU model is src/kernel/mm/mglru/, the fid001 helper's):
 * one type (anon) and one zone; list order within a generation is a rotating scan position, not a list tail; no
 * tiers; the guest memory is the only memory on the LRU; a folio evicted is refaulted at once (the guest touches it
 * again) and re-enters at max_seq, as folio_add_lru in a fault does (lru_gen_in_fault -> PG_active). A folio is
 * young at a check with a fixed probability (the guest touched it since its Accessed bit was last cleared).
 */
import { InvariantViolation } from "../../sim/invariant";
import type { RandomStream } from "../../sim/random";

/** MIN_NR_GENS, MAX_NR_GENS (include/linux/mmzone.h): two generations at least, four at most. */
export const MIN_NR_GENS = 2;
export const MAX_NR_GENS = 4;
/** MIN_LRU_BATCH = BITS_PER_LONG: what one scan_folios isolates at most; the look-around window's width. */
export const MIN_LRU_BATCH = 64;
/** MAX_LRU_BATCH: the most folios one scan_folios looks at. */
export const MAX_LRU_BATCH = MIN_LRU_BATCH * 64;
/** PTRS_PER_PTE with 4 KiB pages: the look-around window stays inside one PTE table. */
export const PTRS_PER_PTE = 512;

export function lru_gen_from_seq(seq: number): number {
  return seq % MAX_NR_GENS;
}

const ISOLATED = -1;
/** A slot that is not guest memory (padding to a PTE-table boundary): never on the LRU. */
const ABSENT = -2;

export class LruGenFolio {
  maxSeq = MAX_NR_GENS - 1;
  minSeq = 0;
  /**
   * Per folio: the sequence number of its generation, -1 while isolated by a reclaimer, -2 for no folio at all. A
   * folio whose seq fell below min_seq is in the oldest generation (inc_min_seq moves a whole generation up by
   * advancing min_seq, without touching each folio).
   */
  readonly seq: Float64Array;
  /** nr_pages[gen] of the live generations. */
  readonly nrPages = new Float64Array(MAX_NR_GENS);
  /** Where scan_folios looks next (stands in for the tail of min_seq's list). */
  private cursor = 0;
  /** Generations opened (inc_max_seq calls that succeeded). */
  generations = 0;

  constructor(readonly folios: number) {
    if (!(folios >= 1)) throw new RangeError(`LruGenFolio: need at least one folio, got ${folios}`);
    this.seq = new Float64Array(folios);
  }

  /**
   * A state from the middle of the cycle: MAX_NR_GENS generations of equal size (folio i in generation i % 4, so
   * every PTE table holds all four), of which `drained` generations' worth, oldest first, were already scanned and
   * moved to max_seq (0 <= drained < 2: from a fresh generation up to well past the point where aging is needed).
   */
  init(drained: number): void {
    if (!(drained >= 0 && drained < MAX_NR_GENS - 1)) throw new RangeError(`LruGenFolio.init: drained ${drained}`);
    this.nrPages.fill(0);
    const perGen = Math.ceil(this.folios / MAX_NR_GENS);
    const toMove = [Math.floor(Math.min(drained, 1) * perGen), Math.floor(Math.max(drained - 1, 0) * perGen)];
    const moved = [0, 0];
    for (let f = 0; f < this.folios; f++) {
      let g = f % MAX_NR_GENS;
      if (g < 2 && moved[g] < toMove[g]) {
        moved[g]++;
        g = MAX_NR_GENS - 1;
      }
      this.seq[f] = g;
      this.nrPages[g]++;
    }
    this.maxSeq = MAX_NR_GENS - 1;
    this.minSeq = 0;
    this.cursor = 0;
    this.tryToIncMinSeq();
  }

  get nrGens(): number {
    return this.maxSeq - this.minSeq + 1;
  }

  /** Folios on the LRU (not isolated). */
  get total(): number {
    let t = 0;
    for (let g = 0; g < MAX_NR_GENS; g++) t += this.nrPages[g];
    return t;
  }

  /** The generation (seq) folio f is in, or -1 when it is off the LRU. */
  seqOf(f: number): number {
    const s = this.seq[f];
    return s < 0 ? -1 : s < this.minSeq ? this.minSeq : s;
  }

  /**
   * should_run_aging (6.6, as above): whether to open a new generation before evicting. With MIN_NR_GENS eviction
   * is impossible; with MAX_NR_GENS there is no need; with three, aging keeps the youngest at most half and the
   * oldest at least a quarter of all folios.
   */
  should_run_aging(): boolean {
    if (this.minSeq + MIN_NR_GENS > this.maxSeq) return true;
    if (this.minSeq + MIN_NR_GENS < this.maxSeq) return false;
    let young = 0;
    let old = 0;
    let total = 0;
    for (let seq = this.minSeq; seq <= this.maxSeq; seq++) {
      const size = Math.max(this.nrPages[lru_gen_from_seq(seq)], 0);
      total += size;
      if (seq === this.maxSeq) young += size;
      else if (seq + MIN_NR_GENS === this.maxSeq) old += size;
    }
    if (young * MIN_NR_GENS > total) return true;
    if (old * (MIN_NR_GENS + 2) < total) return true;
    return false;
  }

  /**
   * inc_max_seq(lruvec, seq): fails for a stale seq; with MAX_NR_GENS live, inc_min_seq first moves the oldest
   * generation's folios into the next one; then max_seq + 1 opens an empty youngest generation.
   */
  inc_max_seq(seq: number): boolean {
    if (seq !== this.maxSeq) return false;
    if (this.nrGens === MAX_NR_GENS) {
      const oldGen = lru_gen_from_seq(this.minSeq);
      const newGen = lru_gen_from_seq(this.minSeq + 1);
      this.nrPages[newGen] += this.nrPages[oldGen];
      this.nrPages[oldGen] = 0;
      this.minSeq++;
    }
    this.maxSeq++;
    this.generations++;
    if (this.nrPages[lru_gen_from_seq(this.maxSeq)] !== 0) {
      throw new InvariantViolation("lru_gen", NaN, `generation ${this.maxSeq} opened non-empty`);
    }
    return true;
  }

  /** try_to_inc_min_seq: min_seq passes empty generations, keeping MIN_NR_GENS at least. */
  tryToIncMinSeq(): boolean {
    let moved = false;
    while (this.minSeq + MIN_NR_GENS <= this.maxSeq && this.nrPages[lru_gen_from_seq(this.minSeq)] <= 0) {
      this.minSeq++;
      moved = true;
    }
    return moved;
  }

  /**
   * scan_folios: isolates up to `batch` folios of min_seq into `out` (the rest of the generation stays), looking at
   * MAX_LRU_BATCH at most; none when only MIN_NR_GENS generations remain. Returns how many it isolated.
   */
  scan_folios(batch: number, out: Int32Array): number {
    if (this.nrGens === MIN_NR_GENS) return 0;
    const minGen = lru_gen_from_seq(this.minSeq);
    let isolated = 0;
    let looked = 0;
    while (isolated < batch && this.nrPages[minGen] > 0 && looked < this.folios) {
      const f = this.cursor;
      this.cursor = this.cursor + 1 === this.folios ? 0 : this.cursor + 1;
      looked++;
      const s = this.seq[f];
      if (s < 0 || s > this.minSeq) continue;
      this.seq[f] = ISOLATED;
      this.nrPages[minGen]--;
      out[isolated++] = f;
    }
    this.tryToIncMinSeq();
    return isolated;
  }

  /**
   * folio_update_gen / walk_update_folio: a young folio on the LRU moves to `seq`'s generation (a flag update). An
   * overtaken walker's `seq` may be older than min_seq by now: the folio then stays in the oldest generation (the
   * kernel would store the stale generation index, which some newer generation reuses).
   */
  promote(f: number, seq: number): void {
    const from = this.seqOf(f);
    if (from < 0) return;
    const to = seq < this.minSeq ? this.minSeq : seq;
    if (to === from) return;
    this.nrPages[lru_gen_from_seq(from)]--;
    this.nrPages[lru_gen_from_seq(to)]++;
    this.seq[f] = to;
  }

  /** An isolated folio goes back to the LRU at max_seq: referenced (PG_active), or evicted and refaulted at once. */
  putback(f: number): void {
    if (this.seq[f] !== ISOLATED) throw new InvariantViolation("lru_gen", NaN, `folio ${f} put back while on the LRU`);
    this.seq[f] = this.maxSeq;
    this.nrPages[lru_gen_from_seq(this.maxSeq)]++;
  }

  isolated(f: number): boolean {
    return this.seq[f] === ISOLATED;
  }

  /** Takes a slot off the LRU for good (no folio there). */
  absent(f: number): void {
    const s = this.seqOf(f);
    if (s >= 0) this.nrPages[lru_gen_from_seq(s)]--;
    this.seq[f] = ABSENT;
  }
}

/**
 * The look-around window of lru_gen_look_around (mm/vmscan.c @538d5baacd8a, with commit 1d4832becdc2): the folio's
 * PTE table clipped to the VMA [vmaStart, vmaEnd), then to MIN_LRU_BATCH entries around it. Returns [start, end).
 * Slots are page indices with PTE tables at multiples of PTRS_PER_PTE.
 */
export function lookAroundWindow(slot: number, vmaStart: number, vmaEnd: number): [number, number] {
  const tableStart = slot - (slot % PTRS_PER_PTE);
  let start = Math.max(tableStart, vmaStart);
  let end = Math.min(tableStart + PTRS_PER_PTE, vmaEnd);
  if (end - start > MIN_LRU_BATCH) {
    if (slot - start < MIN_LRU_BATCH / 2) end = start + MIN_LRU_BATCH;
    else if (end - slot < MIN_LRU_BATCH / 2) start = end - MIN_LRU_BATCH;
    else {
      start = slot - MIN_LRU_BATCH / 2;
      end = slot + MIN_LRU_BATCH / 2;
    }
  }
  return [start, end];
}

/** The guest touched the page since its Accessed bit was last cleared. */
export function young(stream: RandomStream, youngFraction: number): boolean {
  return youngFraction > 0 && (youngFraction >= 1 || stream.uniform() < youngFraction);
}

/**
 * Pages to skip before the next young one in a run of pages each young with probability `youngFraction` (a
 * geometric draw: the same distribution as one `young` draw per page, one draw per young page instead).
 */
export function pagesToNextYoung(stream: RandomStream, youngFraction: number): number {
  if (youngFraction <= 0) return Infinity;
  if (youngFraction >= 1) return 0;
  return Math.floor(Math.log(1 - stream.uniform()) / Math.log(1 - youngFraction));
}
