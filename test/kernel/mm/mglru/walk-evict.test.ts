// The aging walk, look-around and eviction of mm/vmscan.c (6.6), before and after commit 1d4832becdc2, on small
// worlds with exact traces. Walks need mms of at least MIN_LRU_BATCH (64) resident pages (should_skip_mm).
import { test } from "node:test";
import assert from "node:assert/strict";
import { FIX, PRE_FIX, tinyWorld } from "./tiny-world";
import { try_to_inc_max_seq, run_aging, should_run_aging } from "../../../../src/kernel/mm/mglru/aging";
import { evict_folios } from "../../../../src/kernel/mm/mglru/evict";
import { drain, get_nr_to_scan, try_to_free_pages } from "../../../../src/kernel/mm/mglru/reclaim";
import { lookAroundWindow } from "../../../../src/kernel/mm/mglru/look-around";
import { DEF_PRIORITY, lru_gen_from_seq } from "../../../../src/kernel/mm/mglru/constants";
import type { LruGenConfig } from "../../../../src/kernel/mm/mglru/mglru";

const GUEST = [512, 513, 514, 515];
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

/**
 * A tab of 64 pages (slots 0-63) and 64 pages of guest memory (512-575), faulted in at t=0; aging at 1000 clears
 * the fault-time bits; at 1500 the tab touches its first 8 pages and the guest its first 8; aging again at 2000.
 */
function twoWalks(config: LruGenConfig) {
  const w = tinyWorld([64], 64, config);
  w.m.actor = "kswapd";
  for (const s of [...range(0, 64), ...range(512, 64)]) w.fault(s, 0);
  w.at(1000);
  try_to_inc_max_seq(w.m, w.lruvec.maxSeq, false);
  w.at(1500);
  for (const s of [...range(0, 8), ...range(512, 8)]) w.touch(s);
  w.at(2000);
  try_to_inc_max_seq(w.m, w.lruvec.maxSeq, false);
  return w;
}

const promoted = (t: number, slots: number[], from: number, to: number) =>
  slots.map((s) => `${t} kswapd walk-promote folio ${s} gen ${from}->${to}`);

test("before the fix the walk promotes the host pages the tab touched but not the guest pages the VM touched", () => {
  const w = twoWalks(PRE_FIX);
  assert.deepEqual(w.sim.trace!.lines(), [
    // first walk (seq 1): every PTE is young from its fault; SPTE bits are not looked at
    ...promoted(1000, [...range(0, 64), ...range(512, 64)], 0, 1),
    "1000 kswapd inc_max_seq max_seq 2 min_seq 0/0",
    // second walk (seq 2): only the tab's touched pages
    ...promoted(2000, range(0, 8), 1, 2),
    "2000 kswapd inc_max_seq max_seq 3 min_seq 0/0",
  ]);
  assert.equal(w.spte.young[512], 1);
  assert.equal(w.spte.young[520], 1, "SPTE bits set at the fault are never cleared by aging");
  assert.equal(w.m.calls.total, 0);
  // 8 young of 64 is suitable_to_scan: the tab's table is marked for the next walk; the guest's (0 young) is not
  assert.equal(w.m.bloom.test(3, 0), true);
  assert.equal(w.m.bloom.test(3, 1), false);
});

test("with the fix the walk asks KVM about every present guest PTE and promotes the pages the guest touched", () => {
  const w = twoWalks(FIX);
  assert.deepEqual(w.sim.trace!.lines().slice(129), [
    ...promoted(2000, [...range(0, 8), ...range(512, 8)], 1, 2),
    "2000 kswapd inc_max_seq max_seq 3 min_seq 0/0",
  ]);
  assert.equal(w.m.calls.walk, 128, "two walks x 64 present guest PTEs");
  assert.equal(w.spte.ageCalls, 128);
  assert.equal(w.spte.young[512], 0);
  assert.equal(w.spte.young[520], 0);
  assert.equal(w.m.bloom.test(3, 1), true, "8 young SPTEs in 64 PTEs is suitable_to_scan");
});

test("eviction before the fix: the rmap check's notifier call finds the stale SPTE bit and activates the guest page", () => {
  const w = tinyWorld([4], 4, PRE_FIX);
  for (const s of [0, ...GUEST.slice(0, 1)]) w.fault(s, 0);
  w.as.young.fill(0); // as after a walk: host bits clear; the SPTE of 512 is still young from its fault
  w.lruvec.inc_max_seq(); // 3 generations, both folios in the oldest
  w.at(100);
  const r = evict_folios(w.m);
  assert.deepEqual(w.sim.trace!.lines(), ["100 reclaim evict folio 0", "100 reclaim activate folio 512"]);
  // 2 scanned + 1 for min_seq moving up, but only MIN_NR_GENS generations remain: evict_folios returns 0 (age next)
  assert.deepEqual(r, { scanned: 0, reclaimed: 1, isolated: 2, type: 0 });
  assert.equal(w.lruvec.gen[512], lru_gen_from_seq(w.lruvec.maxSeq));
  assert.equal(w.m.calls.rmap, 1);
  assert.equal(w.spte.flushes, 1, "clear_flush_young flushes when the SPTE was young");
  assert.deepEqual(w.evicted, [0]);
  assert.equal(w.as.present[0], 0);
});

