/**
 * One lruvec's multi-gen LRU (struct lru_gen_folio in include/linux/mmzone.h; list and size updates from
 * include/linux/mm_inline.h lru_gen_add_folio / lru_gen_del_folio and mm/vmscan.c folio_update_gen, folio_inc_gen,
 * inc_min_seq, try_to_inc_min_seq, inc_max_seq, reset_ctrl_pos), Linux 6.6, with both types (anon and file).
 * Read in the 6.6.8 tree of syslab-CAU/ScaleSwap @83341de3 (linux-6.6.8/mm/vmscan.c, include/linux/mm_inline.h,
 * include/linux/mmzone.h); torvalds/linux @538d5baa (6.14+) differs: min_seq[anon] may pass min_seq[file]
 * (evictable_min_seq), folio_update_gen/folio_inc_gen keep PG_workingset as a tier bit, inc_max_seq can fail.
 *
 * 6.6's coupling of the two types (try_to_inc_min_seq, "see the comment on lru_gen_folio"): with swap possible,
 * min_seq[anon] = min(anon, file) and min_seq[file] = max(that, old file), so the two oldest generations advance
 * together: a generation leaves only when both its anon and its file lists are empty. The model always has swap
 * (zram larger than the footprint; swappiness >= 1), so the can_swap = false branches are not modelled.
 *
 * Columns, indexed by folio (= slot, see address-space.ts):
 * - gen: the generation in the folio's flags (gen+1 in LRU_GEN_MASK), -1 when off the LRU (not resident/isolated);
 * - list: the generation list the folio is physically on. The walk only rewrites the flag (folio_update_gen), so the
 *   two differ until sort_folio or inc_min_seq re-files the folio: that lag is the kernel's, and it decides when
 *   min_seq can advance (try_to_inc_min_seq looks at list emptiness);
 * - type: LRU_GEN_ANON or LRU_GEN_FILE (folio_is_file_lru), fixed per slot;
 * - flags: PG_referenced, PG_workingset (LRU_REFS_FLAGS) and PG_active; refs: the LRU_REFS counter (0..3).
 * Lists are circular and doubly linked through next/prev; the sentinel of (gen, type) is node folios + gen*2 + type.
 * The head side (sentinel.next) is where list_add puts folios; the tail (sentinel.prev) is what lru_to_folio() takes.
 * One zone; NR_HIST_GENS = 1 (no CONFIG_LRU_GEN_STATS), so the PID counters have no history dimension.
 */
import { InvariantViolation } from "../../../sim/invariant";
import {
  ANON_AND_FILE,
  LRU_GEN_ANON,
  LRU_GEN_FILE,
  lru_gen_from_seq,
  MAX_NR_GENS,
  MAX_NR_TIERS,
  MIN_NR_GENS,
  NR_HIST_GENS,
} from "./constants";

/** folio->flags bits the model keeps. */
export const PG_referenced = 1;
export const PG_workingset = 2;
export const PG_active = 4;
/** LRU_REFS_FLAGS (mm/vmscan.c 6.6): what folio_update_gen, folio_inc_gen and isolate_folio clear with the refs. */
export const LRU_REFS_FLAGS = PG_referenced | PG_workingset;

export class Lruvec {
  /** max_seq: the youngest generation's sequence number, shared by both types. */
  maxSeq = MIN_NR_GENS - 1;
  /** min_seq[LRU_GEN_ANON], min_seq[LRU_GEN_FILE]. */
  readonly minSeq: number[] = [0, 0];
  /** timestamps[gen]: birth time (ns) of each generation, stamped by inc_max_seq. */
  readonly timestamps = new Float64Array(MAX_NR_GENS);
  /** nr_pages[gen][type] by the flag (what should_run_aging reads), split by an accounting class (host/guest). */
  readonly nrPages: Float64Array;
  readonly gen: Int8Array;
  readonly list: Int8Array;
  readonly type: Uint8Array;
  /** Accounting class per folio (0..classes-1), for statistics only: the kernel does not look at it. */
  readonly klass: Uint8Array;
  readonly flags: Uint8Array;
  readonly refs: Uint8Array;
  /**
   * The PID controller's inputs (lru_gen_folio avg_refaulted, avg_total, refaulted, evicted, protected), indexed
   * type * MAX_NR_TIERS + tier. protected[] is indexed by tier - 1 as in 6.6 (protected[hist][type][tier - 1]).
   */
  readonly avgRefaulted = new Float64Array(ANON_AND_FILE * MAX_NR_TIERS);
  readonly avgTotal = new Float64Array(ANON_AND_FILE * MAX_NR_TIERS);
  readonly refaulted = new Float64Array(ANON_AND_FILE * MAX_NR_TIERS);
  readonly evicted = new Float64Array(ANON_AND_FILE * MAX_NR_TIERS);
  readonly protected = new Float64Array(ANON_AND_FILE * MAX_NR_TIERS);
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly listLen = new Float64Array(MAX_NR_GENS * ANON_AND_FILE);

