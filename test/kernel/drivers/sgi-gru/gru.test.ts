import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../../../src/sim/simulation";
import { RandomStreams } from "../../../../src/sim/random";
import { AnonAddressSpace } from "../../../../src/kernel/mm/anon-address-space";
import { SecondaryFaultStats } from "../../../../src/kernel/mm/secondary-fault";
import { SecondaryTlb } from "../../../../src/kernel/mm/secondary-tlb";
import { GRUMAXINVAL, GruMmStruct } from "../../../../src/kernel/drivers/sgi-gru/grutlbpurge";
import { gru_user_dropin } from "../../../../src/kernel/drivers/sgi-gru/grufault";
import { spawnRangeZap } from "../../../helpers/zap-race";

/**
 * Four pages, one PT page. The zap starts at 0 (range_start flushes for 7 ns, then 10 ns per PTE, one TLB flush of
 * 100 ns, 1 ns per freed page); a device fault on page 2 arrives at 3 ns (2 ns to the check, 4 ns walk-to-insert,
 * 5 ns CPU fault for a pte_none page).
 */
function race(holdOff: boolean, drain = true, zapAt = 0, faultAt = 3) {
  const sim = new Simulation({ trace: true });
  const mm = new AnonAddressSpace(sim, "mm", 4);
  mm.populate(); // pages p1..p4 at indexes 0..3
  mm.onStale = (s) => sim.record("mm", "STALE", `${s.addr}=p${s.page} (${s.when})`);
  const tlb = new SecondaryTlb("gru tlb", 4, 4, new RandomStreams(1).stream("victim"), drain);
  mm.secondary.push(tlb);
  const gms = new GruMmStruct(sim, "gru", {
    ops: ["invalidate_range_start", "invalidate_range_end"],
    holdOff,
    invalidateNs: 7,
    tlb,
  });
  spawnRangeZap(sim, mm, gms, zapAt);
  const stats = new SecondaryFaultStats();
  sim.spawn("dev", function* (self) {
    yield faultAt;
    yield* gru_user_dropin(
      { gms, tlb, mm, timing: { preWalkNs: 2, walkToInsertNs: 4, cpuFaultNs: 5 }, stats },
      self,
      2,
    );
  });
  sim.run();
  return { lines: sim.trace!.lines(), mm, stats, tlb };
}

test("start-end-block: a fill arriving during the invalidation waits on ms_wait_queue until range_end, then faults a new page in", () => {
  const { lines, mm, stats, tlb } = race(true);
  assert.deepEqual(lines, [
    "0 zap zap_begin [0,4)",
    "0 zap invalidate_range_start gru [0,4)",
    "0 zap gru_flush_tlb_range [0,4)",
    "3 dev miss 2",
    "5 dev failactive 2", // ms_range_active = 1
    "7 zap acquired ptl0",
    "47 zap release ptl0",
    "47 zap invalidate_range_end gru [0,4)", // wake_up_all
    "47 zap tlb_flush [0,4)",
    "47 dev pte_none 2",
    "52 dev acquired ptl0", // do_anonymous_page maps p5
    "52 dev release ptl0",
    "52 dev walk 2=p5",
    "56 dev tfh_write_restart 2=p5",
    "147 zap free_pages 4",
    "151 zap zap_end [0,4)",
  ]);
  assert.equal(mm.staleTranslations, 0);
  assert.equal(tlb.lookup(2), 5);
  assert.deepEqual([stats.faults, stats.retries, stats.heldOff, stats.cpuFaults], [1, 1, 1, 1]);
  assert.equal(stats.latencyNs.max, 53);
});

test("flush-at-start: a fill between the flush and the PTE clear caches a page that is then freed: a stale translation", () => {
  const { lines, mm } = race(false);
  assert.deepEqual(lines, [
    "0 zap zap_begin [0,4)",
    "0 zap invalidate_range_start gru [0,4)",
    "0 zap gru_flush_tlb_range [0,4)",
    "3 dev miss 2",
    "5 dev walk 2=p3", // nothing holds the fill off: it reads the still-present PTE
    "7 zap acquired ptl0",
    "9 dev tfh_write_restart 2=p3",
    "47 zap release ptl0",
    "47 zap invalidate_range_end gru [0,4)",
    "47 zap tlb_flush [0,4)",
    "147 zap free_pages 4",
    "147 mm STALE 2=p3 (free)",
    "151 zap zap_end [0,4)",
  ]);
  assert.equal(mm.staleTranslations, 1);
});

test("a fill that walked before range_start: dropped by the flush with drainOnFlush, a stale translation without", () => {
  const drained = race(true, true, 3, 0);
  assert.deepEqual(drained.lines.slice(0, 7), [
    "0 dev miss 2",
    "2 dev walk 2=p3",
    "3 zap zap_begin [0,4)",
    "3 zap invalidate_range_start gru [0,4)",
    "3 zap gru_flush_tlb_range [0,4)",
    "6 dev fill_dropped 2=p3", // the invalidate drained the fill in flight...
    "6 dev failactive 2", // ...which now finds the invalidation active and waits
  ]);
  assert.equal(drained.mm.staleTranslations, 0);
  assert.equal(drained.stats.aborted, 1);
  const open = race(true, false, 3, 0);
  assert.deepEqual(open.lines.slice(5, 6), ["6 dev tfh_write_restart 2=p3"]);
  assert.ok(open.lines.includes("150 mm STALE 2=p3 (free)"), open.lines.join("\n"));
  assert.equal(open.mm.staleTranslations, 1);
});

test("strict mode turns a stale translation into an invariant violation naming the page and the device", () => {
  const sim = new Simulation();
  const mm = new AnonAddressSpace(sim, "mm", 2);
  mm.populate();
  const tlb = new SecondaryTlb("gru tlb", 2, 2, new RandomStreams(1).stream("v"), true);
  mm.secondary.push(tlb);
  mm.strict = true;
  tlb.insert(1, mm.pte[1]);
  const page = mm.ptep_get_and_clear(1);
  assert.throws(
    () => mm.freeGathered(1, page),
    /invariant violated in mm secondary MMU at t=0 ns: page 2 at index 1 freed while gru tlb still translates to it/,
  );
});

// grutlbpurge.c gru_flush_tlb_range (torvalds/linux @1913c7f3): num = min(pages, GRUMAXINVAL) and one tgh_invalidate
// per GRU, whatever the range's size. The model said ceil(pages / 1024) before (review D9): 1 << 20 pages cost 1024.
test("gru_flush_tlb_range issues one TGH invalidate per range, whatever its size", () => {
  assert.equal(GRUMAXINVAL, 1024);
  const sim = new Simulation();
  const gms = new GruMmStruct(sim, "gru", { ops: ["invalidate_page"], holdOff: false, invalidateNs: 3000, tlb: null });
  assert.deepEqual(
    [1, 512, 1024, 1025, 1 << 20].map((n) => gms.calloutNs("invalidate_range_start", n)),
    [3000, 3000, 3000, 3000, 3000],
  );
  assert.equal(gms.calloutNs("invalidate_range_end", 1 << 20), 0);
  const done: number[] = [];
  sim.spawn("zap", function* (self) {
    yield* gms.gru_flush_tlb_range(self, 0, 1 << 20);
    done.push(sim.now);
  });
  sim.run();
  assert.deepEqual([gms.tghInvalidates, ...done], [1, 3000]);
});