test("eviction with the fix: the target is checked through look-around, which also ages its neighbours' SPTEs", () => {
  const w = tinyWorld([4], 4, FIX);
  for (const s of GUEST) w.fault(s, 0);
  w.as.young.fill(0);
  w.spte.young.fill(0);
  w.spte.young[512] = 1;
  w.spte.young[514] = 1;
  w.lruvec.inc_max_seq();
  w.at(100);
  const r = evict_folios(w.m);
  // all four are isolated, tail (512, the first added) first. 512 is young; its look-around finds 514's SPTE young
  // and, 514 being isolated too, marks it PG_referenced, so 514 is kept without an rmap walk; 513 and 515 go
  assert.deepEqual(w.sim.trace!.lines(), [
    "100 reclaim activate folio 512",
    "100 reclaim evict folio 513",
    "100 reclaim activate folio 514",
    "100 reclaim evict folio 515",
  ]);
  assert.equal(r.reclaimed, 2);
  assert.equal(w.spte.present[513], 0, "invalidate_range_start zapped the SPTE of the swapped-out page");
  // 512: 1 target call + 4 window calls (the target again included); 513 and 515: 1 target call each
  assert.equal(w.m.calls.rmap, 3);
  assert.equal(w.m.calls.lookAround, 4);
});

test("the 64-entry look-around window stays inside the PTE table and the VMA", () => {
  const w = tinyWorld([512, 20], 0, PRE_FIX);
  assert.deepEqual(lookAroundWindow(w.m, 10), [0, 64]);
  assert.deepEqual(lookAroundWindow(w.m, 300), [268, 332]);
  assert.deepEqual(lookAroundWindow(w.m, 500), [448, 512]);
  assert.deepEqual(lookAroundWindow(w.m, 515), [512, 532]);
});

test("should_run_aging: forced at two generations, not with four, by the young/old balance with three", () => {
  const w = tinyWorld([8], 0, PRE_FIX);
  for (let s = 0; s < 8; s++) w.fault(s, 1);
  assert.deepEqual(should_run_aging(w.m), { run: true, total: 0 });
  w.lruvec.inc_max_seq(); // seqs 0..2; all 8 in seq 1 (neither young nor old)
  assert.deepEqual(should_run_aging(w.m), { run: true, total: 8 }, "old (seq 0) holds 0 < total / 4");
  for (let s = 0; s < 3; s++) w.lruvec.folio_update_gen(s, lru_gen_from_seq(0));
  assert.deepEqual(should_run_aging(w.m), { run: false, total: 8 }, "3 old of 8 >= 8 / 4, 0 young");
  for (let s = 3; s < 8; s++) w.lruvec.folio_update_gen(s, lru_gen_from_seq(2));
  assert.deepEqual(should_run_aging(w.m), { run: true, total: 8 }, "5 young of 8 > 8 / 2");
  w.lruvec.inc_max_seq();
  assert.equal(should_run_aging(w.m).run, false);
});

test("get_nr_to_scan never ages at DEF_PRIORITY and ages below it", () => {
  const w = tinyWorld([8], 0, PRE_FIX);
  for (let s = 0; s < 8; s++) w.fault(s, 1);
  assert.equal(get_nr_to_scan(w.m, DEF_PRIORITY), 0);
  assert.equal(w.lruvec.maxSeq, 1);
  assert.equal(get_nr_to_scan(w.m, DEF_PRIORITY - 1), -1);
  assert.equal(w.lruvec.maxSeq, 2);
  assert.equal(w.m.stats.reclaimAgingPasses, 1);
});

test("direct reclaim ages when it runs out of generations and then frees unreferenced pages", () => {
  const w = tinyWorld([64], 0, PRE_FIX);
  w.m.actor = "alloc";
  for (let s = 0; s < 64; s++) w.fault(s, 1);
  w.at(7);
  const freed = drain(try_to_free_pages(w.m, 2)).result;
  assert.equal(freed >= 2, true);
  // priority 12 cannot age; at 11 aging walks the tab, clearing the 64 fault-time bits (the folios are in max_seq
  // already), and opens seq 2; eviction then finds the oldest generation empty, ages again, and frees cold folios
  const lines = w.sim.trace!.lines();
  assert.equal(lines[0], "7 alloc inc_max_seq max_seq 2 min_seq 0/0");
  assert.equal(
    w.as.young.subarray(0, 64).every((y) => y === 0),
    true,
  );
  assert.equal(w.evicted.length, freed);
  w.lruvec.checkConsistency();
});