  constructor(
    readonly folios: number,
    readonly classes = 1,
    private readonly now: () => number = () => 0,
  ) {
    this.gen = new Int8Array(folios).fill(-1);
    this.list = new Int8Array(folios).fill(-1);
    this.type = new Uint8Array(folios);
    this.klass = new Uint8Array(folios);
    this.flags = new Uint8Array(folios);
    this.refs = new Uint8Array(folios);
    const sentinels = MAX_NR_GENS * ANON_AND_FILE;
    this.next = new Int32Array(folios + sentinels);
    this.prev = new Int32Array(folios + sentinels);
    this.nrPages = new Float64Array(sentinels * classes);
    for (let i = 0; i < sentinels; i++) {
      const s = folios + i;
      this.next[s] = s;
      this.prev[s] = s;
    }
    for (let s = 0; s <= this.maxSeq; s++) this.timestamps[lru_gen_from_seq(s)] = this.now();
  }

  /** get_nr_gens(lruvec, type). */
  get_nr_gens(type: number): number {
    return this.maxSeq - this.minSeq[type] + 1;
  }

  /** Generations alive for anon, the type whose min_seq trails (get_nr_gens(lruvec, !swappiness) with swap on). */
  get nrGens(): number {
    return this.get_nr_gens(LRU_GEN_ANON);
  }

  /** Pages whose flag says generation `gen`, one type, all classes. */
  sizeOf(gen: number, type: number): number {
    let n = 0;
    const base = (gen * ANON_AND_FILE + type) * this.classes;
    for (let c = 0; c < this.classes; c++) n += this.nrPages[base + c];
    return n;
  }

  /** Pages whose flag says generation `gen`, both types. */
  sizeOfGen(gen: number): number {
    return this.sizeOf(gen, LRU_GEN_ANON) + this.sizeOf(gen, LRU_GEN_FILE);
  }

  /** Pages of one class whose flag says generation `gen` (both types). */
  sizeOfClass(gen: number, klass: number): number {
    const C = this.classes;
    return this.nrPages[gen * ANON_AND_FILE * C + klass] + this.nrPages[(gen * ANON_AND_FILE + 1) * C + klass];
  }

  /** Pages on the LRU (resident and not isolated). */
  get totalPages(): number {
    let n = 0;
    for (let i = 0; i < this.nrPages.length; i++) n += this.nrPages[i];
    return n;
  }

  /** The sequence number of a live generation index. */
  seqOfGen(gen: number): number {
    // the one seq in [max_seq - 3, max_seq] with seq % MAX_NR_GENS == gen
    return this.maxSeq - ((this.maxSeq - gen + MAX_NR_GENS) % MAX_NR_GENS);
  }

  /** Whether folio `f` is on the LRU. */
  isOnLru(f: number): boolean {
    return this.gen[f] >= 0;
  }

  /** list_empty(&lrugen->folios[gen][type][zone]). */
  listEmpty(gen: number, type = LRU_GEN_ANON): boolean {
    return this.listLen[gen * ANON_AND_FILE + type] === 0;
  }

  /** lru_to_folio on (gen, type)'s list: its tail, the next folio scan_folios takes; -1 if empty. */
  tailOf(gen: number, type = LRU_GEN_ANON): number {
    const s = this.folios + gen * ANON_AND_FILE + type;
    const t = this.prev[s];
    return t === s ? -1 : t;
  }

  /** Folios on (gen, type)'s list from head (youngest end) to tail; for tests and traces. */
  listContents(gen: number, type = LRU_GEN_ANON): number[] {
    const out: number[] = [];
    const s = this.folios + gen * ANON_AND_FILE + type;
    for (let f = this.next[s]; f !== s; f = this.next[f]) out.push(f);
    return out;
  }

