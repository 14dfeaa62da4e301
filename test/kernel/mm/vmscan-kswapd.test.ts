// Watermarks, kswapd and direct reclaim (mm/page_alloc.c and mm/vmscan.c, 6.6) with exact traces: kswapd wakes at
// WMARK_LOW, reclaims on its own time to WMARK_HIGH and sleeps; an allocation at WMARK_MIN reclaims in its own task.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../../src/sim/simulation";
import { AddressSpace } from "../../../src/kernel/mm/mglru/address-space";
import { Lruvec } from "../../../src/kernel/mm/mglru/lruvec";
import { Mglru } from "../../../src/kernel/mm/mglru/mglru";
import { calculate_min_free_kbytes, setup_per_zone_wmarks, Zone } from "../../../src/kernel/mm/page-alloc-watermarks";
import { Kswapd, KSWAPD_NAP_NS } from "../../../src/kernel/mm/vmscan-kswapd";
import { PageAllocator } from "../../../src/kernel/mm/page-alloc-slowpath";

test("watermarks as __setup_per_zone_wmarks sets them: 128 MiB and 4 GiB", () => {
  assert.equal(calculate_min_free_kbytes(131072), 1448);
  assert.deepEqual(setup_per_zone_wmarks(32768, 1448), { min: 362, low: 452, high: 542 }, "min / 4 > 0.1% of RAM");
  assert.equal(calculate_min_free_kbytes(4194304), 8192);
  assert.deepEqual(setup_per_zone_wmarks(1048576, 8192), { min: 2048, low: 3096, high: 4144 }, "0.1% of RAM");
  assert.deepEqual(new Zone(200).wmark, { min: 32, low: 40, high: 48 }, "min_free_kbytes clamped to 128");
  assert.equal(calculate_min_free_kbytes(2 ** 40), 262144);
});

/**
 * 128 anon pages of one tab in the oldest of three generations (no aging needed), host bits clear; a 200-page zone
 * (min 32, low 40, high 48). Each evicted folio costs 1,000 ns and each scanned one 100 ns. kswapd starts with the
 * node balanced (100 free), naps 100 ms and goes to sleep; at T0 = 200 ms the zone is set to `free` pages free.
 */
const T0 = 200_000_000;
function world(free: number) {
  const sim = new Simulation({ trace: true });
  const as = new AddressSpace(AddressSpace.slotsFor([128]));
  const tab = as.addVma(as.addMm("tab"), 128);
  const lv = new Lruvec(as.slots, 1, () => sim.now);
  lv.inc_max_seq();
  for (let s = tab.start; s < tab.end; s++) {
    as.mapPte(s);
    as.young[s] = 0;
    lv.addFolio(s, 0);
  }
  const m = new Mglru(as, lv, { mmWalk: true, clearYoungNotify: false }, sim);
  m.costs = { scanFolioNs: 100, shrinkFolioNs: 1000, swapOutNs: 0, walkPteNs: 0, notifierCallNs: 0 };
  const zone = new Zone(200);
  zone.free = 100;
  m.onEvict = () => zone.free++;
  const kswapd = new Kswapd(sim, m, zone);
  const alloc = new PageAllocator(m, zone, kswapd);
  sim.run({ until: T0 });
  zone.free = free;
  const kswapdLines = () => sim.trace!.lines().filter((l) => / kswapd (wakeup|nap|sleep|balance|oom)/.test(l));
  return { sim, m, lv, zone, kswapd, alloc, kswapdLines };
}