test("proactive run_aging refuses a fifth generation without force_scan and folds the oldest with it", () => {
  const w = tinyWorld([8], 0, PRE_FIX);
  w.fault(0, 0);
  assert.equal(run_aging(w.m, false), true);
  assert.equal(run_aging(w.m, false), true);
  assert.equal(w.lruvec.nrGens, 4);
  assert.equal(run_aging(w.m, false), false, "-ERANGE");
  assert.equal(run_aging(w.m, true), true);
  assert.deepEqual(w.lruvec.minSeq, [1, 1]);
  assert.equal(w.lruvec.nrGens, 4);
});

test("no MM_WALK: aging opens generations without touching any A bit", () => {
  const w = tinyWorld([64], 4, { mmWalk: false, clearYoungNotify: false });
  for (const s of [...range(0, 64), ...GUEST]) w.fault(s, 0);
  try_to_inc_max_seq(w.m, w.lruvec.maxSeq, false);
  assert.equal(w.as.young[0], 1);
  assert.equal(w.m.stats.tablesWalked, 0);
  assert.equal(w.lruvec.maxSeq, 2);
});

test("a mm with fewer than 64 resident pages is not walked", () => {
  const w = tinyWorld([63], 0, PRE_FIX);
  for (let s = 0; s < 63; s++) w.fault(s, 0);
  try_to_inc_max_seq(w.m, w.lruvec.maxSeq, false);
  assert.equal(w.m.stats.tablesWalked, 0);
  assert.equal(w.as.young[0], 1);
});

test("a mm that has not run since the last walk is skipped unless force_scan", () => {
  const w = tinyWorld([70, 70], 0, PRE_FIX);
  for (let s = 0; s < 70; s++) w.fault(s, 0);
  for (let s = 512; s < 582; s++) w.fault(s, 0);
  try_to_inc_max_seq(w.m, w.lruvec.maxSeq, false); // both ran (new mms start marked)
  w.touch(0);
  w.as.young[512] = 1; // set without the tab running: invisible to a walk that skips it
  const before = w.m.stats.tablesWalked;
  try_to_inc_max_seq(w.m, w.lruvec.maxSeq, false);
  assert.equal(w.m.stats.tablesWalked - before, 1);
  assert.equal(w.as.young[512], 1);
  run_aging(w.m, true);
  assert.equal(w.as.young[512], 0);
});

test("workingset (6.6, D8): the shadow holds min_seq at eviction; a refault is recent only while min_seq is unchanged", () => {
  const w = tinyWorld([4], 0, PRE_FIX);
  for (let s = 0; s < 4; s++) w.fault(s, 0);
  w.as.young.fill(0);
  w.lruvec.inc_max_seq();
  evict_folios(w.m);
  assert.deepEqual(w.evicted, [0, 1, 2, 3]);
  // evict_folios advanced min_seq (try_to_inc_min_seq) before shrink_folio_list freed them: the shadows say 1
  assert.deepEqual([...w.m.workingset.shadow.subarray(0, 4)], [1, 1, 1, 1]);
  assert.deepEqual(w.lruvec.minSeq, [1, 1]);
  assert.equal(w.m.workingset.lru_gen_refault(w.lruvec, 0, 0, true), true, "token 1 == min_seq 1");
  // the later rule (abs(max_seq - token) < MAX_NR_GENS) would call this recent too: max_seq 3 - 1 < 4
  w.lruvec.inc_max_seq();
  w.lruvec.try_to_inc_min_seq();
  assert.deepEqual(w.lruvec.minSeq, [2, 2]);
  assert.equal(w.lruvec.maxSeq, 3);
  assert.equal(w.m.workingset.lru_gen_refault(w.lruvec, 1, 0, true), false, "token 1 != min_seq 2");
  assert.equal(w.m.workingset.lru_gen_refault(w.lruvec, 1, 0, true), false, "no shadow left: not a refault");
  assert.deepEqual([...w.m.workingset.refaults], [2]);
  assert.deepEqual([...w.m.workingset.activates], [1]);
  assert.deepEqual([...w.m.workingset.restores], [1], "in a fault: refs 3 + PG_workingset");
  assert.equal(w.lruvec.refs[0], 3);
});
