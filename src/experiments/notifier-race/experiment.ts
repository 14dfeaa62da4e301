/** `notifier-race`: stale device translations at page-free time, and what each protocol pays to avoid them. */
import { nsToUs, perSecond } from "../../sim/time";
import { defineExperiment } from "../experiment";
import { notifierRaceClaims } from "./claims";
import { runNotifierRace } from "./model";
import { notifierRaceParams, notifierRaceRules } from "./params";

export interface NotifierRaceDetail {
  /** CDF of device-fault latency, us. */
  latencyCdfUs: Array<{ value: number; fraction: number }>;
  /** Stale translations found at the free, and at an insert after the free. */
  staleAtFree: number;
  staleAtInsert: number;
}

export const notifierRace = defineExperiment({
  id: "notifier-race",
  title: "MMU notifiers: the device-TLB race that start/end closes, and the price of closing it",
  thread: "002-mmu-notifiers-v5-2008.txt",
  kernel:
    "mm/memory.c zap_page_range_single/zap_pte_range and mm/mmu_gather.c (6.6); drivers/misc/sgi-gru/grutlbpurge.c and grufault.c (gru_invalidate_range_start/end, ms_range_active, gru_user_dropin); " +
    "virt/kvm/kvm_main.c and arch/x86/kvm/mmu/mmu.c (6.6: kvm_mmu_invalidate_begin/end over an hva range, mmu_invalidate_retry_hva, RET_PF_RETRY); invalidate_page after the PT lock as in 3.17-4.12 try_to_unmap_one; " +
    "mm/mmu_notifier.c interval notifiers (5.5+: mmu_interval_read_begin/_retry, mmu_interval_set_seq under the driver lock)",
  params: notifierRaceParams,
  rules: notifierRaceRules,
  observables: {
    staleTranslations: {
      unit: "count",
      description:
        "Translations the device still held when their page was freed (or cached after it), over durationMs.",
    },
    faultRetries: {
      unit: "count",
      description:
        "Extra passes through the fault path over durationMs: RET_PF_RETRY, hold-off waits, fills dropped by a flush.",
    },
    deviceFaultLatencyP99Us: {
      unit: "us",
      description: "99th percentile of device-fault latency, miss to usable translation.",
      samples: "faultLatencies",
    },
    deviceFaultLatencyMeanUs: { unit: "us", description: "Mean device-fault latency." },
    deviceFaults: { unit: "count", description: "Device faults served over durationMs." },
    retriesPerFault: { unit: "fraction", description: "faultRetries / deviceFaults." },
    heldOffFills: {
      unit: "count",
      description:
        "Faults that met an invalidation in progress (GRU failactive waits, KVM retries with in_progress set).",
    },
    invalidationsPerSec: {
      unit: "per-s",
      description: "Zaps completed per simulated second (the realised invalidation rate).",
    },
    zapMeanUs: { unit: "us", description: "Mean time of one zap of the buffer." },
    ptlHoldP99Us: {
      unit: "us",
      description: "99th percentile of the zapper's PT-lock holds.",
      samples: "ptlHolds",
    },
    remappedAtCallback: {
      unit: "count",
      description:
        "invalidate-page-after-ptl: callbacks that found a new page already mapped at their address (Jérôme Glisse's first pitfall).",
    },
  },
  scenario(p, seed, options) {
    const r = runNotifierRace(p, seed);
    const s = r.stats;
    const values = {
      staleTranslations: r.staleTranslations,
      faultRetries: s.retries,
      deviceFaultLatencyP99Us: nsToUs(s.latencyNs.quantile(0.99)),
      deviceFaultLatencyMeanUs: nsToUs(s.latencyNs.mean),
      deviceFaults: s.faults,
      retriesPerFault: s.faults > 0 ? s.retries / s.faults : 0,
      heldOffFills: s.heldOff,
      invalidationsPerSec: perSecond(r.zaps, r.simNs),
      zapMeanUs: nsToUs(r.zapNs.mean),
      ptlHoldP99Us: nsToUs(r.ptlHoldNs.quantile(0.99)),
      remappedAtCallback: r.remappedAtCallback,
      faultLatencies: s.latencyNs.count,
      ptlHolds: r.ptlHoldNs.count,
    };
    if (!options.detail) return { values };
    const detail: NotifierRaceDetail = {
      latencyCdfUs: s.latencyNs.cdf().map((c) => ({ value: nsToUs(c.value), fraction: c.fraction })),
      staleAtFree: r.staleSamples.filter((x) => x.when === "free").length,
      staleAtInsert: r.staleSamples.filter((x) => x.when === "insert").length,
    };
    return { values, detail };
  },
  claims: notifierRaceClaims,
});
