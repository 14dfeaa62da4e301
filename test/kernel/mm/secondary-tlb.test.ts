import { test } from "node:test";
import assert from "node:assert/strict";
import { RandomStreams } from "../../../src/sim/random";
import { Simulation } from "../../../src/sim/simulation";
import { SecondaryTlb } from "../../../src/kernel/mm/secondary-tlb";
import { AnonAddressSpace } from "../../../src/kernel/mm/anon-address-space";

test("secondary TLB: insert, lookup, random eviction when full, range invalidation over indexes or slots", () => {
  const tlb = new SecondaryTlb("t", 100, 3, new RandomStreams(7).stream("victim"), true);
  tlb.insert(10, 1);
  tlb.insert(20, 2);
  tlb.insert(10, 3); // refill of a held index: no new entry
  assert.deepEqual([tlb.size, tlb.lookup(10), tlb.lookup(20), tlb.lookup(30)], [2, 3, 2, 0]);
  tlb.insert(30, 4);
  tlb.insert(40, 5); // full: one of 10, 20, 30 goes
  assert.equal(tlb.size, 3);
  assert.equal(tlb.evictions, 1);
  assert.equal([10, 20, 30].filter((a) => tlb.lookup(a) !== 0).length, 2);
  assert.equal(tlb.lookup(40), 5);
  assert.equal(tlb.invalidateRange(0, 100), 3); // wider than the TLB: walks the slots
  assert.equal(tlb.size, 0);
  tlb.insert(5, 9);
  tlb.insert(6, 9);
  assert.equal(tlb.invalidateRange(6, 7), 1); // narrow: walks the indexes
  assert.deepEqual([tlb.lookup(5), tlb.lookup(6)], [9, 0]);
});

test("drainOnFlush drops fills in flight in the range only; without it nothing is dropped", () => {
  for (const drain of [true, false]) {
    const tlb = new SecondaryTlb("t", 10, 4, new RandomStreams(1).stream("v"), drain);
    const a = tlb.beginFill(2);
    const b = tlb.beginFill(8);
    tlb.invalidateRange(0, 5);
    assert.deepEqual([a.aborted, b.aborted], [drain, false]);
    tlb.endFill(a);
    tlb.endFill(b);
    assert.equal(tlb.fillsInFlight, 0);
  }
});

test("page lifetimes: a pin keeps a gathered page allocated until unpin frees it; fresh ids never repeat", () => {
  const sim = new Simulation();
  const mm = new AnonAddressSpace(sim, "mm", 3);
  assert.equal(mm.populate(), 3);
  const tlb = new SecondaryTlb("sptes", 3, 3, new RandomStreams(1).stream("v"), false);
  mm.secondary.push(tlb);
  mm.pin(2);
  const page = mm.ptep_get_and_clear(1);
  assert.equal(page, 2);
  assert.equal(mm.isFreed(1, 2), false); // gathered
  mm.freeGathered(1, 2);
  assert.equal(mm.isFreed(1, 2), false); // pinned
  assert.equal(mm.pagesFreed, 0);
  tlb.insert(1, 2); // a translation taken while pinned...
  mm.unpin(2); // ...outlives the page: stale at the free that unpin does
  assert.equal(mm.pagesFreed, 1);
  assert.equal(mm.staleTranslations, 1);
  assert.equal(mm.isFreed(1, 2), true);
  assert.equal(mm.mapNewPage(1), 4);
  assert.throws(() => mm.unpin(2), /not pinned/);
  const other = new SecondaryTlb("dev", 3, 3, new RandomStreams(1).stream("v"), false);
  mm.checkInsert(other, 0, mm.pte[0]); // a mapped page is live
  mm.checkInsert(other, 1, 2);
  assert.equal(mm.staleTranslations, 2);
});