test("kswapd sleeps while free pages are above WMARK_LOW, wakes at it, reclaims to WMARK_HIGH on its own time", () => {
  const w = world(45);
  // a task takes a page every 10 us from T0
  const taken: number[] = [];
  w.sim.spawn("tab", function* () {
    for (let i = 0; i < 8; i++) {
      assert.equal(w.alloc.tryAlloc(), true);
      taken.push(w.zone.free);
      yield 10_000;
    }
  });
  w.sim.run({ until: T0 + 200_000_000 });
  // 45 .. 41 free: the fast path (> low 40); at T0 + 50 us the allocation finds 40: wakes kswapd, takes at > min
  const t = (us: number) => T0 + us * 1000;
  assert.deepEqual(w.kswapdLines(), [
    "0 kswapd nap free 100",
    `${KSWAPD_NAP_NS} kswapd sleep free 100`,
    `${t(50)} kswapd wakeup free 40`,
    // priorities 12..8 scan 128 >> p = 0 pages (nr_to_reclaim 48 < 64: no set_initial_priority); at 7 one batch
    // isolates and frees 64 at once, which costs kswapd 64 x 1.1 us = 70.4 us; the task meanwhile takes 2 pages
    `${t(50)} kswapd balance_pgdat free 39`,
    `${t(120.4)} kswapd balanced free 101 reclaimed 64 priority 7`,
    `${t(120.4)} kswapd nap free 101`,
    `${t(120.4) + KSWAPD_NAP_NS} kswapd sleep free 101`,
  ]);
  assert.deepEqual(taken, [44, 43, 42, 41, 40, 39, 102, 101]);
  assert.equal(w.kswapd.busyNs, 70_400, "kswapd's CPU time is its reclaim's cost");
  assert.equal(w.kswapd.wakeups, 1);
});

test("kswapd is not woken above WMARK_LOW, nor while it is already reclaiming", () => {
  const w = world(41);
  w.sim.spawn("tab", function* () {
    w.alloc.tryAlloc(); // 41 -> 40: fast path, no wake-up
    w.alloc.tryAlloc(); // at 40: wakes kswapd
    yield 1;
    w.alloc.tryAlloc(); // kswapd is reclaiming (its first step is under way): not waiting, no second wake-up
  });
  w.sim.run({ until: T0 + 1_000_000 });
  assert.equal(w.kswapd.wakeups, 1);
});

test("direct reclaim: an allocation at WMARK_MIN reclaims SWAP_CLUSTER_MAX pages itself and stalls for their cost", () => {
  const w = world(32); // = min: the fast path and the WMARK_MIN retry both fail
  let resumedAt = -1;
  w.sim.spawn("tab", function* (self) {
    assert.equal(w.alloc.tryAlloc(), false);
    yield* w.alloc.alloc_pages_slowpath(self);
    resumedAt = w.sim.now - T0;
  });
  w.sim.run({ until: T0 + 1_000_000 });
  // do_try_to_free_pages: priorities 12..8 find 128 >> p = 0 to scan; at 7 one evict_folios batch isolates 64
  // (MIN_LRU_BATCH, more than the 32 wanted) and frees them: 64 x (100 + 1000) ns, all in the allocating task
  assert.equal(resumedAt, 70_400);
  assert.equal(w.zone.free, 32 + 64 - 1);
  assert.equal(w.alloc.directReclaims, 1);
  assert.equal(w.alloc.directReclaimed, 64);
  // kswapd, woken by the same allocation, ran after the task's first step: balanced, nothing to reclaim
  assert.equal(w.kswapd.busyNs, 0);
  assert.deepEqual(w.kswapdLines().slice(2, 5), [
    `${T0} kswapd wakeup free 32`,
    `${T0} kswapd balance_pgdat free 96`,
    `${T0} kswapd balanced free 96 reclaimed 0 priority 12`,
  ]);
});

test("throttle_direct_reclaim: at or below half of WMARK_MIN the allocating task waits for kswapd", () => {
  const w = world(16); // min / 2 = 16: throttled
  let resumedAt = -1;
  w.sim.spawn("tab", function* (self) {
    yield* w.alloc.alloc_pages_slowpath(self);
    resumedAt = w.sim.now - T0;
  });
  w.sim.run({ until: T0 + 1_000_000 });
  // kswapd (woken by allow_direct_reclaim) frees 64 at once, costing it 70.4 us, and wakes the throttled task at the
  // end of its round; as in try_to_free_pages, the task then goes on into do_try_to_free_pages (another 64 in
  // 70.4 us of its own) before retrying the allocation
  assert.equal(resumedAt, 140_800);
  assert.equal(w.kswapd.busyNs, 70_400);
  assert.equal(w.alloc.directReclaimed, 64);
  assert.equal(w.zone.free, 16 + 64 + 64 - 1);
});
