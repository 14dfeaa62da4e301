/**
 * One lruvec's multi-gen LRU (struct lru_gen_folio in include/linux/mmzone.h; list and size updates from
 * include/linux/mm_inline.h and mm/vmscan.c, Linux 6.6), for the anon type only.
 *
 * Only anon folios are modelled (renderer heaps and the VM's guest RAM are both swap-backed), so there is one
 * min_seq: with no file folios, min_seq[LRU_GEN_FILE] would trail max_seq - 1 and never bind. Tiers are not
 * modelled: every access here goes through page tables, which leave a folio in tier 0 (refs come only from
 * file-descriptor accesses), so sort_folio's "protected" branch never fires. One zone.
 *
 * Columns, indexed by folio (= PTE slot, see address-space.ts):
 * - gen: the generation in the folio's flags (gen+1 in LRU_GEN_MASK), -1 when off the LRU (not resident);
 * - list: the generation list the folio is physically on. The walk only rewrites the flag (folio_update_gen), so the
 *   two differ until sort_folio or inc_min_seq re-files the folio: that lag is the kernel's, and it decides when
 *   min_seq can advance (try_to_inc_min_seq looks at list emptiness).
 * Lists are circular and doubly linked through next/prev; the sentinel of generation g is node slots + g. The head
 * side (sentinel.next) is where list_add puts folios; the tail (sentinel.prev) is what lru_to_folio() takes next.
 */
import { InvariantViolation } from "../../../sim/invariant";
import { lru_gen_from_seq, MAX_NR_GENS, MIN_NR_GENS } from "./constants";

export class Lruvec {
  /** max_seq: the youngest generation's sequence number. */
  maxSeq = MIN_NR_GENS - 1;
  /** min_seq[LRU_GEN_ANON]: the oldest generation's. */
  minSeq = 0;
  /** timestamps[gen]: birth time (ns) of each generation, stamped by inc_max_seq. */
  readonly timestamps = new Float64Array(MAX_NR_GENS);
  /** nr_pages[gen] by the flag (what should_run_aging reads), split by an accounting class (e.g. host/guest). */
  readonly nrPages: Float64Array;
  readonly gen: Int8Array;
  readonly list: Int8Array;
  /** Accounting class per folio (0..classes-1), for statistics only: the kernel does not look at it. */
  readonly klass: Uint8Array;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly listLen = new Float64Array(MAX_NR_GENS);

  constructor(
    readonly folios: number,
    readonly classes = 1,
    private readonly now: () => number = () => 0,
  ) {
    this.gen = new Int8Array(folios).fill(-1);
    this.list = new Int8Array(folios).fill(-1);
    this.klass = new Uint8Array(folios);
    this.next = new Int32Array(folios + MAX_NR_GENS);
    this.prev = new Int32Array(folios + MAX_NR_GENS);
    this.nrPages = new Float64Array(MAX_NR_GENS * classes);
    for (let g = 0; g < MAX_NR_GENS; g++) {
      const s = folios + g;
      this.next[s] = s;
      this.prev[s] = s;
    }
    for (let s = this.minSeq; s <= this.maxSeq; s++) this.timestamps[lru_gen_from_seq(s)] = this.now();
  }

  /** Number of generations alive: get_nr_gens. */
  get nrGens(): number {
    return this.maxSeq - this.minSeq + 1;
  }

  /** Pages whose flag says generation `gen`, all classes. */
  sizeOfGen(gen: number): number {
    let n = 0;
    for (let c = 0; c < this.classes; c++) n += this.nrPages[gen * this.classes + c];
    return n;
  }

  /** Pages on the LRU (resident). */
  get totalPages(): number {
    let n = 0;
    for (let i = 0; i < this.nrPages.length; i++) n += this.nrPages[i];
    return n;
  }

  /** The sequence number of a live generation index. */
  seqOfGen(gen: number): number {
    // the one seq in [min_seq, max_seq] with seq % MAX_NR_GENS == gen
    return this.maxSeq - ((this.maxSeq - gen + MAX_NR_GENS) % MAX_NR_GENS);
  }

  /** Whether folio `f` is on the LRU. */
  isOnLru(f: number): boolean {
    return this.gen[f] >= 0;
  }

  /** list_empty(&lrugen->folios[gen]). */
  listEmpty(gen: number): boolean {
    return this.listLen[gen] === 0;
  }

