import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../../src/sim/simulation";
import { RandomStreams } from "../../../src/sim/random";
import { AnonAddressSpace } from "../../../src/kernel/mm/anon-address-space";
import {
  MmuIntervalSubscriptions,
  mmu_interval_read_begin,
  mmu_interval_read_retry,
  mmu_interval_set_seq,
} from "../../../src/kernel/mm/mmu-interval-notifier";
import { SecondaryFaultStats } from "../../../src/kernel/mm/secondary-fault";
import { SecondaryTlb } from "../../../src/kernel/mm/secondary-tlb";
import { HmmMirror, hmm_mirror_fault } from "../../../src/kernel/drivers/hmm-mirror";
import { spawnRangeZap } from "../../helpers/zap-race";

// mm/mmu_notifier.c @c2818c9a: invalidate_seq starts at 2, a subscription at invalidate_seq - 1; inv_start_range
// makes it odd when a subscription overlaps, the driver's invalidate sets the subscription's seq to it, the last
// inv_end makes it even and wakes read_begin's sleepers.
test("interval notifier sequence: read_begin, set_seq, read_retry, and read_begin waiting out an invalidation", () => {
  const sim = new Simulation();
  const itree = new MmuIntervalSubscriptions(sim);
  const sub = itree.mmu_interval_notifier_insert("dev", 10, 10, { invalidate: function* () {}, invalidateNs: () => 0 });
  assert.deepEqual([itree.invalidate_seq, sub.invalidate_seq, sub.start, sub.last], [2, 1, 10, 19]);
  // A range that misses the subscription leaves the seq even: nobody waits, nothing retries.
  const miss = itree.mn_itree_inv_start_range(0, 10);
  assert.deepEqual([miss.curSeq, miss.subs.length, itree.active_invalidate_ranges], [2, 0, 1]);
  const got: Array<[string, number, number]> = [];
  sim.spawn("early", function* () {
    got.push(["early", yield* mmu_interval_read_begin(sub), sim.now]);
  });
  sim.run();
  itree.mn_itree_inv_end({ name: "zap" } as never);
  assert.equal(itree.invalidate_seq, 2);
  // An overlapping one: odd while it runs; the driver sets the subscription's seq; a reader from before retries.
  const hit = itree.mn_itree_inv_start_range(15, 30);
  assert.deepEqual([hit.curSeq, hit.subs.length], [3, 1]);
  mmu_interval_set_seq(sub, hit.curSeq);
  assert.equal(mmu_interval_read_retry(sub, 1), true);
  sim.spawn("during", function* () {
    const seq = yield* mmu_interval_read_begin(sub);
    got.push(["during", seq, sim.now]);
  });
  sim.schedule(40, () => itree.mn_itree_inv_end({ name: "zap" } as never));
  sim.run();
  assert.deepEqual(got, [
    ["early", 1, 0],
    ["during", 3, 40], // slept until inv_end made the seq even (4)
  ]);
  assert.deepEqual([itree.invalidate_seq, itree.readBeginWaits], [4, 1]);
  assert.equal(mmu_interval_read_retry(sub, 3), false);
});

/**
 * Four pages, one PT page; a mirror whose invalidate takes driver->update and spends 7 ns on the device. The zap
 * starts at `zapAt` (10 ns per PTE, one 100 ns TLB flush, 1 ns per freed page); a device fault on page 2 at
 * `faultAt` (2 ns to read_begin, `walkNs` from its walk to taking driver->update, 5 ns CPU fault for a pte_none).
 */
