// The MGLRU reclaimer loop's lock traffic (aging walk, rmap check, unmap, page-out), with exact traces.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../../src/sim/simulation";
import { KvmMmuLock } from "../../../src/kernel/kvm/mmu-lock";
import type { KvmVm } from "../../../src/kernel/kvm/kvm-vm";
import {
  ReclaimStats,
  try_to_shrink_lruvec,
  type ReclaimerConfig,
  type SecondaryMmuAging,
} from "../../../src/kernel/mm/mglru-reclaim-lock-traffic";

function reclaim(mode: SecondaryMmuAging, untilNs: number, extra: Partial<ReclaimerConfig> = {}) {
  const sim = new Simulation({ trace: true });
  const kvm: KvmVm = {
    sim,
    mmu_lock: new KvmMmuLock(sim, { kind: "qrwlock", cpus: 1, lineTransferNs: 60, localAtomicNs: 5 }),
  };
  const stats = new ReclaimStats();
  const cfg: ReclaimerConfig = {
    secondaryMmuAging: mode,
    agingPageNs: 30,
    pagesPerAgingCall: 1,
    agingBatchPages: 2,
    evictBatchPages: 1,
    unmapHoldNs: () => 1000,
    invalidateEndHoldNs: 100,
    pageoutNs: () => 0,
    idleNs: () => 0,
    ...extra,
  };
  sim.spawn("kswapd0", (self) => try_to_shrink_lruvec(kvm, self, 0, cfg, stats));
  sim.run({ until: untilNs });
  return { lines: sim.trace!.lines((e) => e.on !== "mmu_lock"), stats };
}

test("read-lock aging: walk_mm (2 calls), folio_referenced (1 call), then unmap and invalidate_range_end", () => {
  const { lines, stats } = reclaim("read", 1241);
  assert.deepEqual(lines, [
    "0 kswapd0 ask aging",
    "5 kswapd0 hold aging",
    "35 kswapd0 release aging",
    "35 kswapd0 ask aging", // its atomic queues behind the release atomic (35..40): in at 45
    "45 kswapd0 hold aging",
    "75 kswapd0 release aging",
    "75 kswapd0 ask aging", // folio_referenced: the notifier on the target page
    "85 kswapd0 hold aging",
    "115 kswapd0 release aging",
    "115 kswapd0 ask unmap",
    "125 kswapd0 hold unmap",
    "1125 kswapd0 release unmap",
    "1125 kswapd0 ask invalidate-end",
    "1135 kswapd0 hold invalidate-end",
    "1235 kswapd0 release invalidate-end",
    // page-out (0 ns) after the 5 ns release atomic; the next round's walk starts at 1240
    "1240 kswapd0 ask aging",
  ]);
  assert.equal(stats.agedPages, 3);
  assert.equal(stats.agingNs, 115);
  assert.equal(stats.evictedPages, 1);
  assert.equal(stats.rounds, 1);
});

test("lockless aging takes no lock; faults-only does not consult KVM at all", () => {
  const lockless = reclaim("lockless", 1200);
  assert.deepEqual(lockless.lines.slice(0, 2), ["90 kswapd0 ask unmap", "95 kswapd0 hold unmap"]);
  assert.equal(lockless.stats.agingNs, 90);
  const none = reclaim("none", 1200);
  assert.deepEqual(none.lines.slice(0, 2), ["0 kswapd0 ask unmap", "5 kswapd0 hold unmap"]);
  assert.equal(none.stats.agedPages, 0);
});

test("a random initial phase shortens only the first walk", () => {
  const { stats } = reclaim("lockless", 5000, {
    agingBatchPages: 10,
    initialPhase: 0.7,
    evictBatchPages: 1,
    unmapHoldNs: () => 100000,
  });
  assert.equal(stats.agedPages, 3 + 1, "first walk: 3 of 10 pages, then the rmap check");
});

test("a reclaimer with nothing to do is refused rather than spinning in zero time", () => {
  assert.throws(() => reclaim("none", 100, { evictBatchPages: 0 }), /neither ages KVM nor evicts/);
});