  /** lru_to_folio on generation `gen`'s list: its tail, the next folio scan_folios takes; -1 if empty. */
  tailOf(gen: number): number {
    const s = this.folios + gen;
    const t = this.prev[s];
    return t === s ? -1 : t;
  }

  /** Folios on generation `gen`'s list from head (youngest end) to tail; for tests and traces. */
  listContents(gen: number): number[] {
    const out: number[] = [];
    const s = this.folios + gen;
    for (let f = this.next[s]; f !== s; f = this.next[f]) out.push(f);
    return out;
  }

  /**
   * lru_gen_add_folio with an explicit target seq (the caller applies the kernel's choice: max_seq for PG_active,
   * which covers faults through folio_add_lru's lru_gen_in_fault rule and folios rejected by reclaim).
   * `reclaiming` puts it at the tail (list_add_tail) instead of the head.
   */
  addFolio(f: number, seq: number, reclaiming = false): void {
    if (this.gen[f] >= 0) throw new InvariantViolation("lru_gen", this.now(), `folio ${f} added twice`);
    if (seq < this.minSeq || seq > this.maxSeq)
      throw new InvariantViolation(
        "lru_gen",
        this.now(),
        `folio ${f} added to seq ${seq} outside [${this.minSeq}, ${this.maxSeq}]`,
      );
    const gen = lru_gen_from_seq(seq);
    this.gen[f] = gen;
    this.nrPages[gen * this.classes + this.klass[f]]++;
    this.link(f, gen, reclaiming);
  }

  /** lru_gen_del_folio: takes the folio off its list and out of the size counts (isolation or freeing). */
  delFolio(f: number): void {
    const gen = this.gen[f];
    if (gen < 0) throw new InvariantViolation("lru_gen", this.now(), `folio ${f} deleted while off the LRU`);
    this.nrPages[gen * this.classes + this.klass[f]]--;
    this.gen[f] = -1;
    this.unlink(f);
  }

  /**
   * folio_update_gen: rewrites the flag only (the walk and look-around promote this way); returns the old gen.
   * The folio stays on its list until sort_folio or inc_min_seq moves it.
   */
  folio_update_gen(f: number, gen: number): number {
    const old = this.gen[f];
    if (old < 0) return old;
    if (old !== gen) {
      this.nrPages[old * this.classes + this.klass[f]]--;
      this.nrPages[gen * this.classes + this.klass[f]]++;
      this.gen[f] = gen;
    }
    return old;
  }

  /**
   * folio_inc_gen: a folio on the oldest list moves one generation up, unless the walk has already promoted it
   * (then it goes to its flag's generation). Returns the new gen.
   */
  folio_inc_gen(f: number): number {
    const oldGen = lru_gen_from_seq(this.minSeq);
    const flagGen = this.gen[f];
    if (flagGen >= 0 && flagGen !== oldGen) return flagGen;
    const newGen = (oldGen + 1) % MAX_NR_GENS;
    this.folio_update_gen(f, newGen);
    return newGen;
  }

  /** list_move(&folio->lru, &folios[gen]): to the head of `gen`'s list. */
  moveToHead(f: number, gen: number): void {
    this.unlink(f);
    this.link(f, gen, false);
  }

  /** list_move_tail(&folio->lru, &folios[gen]): to the tail of `gen`'s list. */
  moveToTail(f: number, gen: number): void {
    this.unlink(f);
    this.link(f, gen, true);
  }

