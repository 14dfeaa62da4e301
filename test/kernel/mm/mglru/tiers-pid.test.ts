// Tiers, the refault PID controller and the anon/file choice of mm/vmscan.c and mm/swap.c (6.6), on hand-built
// counters and lists; the MIN_NR_GENS guard of scan_folios (D15).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Lruvec, PG_referenced, PG_workingset } from "../../../../src/kernel/mm/mglru/lruvec";
import { Mglru } from "../../../../src/kernel/mm/mglru/mglru";
import { AddressSpace } from "../../../../src/kernel/mm/mglru/address-space";
import {
  LRU_GEN_ANON,
  LRU_GEN_FILE,
  lru_gen_from_seq,
  lru_tier_from_refs,
  MAX_NR_TIERS,
} from "../../../../src/kernel/mm/mglru/constants";
import { folio_inc_refs, folio_lru_refs, folio_tier } from "../../../../src/kernel/mm/mglru/tiers";
import {
  get_tier_idx,
  get_type_to_scan,
  positive_ctrl_err,
  read_ctrl_pos,
} from "../../../../src/kernel/mm/mglru/pid-controller";
import { evict_folios, isolate_folios, scan_folios } from "../../../../src/kernel/mm/mglru/evict";

const T = MAX_NR_TIERS;

/** An lruvec whose PID inputs are set by hand: [type][tier] = [refaulted, evicted]. */
function counters(set: Array<[number, number, number, number]>): Lruvec {
  const lv = new Lruvec(8);
  for (const [type, tier, refaulted, evicted] of set) {
    lv.refaulted[type * T + tier] = refaulted;
    lv.evicted[type * T + tier] = evicted;
  }
  return lv;
}

/** A world of `anon` anon pages (one tab) and `file` page-cache pages (read(), no mapping), all anon first. */
function world(anon: number, file: number, swappiness = 60) {
  const as = new AddressSpace(AddressSpace.slotsFor([anon, Math.max(1, file)]));
  const tab = as.addVma(as.addMm("tab"), anon, "anon");
  const cache = as.addVma(as.addMm("page-cache"), Math.max(1, file), "pagecache");
  const lv = new Lruvec(as.slots, 1);
  for (let s = cache.start; s < cache.end; s++) lv.type[s] = LRU_GEN_FILE;
  const m = new Mglru(as, lv, { mmWalk: true, clearYoungNotify: false, swappiness });
  const evicted: number[] = [];
  m.onEvict = (f) => evicted.push(f);
  return { as, lv, m, tab, cache, evicted };
}

test("folio_inc_refs: PG_referenced, then PG_workingset, then refs up to 3; tiers 0, 0, 1, 2, 2, 3", () => {
  const lv = new Lruvec(1);
  const tiers = [folio_tier(lv, 0)];
  for (let i = 0; i < 6; i++) {
    folio_inc_refs(lv, 0);
    tiers.push(folio_tier(lv, 0));
  }
  assert.deepEqual(tiers, [0, 0, 1, 2, 2, 3, 3]);
  assert.equal(lv.flags[0] & (PG_referenced | PG_workingset), PG_referenced | PG_workingset);
  assert.equal(lv.refs[0], 3);
  assert.equal(folio_lru_refs(lv, 0), 4);
  assert.deepEqual([0, 1, 2, 3, 4].map(lru_tier_from_refs), [0, 1, 2, 2, 3]);
});

test("positive_ctrl_err: fewer than MIN_LRU_BATCH refaults is always positive; else refault rates weighted by gains", () => {
  assert.equal(positive_ctrl_err({ refaulted: 0, total: 10, gain: 1 }, { refaulted: 63, total: 64, gain: 1 }), true);
  // 100 * (1000 + 64) * 60 = 6,384,000 <= (100 + 1) * 1000 * 140 = 14,140,000
  assert.equal(
    positive_ctrl_err({ refaulted: 100, total: 1000, gain: 60 }, { refaulted: 100, total: 1000, gain: 140 }),
    true,
  );
  // 100 * 1064 * 140 = 14,896,000 > 101 * 1000 * 60 = 6,060,000
  assert.equal(
    positive_ctrl_err({ refaulted: 100, total: 1000, gain: 140 }, { refaulted: 100, total: 1000, gain: 60 }),
    false,
  );
});

