/** `notifier-cost`: callouts and teardown time per notifier scheme, for KVM and the GRU, against mapping size. */
import { defineExperiment } from "../experiment";
import { nsToMs, nsToUs } from "../../sim/time";
import { notifierCostClaims } from "./claims";
import { runNotifierCost } from "./model";
import { notifierCostParams } from "./params";

export interface NotifierCostDetail {
  /** CDF of PT-lock hold times, us. */
  ptlHoldCdfUs: Array<{ value: number; fraction: number }>;
  calloutsByOp: Record<string, number>;
}

export const notifierCost = defineExperiment({
  id: "notifier-cost",
  title: "MMU notifiers: per-page, per-PT and range callouts when tearing down a mapping",
  thread: "002-mmu-notifiers-v5-2008.txt",
  kernel:
    "mm/memory.c zap_page_range_single/zap_pte_range and mm/mmu_gather.c (6.6); mm/mmu_notifier.c call sites (2.6.27 invalidate_page, #v5 invalidate_pages, 6.6 range_start/end and invalidate_range); " +
    "drivers/misc/sgi-gru/grutlbpurge.c (gru_flush_tlb_range: one TGH invalidate per GRU per call, num = min(pages, GRUMAXINVAL)); virt/kvm/kvm_main.c kvm_mmu_notifier_invalidate_range_start/end (6.6)",
  params: notifierCostParams,
  observables: {
    callouts: {
      unit: "count",
      description: "Notifier callbacks that reached the device's driver during the teardown.",
    },
    teardownMs: {
      unit: "ms",
      description:
        "Time for the tearing-down task from the first notifier call to the last page freed (CPU zap work, TLB flushes, frees, callbacks).",
    },
    ptlHoldP99Us: {
      unit: "us",
      description:
        "99th percentile of PT-lock hold times (one hold per section of up to 512 PTEs, split at forced mmu_gather flushes).",
      samples: "ptlHolds",
    },
    calloutMs: { unit: "ms", description: "Part of the teardown spent inside the device's callbacks." },
    ptlHoldMaxUs: { unit: "us", description: "Longest PT-lock hold." },
    gatherFlushes: {
      unit: "count",
      description: "mmu_gather TLB flushes (forced every gatherBatchPages pages, plus the final one).",
    },
  },
  scenario(p, _seed, options) {
    const r = runNotifierCost(p);
    return {
      values: {
        callouts: r.callouts,
        teardownMs: nsToMs(r.teardownNs),
        ptlHoldP99Us: nsToUs(r.ptlHoldNs.quantile(0.99)),
        calloutMs: nsToMs(r.calloutNs),
        ptlHoldMaxUs: nsToUs(r.ptlHoldNs.max),
        gatherFlushes: r.gatherFlushes,
        ptlHolds: r.ptlHoldNs.count,
      },
      detail: options.detail
        ? ({
            ptlHoldCdfUs: r.ptlHoldNs.cdf().map((c) => ({ value: nsToUs(c.value), fraction: c.fraction })),
            calloutsByOp: r.calloutsByOp,
          } satisfies NotifierCostDetail)
        : undefined,
    };
  },
  claims: notifierCostClaims,
});