  /**
   * inc_min_seq: empties the oldest generation into the next one, then advances min_seq. Called by inc_max_seq
   * when all MAX_NR_GENS generations are in use (force_scan aging).
   * The kernel takes folios one at a time from the old list's tail (lru_to_folio) and list_move_tail()s each to
   * the list of folio_inc_gen's answer: the next generation, or the one the walk promoted it to. Appending in that
   * order puts the folded folios after the next generation's own (no cold/hot inversion between generations) but
   * reverses their order among themselves: the youngest of them ends at the tail, to be scanned first.
   * Here: promoted folios bound elsewhere are moved one by one in the same order; the rest (including folios
   * promoted to the next generation itself, which land in sequence with them) are reversed in place and spliced
   * onto the next list's tail, which is the same final order in O(1) list operations per folio.
   */
  inc_min_seq(): void {
    const oldGen = lru_gen_from_seq(this.minSeq);
    const newGen = (oldGen + 1) % MAX_NR_GENS;
    const s = this.folios + oldGen;
    const C = this.classes;
    const next = this.next;
    const prev = this.prev;
    const genOf = this.gen;
    const listOf = this.list;
    const klass = this.klass;
    const nr = this.nrPages;
    for (let f = prev[s]; f !== s;) {
      const before = prev[f];
      const flag = genOf[f];
      if (flag === oldGen) {
        genOf[f] = newGen;
        const c = klass[f];
        nr[oldGen * C + c]--;
        nr[newGen * C + c]++;
        listOf[f] = newGen;
      } else if (flag === newGen) {
        listOf[f] = newGen;
      } else {
        this.moveToTail(f, flag);
      }
      f = before;
    }
    const n = this.listLen[oldGen];
    if (n > 0) {
      // reverse the remaining list in place (sentinel included), then splice it after the new list's tail
      let f = s;
      do {
        const nx = next[f];
        next[f] = prev[f];
        prev[f] = nx;
        f = nx;
      } while (f !== s);
      const first = next[s];
      const last = prev[s];
      const t = this.folios + newGen;
      const oldTail = prev[t];
      next[oldTail] = first;
      prev[first] = oldTail;
      next[last] = t;
      prev[t] = last;
      next[s] = s;
      prev[s] = s;
      this.listLen[newGen] += n;
      this.listLen[oldGen] = 0;
    }
    this.minSeq++;
  }

  /**
   * try_to_inc_min_seq: advances min_seq past empty lists while at least MIN_NR_GENS generations remain.
   * Returns whether it moved.
   */
  try_to_inc_min_seq(): boolean {
    let seq = this.minSeq;
    while (seq + MIN_NR_GENS <= this.maxSeq && this.listEmpty(lru_gen_from_seq(seq))) seq++;
    if (seq === this.minSeq) return false;
    this.minSeq = seq;
    return true;
  }

  /**
   * inc_max_seq: makes room if all four generations are in use (inc_min_seq), then opens a new, empty youngest
   * generation and stamps its birth time.
   */
  inc_max_seq(): void {
    if (this.nrGens === MAX_NR_GENS) this.inc_min_seq();
    const next = lru_gen_from_seq(this.maxSeq + 1);
    if (this.sizeOfGen(next) !== 0 || !this.listEmpty(next)) {
      throw new InvariantViolation("lru_gen", this.now(), `inc_max_seq: generation ${next} is not empty`);
    }
    this.timestamps[next] = this.now();
    this.maxSeq++;
  }

  /** Checks the size counts against the flags and lists (tests; O(folios)). */
  checkConsistency(): void {
    const byGen = new Float64Array(MAX_NR_GENS);
    for (let f = 0; f < this.folios; f++) if (this.gen[f] >= 0) byGen[this.gen[f]]++;
    for (let g = 0; g < MAX_NR_GENS; g++) {
      if (byGen[g] !== this.sizeOfGen(g))
        throw new InvariantViolation(
          "lru_gen",
          this.now(),
          `nr_pages[${g}] = ${this.sizeOfGen(g)}, flags say ${byGen[g]}`,
        );
      const seq = this.seqOfGen(g);
      const live = seq >= this.minSeq && seq <= this.maxSeq;
      if (!live && (byGen[g] !== 0 || !this.listEmpty(g)))
        throw new InvariantViolation(
          "lru_gen",
          this.now(),
          `generation ${g} is outside [min_seq, max_seq] but populated`,
        );
      if (this.listContents(g).length !== this.listLen[g])
        throw new InvariantViolation("lru_gen", this.now(), `list ${g} length mismatch`);
    }
  }

  private link(f: number, gen: number, atTail: boolean): void {
    const s = this.folios + gen;
    if (atTail) {
      const last = this.prev[s];
      this.next[last] = f;
      this.prev[f] = last;
      this.next[f] = s;
      this.prev[s] = f;
    } else {
      const first = this.next[s];
      this.prev[first] = f;
      this.next[f] = first;
      this.prev[f] = s;
      this.next[s] = f;
    }
    this.list[f] = gen;
    this.listLen[gen]++;
  }

  private unlink(f: number): void {
    const p = this.prev[f];
    const n = this.next[f];
    this.next[p] = n;
    this.prev[n] = p;
    this.listLen[this.list[f]]--;
    this.list[f] = -1;
  }
}
