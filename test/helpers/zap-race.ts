/**
 * The zapper of the small notifier races in the driver tests: four pages, one PT page, a range-scheme
 * zap_page_range_single starting at `zapAt` (10 ns per PTE, one 100 ns TLB flush, 1 ns per freed page) over the mm's
 * registered notifiers.
 */
import { Histogram } from "../../src/sim/stats/histogram";
import type { Simulation } from "../../src/sim/simulation";
import type { AnonAddressSpace } from "../../src/kernel/mm/anon-address-space";
import { MmuGatherPages } from "../../src/kernel/mm/mmu-gather-pages";
import { MmuNotifierSubscriptions, type MmuNotifierSubscriber } from "../../src/kernel/mm/mmu-notifier";
import { zap_page_range_single } from "../../src/kernel/mm/zap";

export function spawnRangeZap(sim: Simulation, mm: AnonAddressSpace, subscriber: MmuNotifierSubscriber, zapAt: number) {
  const notifiers = new MmuNotifierSubscriptions(sim);
  notifiers.register(subscriber);
  const gather = new MmuGatherPages(notifiers, mm, 100, { tlbFlushNs: 100, freePageNs: 1 });
  sim.spawn("zap", function* (self) {
    yield zapAt;
    yield* zap_page_range_single(
      { sim, scheme: "range", notifiers, gather, mm, zapPteNs: 10, ptlHoldNs: new Histogram() },
      self,
      0,
      mm.pte.length,
    );
  });
  return notifiers;
}
