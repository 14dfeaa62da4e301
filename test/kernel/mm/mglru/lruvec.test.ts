// The lruvec's generations and lists against include/linux/mm_inline.h and mm/vmscan.c (6.6) on hand-sized cases.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Lruvec } from "../../../../src/kernel/mm/mglru/lruvec";
import { InvariantViolation } from "../../../../src/sim/invariant";
import { lru_gen_from_seq, suitable_to_scan } from "../../../../src/kernel/mm/mglru/constants";

test("a new lruvec has two generations (min_seq 0, max_seq 1); folios go to the head, scanning takes the tail", () => {
  const lv = new Lruvec(8);
  assert.equal(lv.nrGens, 2);
  lv.addFolio(1, 1);
  lv.addFolio(2, 1);
  lv.addFolio(3, 1, true); // reclaiming: list_add_tail
  assert.deepEqual(lv.listContents(1), [2, 1, 3]);
  assert.equal(lv.tailOf(1), 3);
  assert.equal(lv.sizeOfGen(1), 3);
  assert.throws(() => lv.addFolio(1, 1), InvariantViolation);
  assert.throws(() => lv.addFolio(4, 2), /outside \[0, 1\]/);
  lv.checkConsistency();
});

test("folio_update_gen moves the flag and the size counts but not the list; sort-time moves fix the list", () => {
  const lv = new Lruvec(8);
  lv.addFolio(5, 0);
  lv.inc_max_seq(); // max_seq 2
  assert.equal(lv.folio_update_gen(5, lru_gen_from_seq(2)), 0);
  assert.equal(lv.sizeOfGen(0), 0);
  assert.equal(lv.sizeOfGen(2), 1);
  assert.deepEqual(lv.listContents(0), [5]); // still physically on the oldest list
  assert.equal(lv.try_to_inc_min_seq(), false); // list_empty() is what counts
  lv.moveToHead(5, 2);
  assert.equal(lv.try_to_inc_min_seq(), true);
  assert.deepEqual(lv.minSeq, [1, 1]);
  lv.checkConsistency();
});

test("try_to_inc_min_seq keeps MIN_NR_GENS generations even when the older ones are empty", () => {
  const lv = new Lruvec(4);
  lv.inc_max_seq();
  lv.inc_max_seq(); // seqs 0..3, all empty
  assert.equal(lv.try_to_inc_min_seq(), true);
  assert.deepEqual(lv.minSeq, [2, 2]);
  assert.equal(lv.nrGens, 2);
});

test("inc_max_seq with four generations folds the oldest into the next: after its own folios, in reverse order", () => {
  const lv = new Lruvec(16);
  for (const f of [1, 2, 3]) lv.addFolio(f, 0); // gen 0 list, head->tail: 3 2 1 (1 is the oldest)
  lv.addFolio(4, 1);
  lv.inc_max_seq();
  lv.inc_max_seq(); // max_seq 3: four generations
  lv.addFolio(6, 0);
  lv.folio_update_gen(6, lru_gen_from_seq(3)); // the walk promoted folio 6
  assert.equal(lv.nrGens, 4);
  lv.inc_max_seq(); // inc_min_seq, then max_seq 4
  assert.deepEqual(lv.minSeq, [1, 1]);
  assert.equal(lv.maxSeq, 4);
  // kernel: lru_to_folio takes 6 (promoted: to gen 3's tail), then 1, 2, 3 to gen 1's tail, one by one
  assert.deepEqual(lv.listContents(1), [4, 1, 2, 3]);
  assert.equal(lv.tailOf(1), 3, "the youngest of the folded folios is scanned first");
  assert.deepEqual(lv.listContents(3), [6]);
  assert.deepEqual([...lv.gen.subarray(1, 5)], [1, 1, 1, 1]);
  assert.equal(lv.sizeOfGen(1), 4);
  lv.checkConsistency();
});

test("the timestamps of new generations are their birth times", () => {
  let now = 0;
  const lv = new Lruvec(4, 1, () => now);
  now = 5_000;
  lv.inc_max_seq();
  assert.equal(lv.timestamps[lru_gen_from_seq(2)], 5_000);
});

test("suitable_to_scan: at least one young PTE per eight", () => {
  assert.equal(suitable_to_scan(512, 64), true);
  assert.equal(suitable_to_scan(512, 63), false);
  assert.equal(suitable_to_scan(4, 1), true);
  assert.equal(suitable_to_scan(9, 1), false);
});

test("seqOfGen maps live generation indexes back to sequence numbers", () => {
  const lv = new Lruvec(4);
  for (let i = 0; i < 5; i++) {
    lv.inc_max_seq();
    lv.try_to_inc_min_seq();
  }
  for (let seq = lv.minSeq[0]; seq <= lv.maxSeq; seq++) assert.equal(lv.seqOfGen(lru_gen_from_seq(seq)), seq);
});
