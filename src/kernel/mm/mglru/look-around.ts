/**
 * lru_gen_look_around (mm/vmscan.c, Linux 6.6, and as changed by commit 1d4832becdc2): when the rmap walk finds the
 * PTE of a folio under eviction young, it also tests and clears up to MIN_LRU_BATCH (64) neighbouring PTEs in the
 * same PTE table and VMA, promotes their folios to max_seq, and tells the next walk about this table through the
 * Bloom filter if it is suitable_to_scan.
 *
 * Before the fix (`lookAroundHostOnly`): called only when the target's host PTE is young; host bits only.
 * With the fix (`lookAroundNotify`): it tests the target first through ptep_clear_young_notify and returns whether
 * it was young (the rmap path's only check); in the window every present PTE of an mm with notifiers goes through
 * the notifier, including the target again (now old), as the loop does not skip it.
 * Read in the 6.6.8 tree of syslab-CAU/ScaleSwap @83341de3 (6.6: void, host bits, PG_referenced or
 * folio_activate without a walk) and torvalds/linux @538d5baa (the fixed form, returns bool).
 * Cost: every PTE in the window costs walkPteNs and every notifier call notifierCallNs of the reclaimer's time.
 * Not modelled: giving up when the PTL is contended, VM_SPECIAL, the memcg trylock (all succeed here).
 */
import { lru_gen_from_seq, MIN_LRU_BATCH, PTRS_PER_PTE, suitable_to_scan } from "./constants";
import type { Mglru } from "./mglru";
import { ptep_clear_young_notify } from "./young-notify";

/** The [start, end) slot window around `slot`: its PTE table clipped to the VMA, then to 64 entries. */
export function lookAroundWindow(m: Mglru, slot: number): [number, number] {
  const vma = m.as.vmas[m.as.vmaOf[slot]];
  const tableStart = slot - (slot % PTRS_PER_PTE);
  let start = Math.max(tableStart, vma.start);
  let end = Math.min(tableStart + PTRS_PER_PTE, vma.end);
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

/** 6.6 as released: the caller saw the target's host PTE young. */
export function lookAroundHostOnly(m: Mglru, slot: number): void {
  const [start, end] = lookAroundWindow(m, slot);
  const as = m.as;
  let young = 0;
  for (let i = start; i < end; i++) {
    if (as.present[i] === 0 || as.young[i] === 0) continue;
    as.young[i] = 0;
    young++;
    promote(m, i);
  }
  m.costNs += (end - start) * m.costs.walkPteNs;
  feedback(m, slot, end - start, young);
}

/** With commit 1d4832becdc2: returns whether the target was young (host or secondary). */
export function lookAroundNotify(m: Mglru, slot: number): boolean {
  const as = m.as;
  const notifier = as.mmOf(slot).notifier;
  if (notifier !== null) {
    m.calls.rmap++;
    m.costNs += m.costs.notifierCallNs;
  }
  if (!ptep_clear_young_notify(as, slot, notifier)) return false;
  const [start, end] = lookAroundWindow(m, slot);
  if (end - start === 1) return true;
  let young = 0;
  let calls = 0;
  for (let i = start; i < end; i++) {
    if (as.present[i] === 0) continue;
    if (as.young[i] === 0 && notifier === null) continue;
    if (notifier !== null) calls++;
    if (!ptep_clear_young_notify(as, i, notifier)) continue;
    young++;
    promote(m, i);
  }
  m.calls.lookAround += calls;
  m.costNs += (end - start) * m.costs.walkPteNs + calls * m.costs.notifierCallNs;
  feedback(m, slot, end - start, young);
  return true;
}

/** folio_update_gen to max_seq (for a folio reclaim has isolated, it sets PG_referenced instead). */
function promote(m: Mglru, f: number): void {
  const newGen = lru_gen_from_seq(m.lruvec.maxSeq);
  const old = m.lruvec.folio_update_gen(f, newGen);
  if (old >= 0 && old !== newGen) m.record("look-around-promote", `folio ${f} gen ${old}->${newGen}`);
}

/** Feedback from rmap walkers to page-table walkers: mark this table for the next walk. */
function feedback(m: Mglru, slot: number, total: number, young: number): void {
  m.stats.lookArounds++;
  if (suitable_to_scan(total, young)) m.bloom.update(m.lruvec.maxSeq, Math.floor(slot / PTRS_PER_PTE));
}