  /**
   * Adds a folio to an explicit seq (tests, and callers that already applied lru_gen_add_folio's rule).
   * `reclaiming` puts it at the tail (list_add_tail) instead of the head. Clears PG_active as lru_gen_add_folio's
   * set_mask_bits(LRU_GEN_MASK | BIT(PG_active)) does.
   */
  addFolio(f: number, seq: number, reclaiming = false): void {
    if (this.gen[f] >= 0) throw new InvariantViolation("lru_gen", this.now(), `folio ${f} added twice`);
    const type = this.type[f];
    if (seq < this.minSeq[type] || seq > this.maxSeq)
      throw new InvariantViolation(
        "lru_gen",
        this.now(),
        `folio ${f} added to seq ${seq} outside [${this.minSeq[type]}, ${this.maxSeq}]`,
      );
    const gen = lru_gen_from_seq(seq);
    this.gen[f] = gen;
    this.flags[f] &= ~PG_active;
    this.nrPages[(gen * ANON_AND_FILE + type) * this.classes + this.klass[f]]++;
    this.link(f, gen, reclaiming);
  }

  /**
   * lru_gen_add_folio (include/linux/mm_inline.h, 6.6): PG_active (a fault, lru_gen_in_fault, or a folio reclaim
   * rejected) goes to max_seq; anon not in the swap cache to max_seq - 1; a reclaiming add, or any add when only
   * MIN_NR_GENS generations remain, to min_seq; everything else (page cache read through read()) to min_seq + 1.
   * Returns the seq used.
   */
  lru_gen_add_folio(f: number, reclaiming = false): number {
    const type = this.type[f];
    let seq: number;
    if (this.flags[f] & PG_active) seq = this.maxSeq;
    else if (type === LRU_GEN_ANON) seq = this.maxSeq - 1;
    else if (reclaiming || this.minSeq[type] + MIN_NR_GENS >= this.maxSeq) seq = this.minSeq[type];
    else seq = this.minSeq[type] + 1;
    this.addFolio(f, seq, reclaiming);
    return seq;
  }

  /** lru_gen_del_folio: takes the folio off its list and out of the size counts (isolation or freeing). */
  delFolio(f: number): void {
    const gen = this.gen[f];
    if (gen < 0) throw new InvariantViolation("lru_gen", this.now(), `folio ${f} deleted while off the LRU`);
    this.nrPages[(gen * ANON_AND_FILE + this.type[f]) * this.classes + this.klass[f]]--;
    this.gen[f] = -1;
    this.unlink(f);
  }

  /**
   * folio_update_gen (6.6): the walk and look-around promote a folio accessed through page tables by rewriting the
   * flag to `gen` and clearing LRU_REFS_MASK and LRU_REFS_FLAGS (its fd-access tier starts over); the folio stays
   * on its list until sort_folio or inc_min_seq moves it. A folio reclaim has isolated gets PG_referenced instead
   * ("for shrink_folio_list()"). Returns the old gen (-1 if isolated).
   */
  folio_update_gen(f: number, gen: number): number {
    const old = this.gen[f];
    if (old < 0) {
      this.flags[f] |= PG_referenced;
      return old;
    }
    this.refs[f] = 0;
    this.flags[f] &= ~LRU_REFS_FLAGS;
    if (old !== gen) {
      const base = this.type[f] * this.classes + this.klass[f];
      this.nrPages[old * ANON_AND_FILE * this.classes + base]--;
      this.nrPages[gen * ANON_AND_FILE * this.classes + base]++;
      this.gen[f] = gen;
    }
    return old;
  }

  /**
   * folio_inc_gen (6.6): a folio on its type's oldest list moves one generation up, its refs and LRU_REFS_FLAGS
   * cleared, unless the walk has already promoted it (then it keeps its flag's generation). Returns the new gen.
   */
  folio_inc_gen(f: number): number {
    const oldGen = lru_gen_from_seq(this.minSeq[this.type[f]]);
    const flagGen = this.gen[f];
    if (flagGen >= 0 && flagGen !== oldGen) return flagGen;
    const newGen = (oldGen + 1) % MAX_NR_GENS;
    const base = this.type[f] * this.classes + this.klass[f];
    this.nrPages[oldGen * ANON_AND_FILE * this.classes + base]--;
    this.nrPages[newGen * ANON_AND_FILE * this.classes + base]++;
    this.gen[f] = newGen;
    this.refs[f] = 0;
    this.flags[f] &= ~LRU_REFS_FLAGS;
    return newGen;
  }

  /** list_move(&folio->lru, &folios[gen][type]): to the head of the list. */
  moveToHead(f: number, gen: number): void {
    this.unlink(f);
    this.link(f, gen, false);
  }

