import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../../src/sim/simulation";
import { Histogram } from "../../../src/sim/stats/histogram";
import { AnonAddressSpace } from "../../../src/kernel/mm/anon-address-space";
import { MmuGatherPages, GATHER_PAGES_PER_FLUSH } from "../../../src/kernel/mm/mmu-gather-pages";
import { MmuNotifierSubscriptions, type NotifierOp } from "../../../src/kernel/mm/mmu-notifier";
import { zap_page_range_single, type ZapScheme } from "../../../src/kernel/mm/zap";
import { GruMmStruct } from "../../../src/kernel/drivers/sgi-gru/grutlbpurge";

/** Zaps pages [0, pages) of a populated mapping with a GRU (7 ns per invalidate) registering `ops`; returns the trace. */
function tracedZap(
  scheme: ZapScheme,
  ops: NotifierOp[],
  pages: number,
  batch: number,
): { lines: string[]; mm: AnonAddressSpace; remapped: number } {
  const sim = new Simulation({ trace: true });
  const mm = new AnonAddressSpace(sim, "mm", pages);
  mm.populate();
  const notifiers = new MmuNotifierSubscriptions(sim);
  notifiers.register(new GruMmStruct(sim, "gru", { ops, holdOff: true, invalidateNs: 7, tlb: null }));
  const gather = new MmuGatherPages(notifiers, mm, batch, { tlbFlushNs: 100, freePageNs: 1 });
  const z = { sim, scheme, notifiers, gather, mm, zapPteNs: 10, ptlHoldNs: new Histogram() };
  sim.spawn("zap", function* (self) {
    yield* zap_page_range_single(z, self, 0, pages);
  });
  // A fault maps a new page at index 1 after the first hold released the lock, before its callback.
  if (scheme === "per-page-after-ptl") sim.schedule(121, () => mm.mapNewPage(1));
  sim.run();
  return { lines: sim.trace!.lines(), mm, remapped: (z as { remappedAtCallback?: number }).remappedAtCallback ?? 0 };
}

test("range scheme: start before the walk, forced flush under the PT lock, free after it, end, then tlb_finish_mmu", () => {
  const { lines, mm } = tracedZap("range", ["invalidate_range_start", "invalidate_range_end"], 5, 3);
  assert.deepEqual(lines, [
    "0 zap zap_begin [0,5)",
    "0 zap invalidate_range_start gru [0,5)",
    "0 zap gru_flush_tlb_range [0,5)",
    "7 zap acquired ptl0",
    "37 zap tlb_flush [0,3)", // the gather is full after 3 PTEs: flush with the lock held
    "137 zap release ptl0",
    "137 zap free_pages 3",
    "140 zap acquired ptl0", // "goto again" for the rest of the PT page
    "160 zap release ptl0",
    "160 zap invalidate_range_end gru [0,5)",
    "160 zap tlb_flush [3,5)",
    "260 zap free_pages 2",
    "262 zap zap_end [0,5)",
  ]);
  assert.equal(mm.pagesFreed, 5);
  assert.deepEqual([...mm.pte], [0, 0, 0, 0, 0]);
});

test("range scheme with invalidate_range registered: the secondary flush sits inside the PT lock, before the free", () => {
  const { lines } = tracedZap("range", ["invalidate_range"], 5, 3);
  assert.deepEqual(lines.slice(1, 8), [
    "0 zap acquired ptl0",
    "30 zap tlb_flush [0,3)",
    "130 zap invalidate_range gru [0,3)",
    "130 zap gru_flush_tlb_range [0,3)",
    "137 zap release ptl0",
    "137 zap free_pages 3",
    "140 zap acquired ptl0",
  ]);
});

test("per-page-after-ptl: a section that ends in a forced flush frees its pages before their callbacks", () => {
  const { lines, remapped } = tracedZap("per-page-after-ptl", ["invalidate_page"], 4, 2);
  assert.equal(remapped, 1); // the callback for index 1 ran with a new page already mapped there
  assert.deepEqual(lines, [
    "0 zap zap_begin [0,4)",
    "0 zap acquired ptl0",
    "20 zap tlb_flush [0,2)",
    "120 zap release ptl0",
    "120 zap free_pages 2", // pages 0 and 1 freed here...
    "122 zap invalidate_page gru [0,1)", // ...and only then does the device hear of them
    "122 zap gru_flush_tlb_range [0,1)",
    "129 zap invalidate_page gru [1,2)",
    "129 zap gru_flush_tlb_range [1,2)",
    "136 zap acquired ptl0",
    "156 zap tlb_flush [2,4)",
    "256 zap release ptl0",
    "256 zap free_pages 2",
    "258 zap invalidate_page gru [2,3)",
    "258 zap gru_flush_tlb_range [2,3)",
    "265 zap invalidate_page gru [3,4)",
    "265 zap gru_flush_tlb_range [3,4)",
    "272 zap zap_end [0,4)",
  ]);
});

test("per-page inside the lock and per-pt once per hold", () => {
  const perPage = tracedZap("per-page", ["invalidate_page"], 3, 100).lines;
  assert.deepEqual(perPage.slice(1, 8), [
    "0 zap acquired ptl0",
    "10 zap invalidate_page gru [0,1)",
    "10 zap gru_flush_tlb_range [0,1)",
    "27 zap invalidate_page gru [1,2)",
    "27 zap gru_flush_tlb_range [1,2)",
    "44 zap invalidate_page gru [2,3)",
    "44 zap gru_flush_tlb_range [2,3)",
  ]);
  assert.equal(perPage[8], "51 zap release ptl0");
  const perPt = tracedZap("per-pt", ["invalidate_pages"], 600, 1000).lines.filter((l) =>
    / (acquired|release|invalidate_pages) /.test(l),
  );
  assert.deepEqual(perPt, [
    "0 zap acquired ptl0",
    "5120 zap invalidate_pages gru [0,512)",
    "5127 zap release ptl0",
    "5127 zap acquired ptl1",
    "6007 zap invalidate_pages gru [512,600)",
    "6014 zap release ptl1",
  ]);
});

test("the mmu_gather asks for a flush every 8 + 19 x 510 = 9,698 pages", () => {
  assert.equal(GATHER_PAGES_PER_FLUSH, 9698);
  const sim = new Simulation();
  const g = new MmuGatherPages(new MmuNotifierSubscriptions(sim), null, GATHER_PAGES_PER_FLUSH, {
    tlbFlushNs: 0,
    freePageNs: 0,
  });
  assert.equal(g.gatherRange(0, 9697), false);
  assert.equal(g.gatherRange(9697, 1), true);
  assert.throws(() => g.gatherRange(9698, 1), /do not fit/);
});
