/**
 * `notifier-cost`: one task tears down a populated mapping (munmap of one VMA) with one secondary MMU registered,
 * under one notifier scheme. Nothing else runs, so the result is deterministic: the seed does not matter.
 *
 * The walk is the kernel's zap loop (src/kernel/mm/zap.ts) at PT-lock-section granularity: an event per section of
 * up to 512 PTEs, with each section's per-PTE and per-callback costs added up, so 64 GiB (16M PTEs, 16M callbacks
 * under `per-page`) stays fast. `perPte` steps PTE by PTE and callback by callback instead (small mappings only);
 * tests check that both give the same numbers.
 */
import { GruMmStruct } from "../../kernel/drivers/sgi-gru/grutlbpurge";
import { KvmMmuInvalidate } from "../../kernel/kvm/mmu-invalidate";
import { AnonAddressSpace } from "../../kernel/mm/anon-address-space";
import { MmuGatherPages } from "../../kernel/mm/mmu-gather-pages";
import { MmuNotifierSubscriptions, type MmuNotifierSubscriber, type NotifierOp } from "../../kernel/mm/mmu-notifier";
import { zap_page_range_single, type ZapScheme } from "../../kernel/mm/zap";
import { Simulation } from "../../sim/simulation";
import { Histogram } from "../../sim/stats/histogram";
import { usToNs } from "../../sim/time";
import type { Trace } from "../../sim/trace";
import type { ParamValues } from "../params";
import type { notifierCostParams } from "./params";

export type NotifierCostParams = ParamValues<typeof notifierCostParams>;

export const PAGES_PER_MIB = 256;

export interface NotifierCostResult {
  pages: number;
  callouts: number;
  calloutsByOp: Record<NotifierOp, number>;
  /** Time from the start of the teardown to the last page freed, ns. */
  teardownNs: number;
  /** Time inside driver callbacks, ns. */
  calloutNs: number;
  ptlHoldNs: Histogram;
  gatherFlushes: number;
  events: number;
  trace: Trace | null;
}

/** The ops a device registers under each scheme. */
export function opsFor(scheme: NotifierCostParams["scheme"], invalidateRangeCallback: boolean): NotifierOp[] {
  switch (scheme) {
    case "per-page":
      return ["invalidate_page"];
    case "per-pt":
      return ["invalidate_pages"];
    case "range":
      return invalidateRangeCallback
        ? ["invalidate_range_start", "invalidate_range_end", "invalidate_range"]
        : ["invalidate_range_start", "invalidate_range_end"];
  }
}

/** The device as a cost-only notifier subscriber (no TLB contents: nothing fills it here). */
export function costDevice(sim: Simulation, p: NotifierCostParams): MmuNotifierSubscriber {
  const ops = opsFor(p.scheme, p.invalidateRangeCallback);
  if (p.device === "gru")
    return new GruMmStruct(sim, "gru", { ops, holdOff: true, invalidateNs: usToNs(p.gruInvalidateUs), tlb: null });
  return new KvmMmuInvalidate(sim, "kvm", {
    ops,
    calloutNs: usToNs(p.kvmCalloutUs),
    perPageNs: p.kvmPerPageNs,
    sptes: null,
  });
}

export function runNotifierCost(
  p: NotifierCostParams,
  options: { perPte?: boolean; trace?: boolean } = {},
): NotifierCostResult {
  const sim = new Simulation({ trace: options.trace });
  const pages = p.mappingMiB * PAGES_PER_MIB;
  const notifiers = new MmuNotifierSubscriptions(sim);
  notifiers.register(costDevice(sim, p));
  let mm: AnonAddressSpace | null = null;
  if (options.perPte) {
    if (pages > 1 << 20)
      throw new RangeError(`perPte steps every PTE: use it for 4 GiB or less, not ${p.mappingMiB} MiB`);
    mm = new AnonAddressSpace(sim, "mm", pages);
    mm.populate();
  }
  const gather = new MmuGatherPages(notifiers, mm, p.gatherBatchPages, {
    tlbFlushNs: p.tlbFlushNs,
    freePageNs: p.freePageNs,
  });
  const ptlHoldNs = new Histogram("ptl hold ns");
  const scheme: ZapScheme = p.scheme;
  let endNs = 0;
  sim.spawn("munmap", function* (self) {
    yield* zap_page_range_single(
      { sim, scheme, notifiers, gather, mm, zapPteNs: p.zapPteNs, ptlHoldNs },
      self,
      0,
      pages,
    );
    endNs = sim.now;
  });
  sim.run();
  return {
    pages,
    callouts: notifiers.callouts,
    calloutsByOp: { ...notifiers.calloutsByOp },
    teardownNs: endNs,
    calloutNs: notifiers.calloutTimeNs,
    ptlHoldNs,
    gatherFlushes: gather.flushes,
    events: sim.eventCount,
    trace: sim.trace,
  };
}
