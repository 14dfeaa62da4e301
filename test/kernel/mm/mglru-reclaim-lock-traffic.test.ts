// MGLRU's reclaim and aging as mmu_lock sees them: one walker per mm per generation (iterate_mm_list, walk_mm's
// overtaken check), the rmap path's look-around at eviction, and should_run_aging, with exact counts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../../src/sim/simulation";
import type { Process } from "../../../src/sim/process";
import { RandomStreams } from "../../../src/sim/random";
import { KvmMmuLock } from "../../../src/kernel/kvm/mmu-lock";
import type { KvmVm } from "../../../src/kernel/kvm/kvm-vm";
import {
  evict_folios,
  lru_gen_look_around,
  lruGenContext,
  run_aging,
  try_to_inc_max_seq,
  try_to_shrink_lruvec,
  type LruGenConfig,
  type ReclaimerStreams,
  type SecondaryMmuAging,
} from "../../../src/kernel/mm/mglru-reclaim-lock-traffic";
import { LruGenFolio, lookAroundWindow, MAX_NR_GENS } from "../../../src/kernel/mm/lru-gen-folio";

function setup(mode: SecondaryMmuAging, pages: number, extra: Partial<LruGenConfig> = {}, drained = 0, cpus = 4) {
  const sim = new Simulation({ trace: true });
  const kvm: KvmVm = {
    sim,
    mmu_lock: new KvmMmuLock(sim, { kind: "qrwlock", cpus, lineTransferNs: 60, localAtomicNs: 5 }),
    arch: "arm64",
  };
  const cfg: LruGenConfig = {
    secondaryMmuAging: mode,
    agingPageNs: 30,
    pagesPerAgingCall: 1,
    walkChunkPages: pages,
    evictBatchPages: 64,
    youngFraction: 0.25,
    unmapPages: 1,
    ...extra,
  };
  return { sim, kvm, ctx: lruGenContext([kvm], pages, cfg, drained) };
}

function streams(seed: number, r: number): ReclaimerStreams {
  const rs = new RandomStreams(seed);
  return {
    unmapHoldNs: () => 1000,
    invalidateEndHoldNs: 100,
    pageoutNs: () => 1000,
    idleNs: () => 0,
    young: rs.stream("reclaimer", r, "young"),
  };
}

test("look-around: an old folio costs one clear_young call; a young one its window too (65 calls), clipped to the VMA", () => {
  for (const [youngFraction, slot, calls, referenced] of [
    [0, 100, 1, false],
    [1, 100, 1 + 64, true], // window [68, 132) in the first PTE table
    [1, 0, 1 + 64, true], // at the VMA's start: [0, 64)
    [1, 2047, 1 + 64, true], // at its end: [1984, 2048)
  ] as Array<[number, number, number, boolean]>) {
    const { sim, ctx } = setup("read", 2048, { youngFraction });
    let got: boolean | null = null;
    sim.spawn("kswapd0", function* (self: Process) {
      got = yield* lru_gen_look_around(ctx, self, 0, slot, streams(1, 0));
    });
    sim.run();
    assert.equal(got, referenced, `youngFraction ${youngFraction} slot ${slot}`);
    assert.equal(ctx.stats.lookAroundCalls, calls);
    assert.equal(ctx.guests[0].kvm.mmu_lock.sites.aging.acquisitions, calls);
  }
  assert.deepEqual(lookAroundWindow(100, 0, 2048), [68, 132]);
  assert.deepEqual(lookAroundWindow(600, 512, 520), [512, 520], "a VMA smaller than the window");
});

test("evict_folios: old folios are unmapped (invalidate_range_start/_end) and refaulted, young ones kept", () => {
  const { sim, ctx, kvm } = setup("read", 2048, { youngFraction: 0, evictBatchPages: 3 });
  sim.spawn("kswapd0", function* (self: Process) {
    yield* evict_folios(ctx, self, 0, streams(1, 0));
  });
  sim.run();
  assert.equal(ctx.stats.evictedPages, 3);
  assert.equal(ctx.stats.lookAroundCalls, 3, "one rmap-path call per folio, none young");
  assert.equal(kvm.mmu_lock.sites.unmap.acquisitions, 3);
  assert.equal(kvm.mmu_lock.sites["invalidate-end"].acquisitions, 3);
  assert.equal(ctx.lru.total, 2048, "every folio is back on the LRU");
});

