/**
 * Eviction from the oldest generation (mm/vmscan.c, Linux 6.6: evict_folios -> isolate_folios -> scan_folios ->
 * sort_folio / isolate_folio, then shrink_folio_list's reference check).
 *
 * scan_folios takes folios from the tail of min_seq's list: a folio the walk or look-around promoted (its flag says
 * a younger generation) is re-filed at the head of that generation's list (sort_folio); the rest are isolated, up
 * to MIN_LRU_BATCH per call and MAX_LRU_BATCH looked at. For each isolated folio shrink_folio_list keeps it if a
 * look-around marked it referenced meanwhile, else asks folio_referenced; a referenced folio goes back to the LRU as
 * PG_active, i.e. to max_seq ("don't add rejected folios to the oldest generation"), the rest are swapped out:
 * try_to_unmap clears the PTE and, through mmu_notifier_invalidate_range_start, KVM drops the SPTE; the swap slot
 * keeps a shadow entry (lru_gen_eviction).
 * Writeback is synchronous here (zram), so an unreferenced anon folio is freed in the same pass.
 */
import { InvariantViolation } from "../../../sim/invariant";
import { lru_gen_from_seq, MAX_LRU_BATCH, MIN_LRU_BATCH, MIN_NR_GENS } from "./constants";
import type { Mglru } from "./mglru";
import { folio_referenced } from "./rmap";

/** What one evict_folios call did. */
export interface EvictResult {
  /** Its return value: folios scanned (+1 if min_seq advanced), 0 when only MIN_NR_GENS generations remain. */
  scanned: number;
  /** Folios freed. */
  reclaimed: number;
}

const isolatedBuf = new Int32Array(MIN_LRU_BATCH);

/**
 * scan_folios on the anon type: fills `out` with isolated folios and returns [scanned, isolated]; scanned is 0
 * when the generation ran empty without isolating anything (the caller then lets min_seq advance).
 */
export function scan_folios(m: Mglru, out: Int32Array): [number, number] {
  const lv = m.lruvec;
  const gen = lru_gen_from_seq(lv.minSeq);
  let remaining = MAX_LRU_BATCH;
  let scanned = 0;
  let isolated = 0;
  for (let f = lv.tailOf(gen); f >= 0; f = lv.tailOf(gen)) {
    scanned++;
    if (!sort_folio(m, f, gen)) {
      // isolate_folio: off the LRU, PG_referenced cleared
      lv.delFolio(f);
      m.pgReferenced[f] = 0;
      out[isolated++] = f;
    }
    if (--remaining === 0 || isolated >= MIN_LRU_BATCH) break;
  }
  return [isolated > 0 || remaining === 0 ? scanned : 0, isolated];
}

/** sort_folio: re-files a folio promoted since it was listed; returns true if it did. */
export function sort_folio(m: Mglru, f: number, minGen: number): boolean {
  const gen = m.lruvec.gen[f];
  if (gen === minGen) return false;
  m.lruvec.moveToHead(f, gen);
  return true;
}

/** evict_folios: one batch from min_seq through the reference check to swap-out. */
export function evict_folios(m: Mglru): EvictResult {
  const lv = m.lruvec;
  const [scannedFolios, n] = scan_folios(m, isolatedBuf);
  let scanned = scannedFolios;
  if (lv.try_to_inc_min_seq()) scanned++;
  if (lv.nrGens === MIN_NR_GENS) scanned = 0;
  let reclaimed = 0;
  for (let i = 0; i < n; i++) {
    const f = isolatedBuf[i];
    m.stats.isolated++;
    // shrink_folio_list: "folio_update_gen() tried to promote this page?" keeps it without an rmap walk
    const keep = m.pgReferenced[f] === 1 || folio_referenced(m, f) > 0;
    m.pgReferenced[f] = 0;
    if (keep) {
      m.stats.referenced++;
      lv.addFolio(f, lv.maxSeq);
      m.record("activate", `folio ${f}`);
      continue;
    }
    evictFolio(m, f);
    reclaimed++;
  }
  return { scanned, reclaimed };
}

/** Swap-out of an isolated folio: unmap (PTE and SPTE), free. */
function evictFolio(m: Mglru, f: number): void {
  const as = m.as;
  if (as.present[f] === 0)
    throw new InvariantViolation("lru_gen", m.now, `folio ${f} isolated for eviction but not mapped`);
  const mm = as.mmOf(f);
  as.unmapPte(f);
  if (mm.notifier !== null) mm.notifier.invalidate(f);
  m.workingset.lru_gen_eviction(f, m.lruvec.minSeq);
  m.stats.evicted++;
  m.record("evict", `folio ${f}`);
  m.onEvict(f);
}