  /** list_move_tail(&folio->lru, &folios[gen][type]): to the tail of the list. */
  moveToTail(f: number, gen: number): void {
    this.unlink(f);
    this.link(f, gen, true);
  }

  /**
   * inc_min_seq (6.6): empties `type`'s oldest generation into the next one, then advances min_seq[type] and folds
   * the PID counters into their averages (reset_ctrl_pos carryover). Called by inc_max_seq when all MAX_NR_GENS
   * generations are in use. The kernel takes folios one at a time from the old list's tail (lru_to_folio) and
   * list_move_tail()s each to the list folio_inc_gen names: the next generation (refs cleared), or the one the walk
   * promoted it to. Appending in that order puts the folded folios after the next generation's own but reverses
   * their order among themselves: the youngest of them ends at the tail, to be scanned first.
   * Here in one pass, as the kernel does it: each folio taken from the old tail is appended to its target list's
   * tail; the folios staying in the next generation are appended without the per-folio length updates (the lengths
   * move in one step at the end), which is the same final order the kernel leaves.
   */
  inc_min_seq(type: number): void {
    const oldGen = lru_gen_from_seq(this.minSeq[type]);
    const newGen = (oldGen + 1) % MAX_NR_GENS;
    const oldIdx = oldGen * ANON_AND_FILE + type;
    const newIdx = newGen * ANON_AND_FILE + type;
    const s = this.folios + oldIdx;
    const t = this.folios + newIdx;
    const C = this.classes;
    const next = this.next;
    const prev = this.prev;
    const genOf = this.gen;
    const listOf = this.list;
    const klass = this.klass;
    const refs = this.refs;
    const flags = this.flags;
    const nr = this.nrPages;
    let moved = 0;
    for (let f = prev[s]; f !== s;) {
      const before = prev[f];
      const flag = genOf[f];
      if (flag === oldGen || flag === newGen) {
        if (flag === oldGen) {
          genOf[f] = newGen;
          const c = klass[f];
          nr[oldIdx * C + c]--;
          nr[newIdx * C + c]++;
          refs[f] = 0;
          flags[f] &= ~LRU_REFS_FLAGS;
        }
        // list_move_tail(&folio->lru, &folios[newGen][type]); the old list's links are dropped at the end
        const last = prev[t];
        next[last] = f;
        prev[f] = last;
        next[f] = t;
        prev[t] = f;
        listOf[f] = newGen;
        moved++;
      } else {
        // promoted by the walk to a younger generation; its old-list neighbours are not relinked (the old list is
        // dropped whole at the end, and its next neighbour may already sit on the new list)
        this.listLen[oldIdx]--;
        this.link(f, flag, true);
      }
      f = before;
    }
    next[s] = s;
    prev[s] = s;
    this.listLen[newIdx] += moved;
    this.listLen[oldIdx] -= moved;
    this.reset_ctrl_pos(type, true);
    this.minSeq[type]++;
  }

  /**
   * try_to_inc_min_seq (6.6, can_swap): each type's min_seq passes its empty lists while MIN_NR_GENS generations
   * remain; then anon is held to min(anon, file) and file to max(that, its old value), so both stay in step.
   * Changed types fold their PID counters (reset_ctrl_pos carryover). Returns whether any moved.
   */
  try_to_inc_min_seq(): boolean {
    const seqs = [this.minSeq[LRU_GEN_ANON], this.minSeq[LRU_GEN_FILE]];
    for (let type = 0; type < ANON_AND_FILE; type++) {
      while (seqs[type] + MIN_NR_GENS <= this.maxSeq && this.listEmpty(lru_gen_from_seq(seqs[type]), type))
        seqs[type]++;
    }
    seqs[LRU_GEN_ANON] = Math.min(seqs[LRU_GEN_ANON], seqs[LRU_GEN_FILE]);
    seqs[LRU_GEN_FILE] = Math.max(seqs[LRU_GEN_ANON], this.minSeq[LRU_GEN_FILE]);
    let success = false;
    for (let type = 0; type < ANON_AND_FILE; type++) {
      if (seqs[type] === this.minSeq[type]) continue;
      this.reset_ctrl_pos(type, true);
      this.minSeq[type] = seqs[type];
      success = true;
    }
    return success;
  }