test("get_type_to_scan: file refaulting more than anon means anon is scanned, and the reverse", () => {
  // anon tier 0 refaults 10%, file tier 0 50%: 500 * 1064 * 60 = 31,920,000 > 101 * 1000 * 140: anon
  assert.equal(
    get_type_to_scan(
      counters([
        [LRU_GEN_ANON, 0, 100, 1000],
        [LRU_GEN_FILE, 0, 500, 1000],
      ]),
      60,
    ).type,
    LRU_GEN_ANON,
  );
  // file refaults little (under MIN_LRU_BATCH): file
  assert.equal(
    get_type_to_scan(
      counters([
        [LRU_GEN_ANON, 0, 100, 1000],
        [LRU_GEN_FILE, 0, 10, 1000],
      ]),
      60,
    ).type,
    LRU_GEN_FILE,
  );
});

test("get_type_to_scan: at equal refault rates swappiness decides (60: file; 140: anon)", () => {
  const lv = counters([
    [LRU_GEN_ANON, 0, 100, 1000],
    [LRU_GEN_FILE, 0, 100, 1000],
  ]);
  assert.equal(get_type_to_scan(lv, 60).type, LRU_GEN_FILE);
  assert.equal(get_type_to_scan(lv, 140).type, LRU_GEN_ANON);
});

test("the averages: read_ctrl_pos adds them, and reset_ctrl_pos halves counters into them when min_seq moves", () => {
  const lv = counters([[LRU_GEN_FILE, 1, 90, 300]]);
  lv.protected[LRU_GEN_FILE * T + 0] = 100; // protected[tier - 1] counts toward tier 1's total
  assert.deepEqual(read_ctrl_pos(lv, LRU_GEN_FILE, 1, 2), { refaulted: 90, total: 400, gain: 2 });
  lv.reset_ctrl_pos(LRU_GEN_FILE, true);
  assert.deepEqual(read_ctrl_pos(lv, LRU_GEN_FILE, 1, 2), { refaulted: 45, total: 200, gain: 2 });
  assert.equal(lv.refaulted[LRU_GEN_FILE * T + 1], 0, "NR_HIST_GENS == 1: cleared");
});

test("get_tier_idx: a tier refaulting more than twice tier 0's rate is protected, with those above it", () => {
  // tier 0: 100/1000; tier 1: 80/1000 (not above 2x); tier 2: 500/1000 (5x): tiers 2 and 3 protected
  const lv = counters([
    [LRU_GEN_FILE, 0, 100, 1000],
    [LRU_GEN_FILE, 1, 80, 1000],
    [LRU_GEN_FILE, 2, 500, 1000],
  ]);
  assert.equal(get_tier_idx(lv, LRU_GEN_FILE), 1);
  assert.equal(get_tier_idx(counters([[LRU_GEN_FILE, 0, 100, 1000]]), LRU_GEN_FILE), 3);
});

test("isolate_folios' obvious choices: anon when its min_seq trails, file at swappiness 1, anon at 200", () => {
  const w = world(64, 64);
  for (let s = 0; s < 64; s++) w.lv.addFolio(s, 0);
  for (let s = w.cache.start; s < w.cache.end; s++) w.lv.addFolio(s, 0);
  w.lv.inc_max_seq(); // seqs 0..2
  const buf = new Int32Array(64);
  const undo = (n: number) => {
    for (let i = 0; i < n; i++) w.lv.addFolio(buf[i], 0);
  };
  let r = isolate_folios(w.m, 1, buf);
  assert.equal(r[2], LRU_GEN_FILE);
  undo(r[1]);
  r = isolate_folios(w.m, 200, buf);
  assert.equal(r[2], LRU_GEN_ANON);
  undo(r[1]);
  w.lv.minSeq[LRU_GEN_FILE] = 1; // as if file's oldest generation had emptied first
  for (let s = w.cache.start; s < w.cache.end; s++) {
    w.lv.delFolio(s);
    w.lv.addFolio(s, 1);
  }
  r = isolate_folios(w.m, 1, buf);
  assert.equal(r[2], LRU_GEN_ANON, "min_seq[anon] 0 < min_seq[file] 1");
});

test("sort_folio protects a page-cache folio above tier_idx into the next generation, refs cleared, counted", () => {
  const w = world(64, 64, 1); // swappiness 1: file first
  w.lv.inc_max_seq(); // seqs 0..2
  for (let s = 0; s < 64; s++) w.lv.addFolio(s, 0); // anon in the oldest too: min_seq cannot move
  const hot = w.cache.start;
  for (let s = w.cache.start; s < w.cache.end; s++) w.lv.addFolio(s, 0);
  for (let i = 0; i < 4; i++) folio_inc_refs(w.lv, hot); // tier 2
  // the controller's tier_idx for file, with no refault history, is 3: raise tier 1's refaults so tier_idx = 0
  w.lv.refaulted[LRU_GEN_FILE * T + 1] = 1000;
  w.lv.evicted[LRU_GEN_FILE * T + 1] = 1000;
  assert.equal(get_tier_idx(w.lv, LRU_GEN_FILE), 0);
  const r = evict_folios(w.m);
  assert.equal(r.type, LRU_GEN_FILE);
  assert.equal(w.lv.gen[hot], lru_gen_from_seq(1), "protected into min_seq + 1");
  assert.equal(w.lv.refs[hot], 0);
  assert.equal(w.lv.flags[hot] & (PG_referenced | PG_workingset), 0);
  assert.equal(w.lv.protected[LRU_GEN_FILE * T + 1], 1, "protected[tier - 1], tier 2");
  assert.equal(w.evicted.length, 63, "the other 63 page-cache folios, unmapped and clean, were dropped");
  assert.deepEqual(w.lv.minSeq, [0, 0]);
  assert.equal(w.m.workingset.shadow[w.cache.start + 1], 0, "their shadow: min_seq[file] when evicted");
});