function mirrorRace(zapAt: number, faultAt: number, walkNs: number) {
  const sim = new Simulation({ trace: true });
  const mm = new AnonAddressSpace(sim, "mm", 4);
  mm.populate();
  mm.strict = true;
  const tlb = new SecondaryTlb("mirror pt", 4, 4, new RandomStreams(1).stream("victim"), false);
  mm.secondary.push(tlb);
  const itree = new MmuIntervalSubscriptions(sim);
  const mirror = new HmmMirror(sim, itree, 4, { invalidateNs: 7, tlb });
  spawnRangeZap(sim, mm, itree, zapAt);
  const stats = new SecondaryFaultStats();
  sim.spawn("dev", function* (self) {
    yield faultAt;
    yield* hmm_mirror_fault(
      { mirror, tlb, mm, timing: { preWalkNs: 2, walkToInsertNs: walkNs, cpuFaultNs: 5 }, stats },
      self,
      2,
    );
  });
  sim.run();
  return { lines: sim.trace!.lines(), mm, stats, tlb, mirror };
}

test("interval-notifier: a fill that walked before the invalidation retries under driver->update, waits it out, maps the new page", () => {
  const { lines, mm, stats, tlb } = mirrorRace(3, 0, 4);
  assert.deepEqual(lines, [
    "0 dev miss 2",
    "2 dev walk 2=p3 seq1", // read_begin: seq 1, no invalidation; hmm_range_fault reads p3
    "3 zap zap_begin [0,4)",
    "3 zap invalidate_range_start itree [0,4)",
    "3 zap mn_itree_inv_start_range seq3", // invalidate_seq |= 1
    "3 zap acquired-write driver->update",
    "3 zap mirror_invalidate [0,4) seq3", // mmu_interval_set_seq(sub, 3), device flush 7 ns
    "6 dev wait-write driver->update",
    "10 zap release driver->update",
    "10 dev acquired-write driver->update",
    "10 zap acquired ptl0",
    "10 dev release driver->update",
    "10 dev read_retry 2", // 3 != 1: p3 is never programmed
    "10 dev read_begin_wait seq3", // sub seq == subscriptions seq: sleeps on the wq
    "50 zap release ptl0",
    "50 zap invalidate_range_end itree [0,4)",
    "50 zap mn_itree_inv_end seq4", // even again, wake_up_all
    "50 zap tlb_flush [0,4)",
    "50 dev pte_none 2",
    "55 dev acquired ptl0",
    "55 dev release ptl0",
    "55 dev walk 2=p5 seq3",
    "59 dev acquired-write driver->update",
    "59 dev program_device 2=p5", // read_retry(3) false
    "59 dev release driver->update",
    "150 zap free_pages 4", // p1..p4 freed with no device translation to them
    "154 zap zap_end [0,4)",
  ]);
  assert.equal(mm.staleTranslations, 0);
  assert.equal(tlb.lookup(2), 5);
  assert.deepEqual([stats.faults, stats.retries, stats.heldOff, stats.cpuFaults], [1, 2, 1, 1]);
});

test("interval-notifier: a fill that programs the device before the invalidation takes driver->update is flushed by it", () => {
  const { lines, mm, stats, tlb } = mirrorRace(5, 0, 2);
  assert.deepEqual(lines, [
    "0 dev miss 2",
    "2 dev walk 2=p3 seq1",
    "4 dev acquired-write driver->update",
    "4 dev program_device 2=p3", // read_retry(1) false: no invalidation yet
    "4 dev release driver->update",
    "5 zap zap_begin [0,4)",
    "5 zap invalidate_range_start itree [0,4)",
    "5 zap mn_itree_inv_start_range seq3",
    "5 zap acquired-write driver->update",
    "5 zap mirror_invalidate [0,4) seq3", // removes 2=p3 from the device before any PTE is cleared
    "12 zap release driver->update",
    "12 zap acquired ptl0",
    "52 zap release ptl0",
    "52 zap invalidate_range_end itree [0,4)",
    "52 zap mn_itree_inv_end seq4",
    "52 zap tlb_flush [0,4)",
    "152 zap free_pages 4",
    "156 zap zap_end [0,4)",
  ]);
  assert.equal(mm.staleTranslations, 0);
  assert.equal(tlb.lookup(2), 0);
  assert.deepEqual([stats.faults, stats.retries, stats.heldOff], [1, 0, 0]);
});