  /**
   * inc_max_seq (6.6): for file then anon, a type with all MAX_NR_GENS generations in use folds its oldest into the
   * next (inc_min_seq; the kernel warns unless force_scan, as should_run_aging keeps reclaim from getting here);
   * then a new, empty youngest generation opens, stamped with its birth time.
   */
  inc_max_seq(): void {
    for (let type = ANON_AND_FILE - 1; type >= 0; type--) {
      if (this.get_nr_gens(type) === MAX_NR_GENS) this.inc_min_seq(type);
    }
    const next = lru_gen_from_seq(this.maxSeq + 1);
    for (let type = 0; type < ANON_AND_FILE; type++) {
      if (this.sizeOf(next, type) !== 0 || !this.listEmpty(next, type))
        throw new InvariantViolation("lru_gen", this.now(), `inc_max_seq: generation ${next} is not empty`);
      this.reset_ctrl_pos(type, false);
    }
    this.timestamps[next] = this.now();
    this.maxSeq++;
  }

  /**
   * reset_ctrl_pos (6.6): when min_seq[type] moves (carryover), each tier's refaulted and evicted+protected counts
   * are halved into their running averages; with NR_HIST_GENS == 1 the counters are then cleared. At inc_max_seq
   * (no carryover) there is nothing to clear with one history slot.
   */
  reset_ctrl_pos(type: number, carryover: boolean): void {
    const clear = carryover ? NR_HIST_GENS === 1 : NR_HIST_GENS > 1;
    if (!carryover && !clear) return;
    for (let tier = 0; tier < MAX_NR_TIERS; tier++) {
      const i = type * MAX_NR_TIERS + tier;
      if (carryover) {
        this.avgRefaulted[i] = Math.floor((this.avgRefaulted[i] + this.refaulted[i]) / 2);
        let sum = this.avgTotal[i] + this.evicted[i];
        if (tier > 0) sum += this.protected[i - 1];
        this.avgTotal[i] = Math.floor(sum / 2);
      }
      if (clear) {
        this.refaulted[i] = 0;
        this.evicted[i] = 0;
        if (tier > 0) this.protected[i - 1] = 0;
      }
    }
  }

  /** Checks the size counts against the flags and lists (tests; O(folios)). */
  checkConsistency(): void {
    const byGen = new Float64Array(MAX_NR_GENS * ANON_AND_FILE);
    for (let f = 0; f < this.folios; f++) if (this.gen[f] >= 0) byGen[this.gen[f] * ANON_AND_FILE + this.type[f]]++;
    for (let g = 0; g < MAX_NR_GENS; g++) {
      for (let type = 0; type < ANON_AND_FILE; type++) {
        const idx = g * ANON_AND_FILE + type;
        if (byGen[idx] !== this.sizeOf(g, type))
          throw new InvariantViolation(
            "lru_gen",
            this.now(),
            `nr_pages[${g}][${type}] = ${this.sizeOf(g, type)}, flags say ${byGen[idx]}`,
          );
        const seq = this.seqOfGen(g);
        const live = seq >= this.minSeq[type] && seq <= this.maxSeq;
        if (!live && (byGen[idx] !== 0 || !this.listEmpty(g, type)))
          throw new InvariantViolation(
            "lru_gen",
            this.now(),
            `generation ${g} of type ${type} is outside [min_seq, max_seq] but populated`,
          );
        if (this.listContents(g, type).length !== this.listLen[idx])
          throw new InvariantViolation("lru_gen", this.now(), `list ${g}/${type} length mismatch`);
      }
    }
    // seq_is_valid (6.6): MIN_NR_GENS <= nr_gens(file) <= nr_gens(anon) <= MAX_NR_GENS
    const a = this.get_nr_gens(LRU_GEN_ANON);
    const fl = this.get_nr_gens(LRU_GEN_FILE);
    if (!(fl >= MIN_NR_GENS && fl <= a && a <= MAX_NR_GENS))
      throw new InvariantViolation("lru_gen", this.now(), `seq_is_valid: nr_gens anon ${a}, file ${fl}`);
  }

  private link(f: number, gen: number, atTail: boolean): void {
    const idx = gen * ANON_AND_FILE + this.type[f];
    const s = this.folios + idx;
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
    this.listLen[idx]++;
  }

  private unlink(f: number): void {
    const p = this.prev[f];
    const n = this.next[f];
    this.next[p] = n;
    this.prev[n] = p;
    this.listLen[this.list[f] * ANON_AND_FILE + this.type[f]]--;
    this.list[f] = -1;
  }
}

export { LRU_GEN_ANON, LRU_GEN_FILE };