test("a refault in a fault that was recent gets refs 3 + PG_workingset (tier 3), which sort_folio always protects once", () => {
  const w = world(64, 0);
  for (let s = 1; s < 64; s++) {
    w.as.mapPte(s);
    w.as.young[s] = 0;
    w.lv.addFolio(s, 0);
  }
  w.m.workingset.shadow[0] = 0; // evicted at min_seq 0
  assert.equal(w.m.workingset.lru_gen_refault(w.lv, 0, 0, true), true);
  assert.equal(folio_lru_refs(w.lv, 0), 4);
  assert.equal(w.lv.refaulted[LRU_GEN_ANON * T + 0], 1, "counted in its tier at eviction (refs 0)");
  w.as.mapPte(0);
  w.as.young[0] = 0;
  w.lv.addFolio(0, 0); // as if it had sunk to the oldest generation with its flags intact
  w.lv.inc_max_seq();
  const r = evict_folios(w.m, 200);
  assert.equal(r.isolated, 63);
  assert.equal(w.lv.gen[0], lru_gen_from_seq(1), "refs == BIT(LRU_REFS_WIDTH): protected (6.6.8 sort_folio)");
});

test("scan_folios returns 0 for a type down to MIN_NR_GENS generations, even with folios in its oldest (D15)", () => {
  const w = world(64, 64);
  for (let s = w.cache.start; s < w.cache.end; s++) w.lv.addFolio(s, 0);
  assert.equal(w.lv.get_nr_gens(LRU_GEN_FILE), 2);
  const buf = new Int32Array(64);
  assert.deepEqual(scan_folios(w.m, LRU_GEN_FILE, 3, buf), [0, 0]);
  assert.equal(w.lv.listContents(0, LRU_GEN_FILE).length, 64, "nothing isolated from max_seq - 1");
  w.lv.inc_max_seq();
  assert.deepEqual(scan_folios(w.m, LRU_GEN_FILE, 3, buf), [64, 64]);
});

test("a read() page-cache page is added at min_seq while min_seq + MIN_NR_GENS >= max_seq, else at min_seq + 1", () => {
  const w = world(8, 8);
  const f = w.cache.start;
  assert.equal(w.lv.lru_gen_add_folio(f), 0, "two generations: min_seq");
  w.lv.delFolio(f);
  w.lv.inc_max_seq();
  assert.equal(w.lv.lru_gen_add_folio(f), 0, "three (0 + 2 >= 2): min_seq");
  w.lv.delFolio(f);
  w.lv.inc_max_seq();
  assert.equal(w.lv.lru_gen_add_folio(f), 1, "four: min_seq + 1");
  w.lv.delFolio(f);
  w.lv.flags[f] |= 4; // PG_active, as a mapped file's fault sets it
  assert.equal(w.lv.lru_gen_add_folio(f), 3, "active: max_seq");
  w.lv.checkConsistency();
});

test("the two types' oldest generations advance together (6.6 try_to_inc_min_seq with swap)", () => {
  const w = world(8, 8);
  w.lv.inc_max_seq();
  w.lv.inc_max_seq(); // seqs 0..3
  for (let s = 0; s < 8; s++) w.lv.addFolio(s, 0);
  for (let s = w.cache.start; s < w.cache.start + 8; s++) w.lv.addFolio(s, 1);
  assert.equal(w.lv.try_to_inc_min_seq(), false, "file's 0 is empty but anon's is not: neither moves");
  assert.deepEqual(w.lv.minSeq, [0, 0]);
  for (let s = 0; s < 8; s++) {
    w.lv.folio_update_gen(s, lru_gen_from_seq(3));
    w.lv.moveToHead(s, lru_gen_from_seq(3));
  }
  assert.equal(w.lv.try_to_inc_min_seq(), true);
  assert.deepEqual(w.lv.minSeq, [1, 1], "anon could go to 2 but is held at file's 1");
  w.lv.checkConsistency();
});