test("should_run_aging (6.6): forced at two generations, never at four, with three by the young/old shares", () => {
  const lru = new LruGenFolio(400);
  lru.init(0);
  assert.equal(lru.nrGens, MAX_NR_GENS);
  assert.equal(lru.should_run_aging(), false);
  lru.init(1); // the oldest generation drained into the youngest: three left, old (gen 1) = 1/4, young = 1/2
  assert.equal(lru.nrGens, 3);
  assert.equal(lru.should_run_aging(), false, "young x 2 == total and old x 4 == total: neither rule fires");
  lru.init(1.5); // old = 1/8: below a quarter
  assert.equal(lru.should_run_aging(), true);
  assert.equal(lru.inc_max_seq(lru.maxSeq), true);
  assert.equal(lru.nrGens, MAX_NR_GENS);
  assert.equal(lru.inc_max_seq(lru.maxSeq - 1), false, "a stale seq");
});

test("one walker per mm per generation: a second caller ends the iteration and opens the generation; the walker stops at its next check", () => {
  // 12 pages walked locklessly (30 ns each) in chunks of 4: A starts at 0; B asks at 50 for the same seq, finds the
  // mm taken, ends the mm list's iteration and runs inc_max_seq at once. A checks before its second chunk (120 ns):
  // its generation is gone, it stops after 4 pages and opens nothing.
  const { sim, ctx } = setup("lockless", 12, { walkChunkPages: 4 }, 1.5);
  const seq = ctx.lru.maxSeq;
  const results: Record<string, boolean> = {};
  for (const [name, at] of [
    ["A", 0],
    ["B", 50],
  ] as Array<[string, number]>) {
    sim.spawn(name, function* (self: Process) {
      yield at;
      results[name] = yield* try_to_inc_max_seq(ctx, self, 0, seq, streams(1, 0));
    });
  }
  sim.run();
  assert.deepEqual(results, { A: false, B: true });
  assert.equal(ctx.lru.maxSeq, seq + 1);
  assert.equal(ctx.stats.walkedPages, 4);
  assert.equal(ctx.mmState.walksStarted, 1);
  assert.equal(ctx.mmState.walksOvertaken, 1);
  assert.equal(ctx.mmState.concurrentWalksMax, 1);
  assert.equal(ctx.stats.generations, 1);
});

for (const d of [0, 2, 8, 32, 64]) {
  test(`reclaim with kswapd and ${d} direct reclaimers: the mm is handed out once per generation (read-lock aging)`, () => {
    // 32 "vCPUs" of 64 pages: one PUD (the walk_mm check's stride) per vCPU, as in the published runs' 1 GiB each.
    const { sim, ctx } = setup("read", 2048, { walkChunkPages: 64 }, 1.5, 2 + d);
    for (let r = 0; r <= d; r++) {
      const rs = streams(7, r);
      sim.spawn(r === 0 ? "kswapd0" : `reclaim${r}`, (self) => try_to_shrink_lruvec(ctx, self, r, rs));
    }
    sim.run({ until: 3_000_000 });
    const ms = ctx.mmState;
    assert.ok(ctx.stats.generations >= 1 && ms.walksStarted >= 1, "aging ran");
    assert.ok(ms.walksStarted <= ctx.stats.generations + 1, "one walker per mm per generation");
    assert.ok(ctx.stats.evictedPages > 0);
    // More than one walk at once only when walks were overtaken and finish their chunk while the next generation's
    // walk runs (the walker's read calls queue behind the unmap writers while the reclaimers drain a generation).
    assert.ok(ms.concurrentWalksMax <= 1 + ms.walksOvertaken);
    if (d <= 2) assert.equal(ms.concurrentWalksMax, 1);
  });
}

test("proactive agers back to back: a walk overtaken by another ager's generation finishes its chunk beside the next walk", () => {
  // Two debugfs agers: while one walks, the other ends the iteration and opens the generation, then walks the new
  // one from the start while the first finishes its chunk: the kernel allows two walks of the mm at once, briefly.
  const { sim, ctx } = setup("lockless", 4096, { walkChunkPages: 1024 }, 0);
  for (let r = 0; r < 2; r++) {
    const rs = streams(3, r);
    sim.spawn(`aging${r}`, (self) => run_aging(ctx, self, r, rs));
  }
  sim.run({ until: 2_000_000 });
  assert.equal(ctx.mmState.concurrentWalksMax, 2);
  assert.ok(ctx.mmState.walksOvertaken > 0);
});

test("faults-only ('none'): no clear_young calls at all, every isolated folio is evicted", () => {
  const { sim, ctx, kvm } = setup("none", 2048, { evictBatchPages: 8 }, 1.5);
  sim.spawn("kswapd0", (self) => try_to_shrink_lruvec(ctx, self, 0, streams(1, 0)));
  sim.run({ until: 200_000 });
  assert.equal(kvm.mmu_lock.sites.aging.acquisitions, 0);
  assert.ok(ctx.stats.evictedPages > 0);
  assert.equal(ctx.stats.referencedFolios, 0);
});
