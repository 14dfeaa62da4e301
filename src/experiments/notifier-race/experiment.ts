/** `notifier-race`: stale device translations at page-free time, and what each protocol pays to avoid them. */
import { defineExperiment } from "../experiment";
import { num, pm } from "../notifier-cost/format";
import { runNotifierRace } from "./model";
import { notifierRaceParams, notifierRaceRules, RACE_PROTOCOLS, SAFE_PROTOCOLS, type RaceProtocol } from "./params";

export interface NotifierRaceDetail {
  /** CDF of device-fault latency, us. */
  latencyCdfUs: Array<{ value: number; fraction: number }>;
  /** Stale translations found at the free, and at an insert after the free. */
  staleAtFree: number;
  staleAtInsert: number;
}

/** Protocols added after the claims were stated: run, shown in their details and evidence, not deciding them. */
const NOT_DECIDING: RaceProtocol[] = ["interval-notifier"];
const UNSAFE: RaceProtocol[] = RACE_PROTOCOLS.filter((p) => !SAFE_PROTOCOLS.has(p));
const SAFE: RaceProtocol[] = RACE_PROTOCOLS.filter((p) => SAFE_PROTOCOLS.has(p) && !NOT_DECIDING.includes(p));

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
    ptlHoldP99Us: { unit: "us", description: "99th percentile of the zapper's PT-lock holds." },
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
      deviceFaultLatencyP99Us: s.latencyNs.quantile(0.99) / 1000,
      deviceFaultLatencyMeanUs: s.latencyNs.mean / 1000,
      deviceFaults: s.faults,
      retriesPerFault: s.faults > 0 ? s.retries / s.faults : 0,
      heldOffFills: s.heldOff,
      invalidationsPerSec: (r.zaps * 1e9) / r.simNs,
      zapMeanUs: r.zapNs.mean / 1000,
      ptlHoldP99Us: r.ptlHoldNs.quantile(0.99) / 1000,
      remappedAtCallback: r.remappedAtCallback,
    };
    if (!options.detail) return { values };
    const detail: NotifierRaceDetail = {
      latencyCdfUs: s.latencyNs.cdf().map((c) => ({ value: c.value / 1000, fraction: c.fraction })),
      staleAtFree: r.staleSamples.filter((x) => x.when === "free").length,
      staleAtInsert: r.staleSamples.filter((x) => x.when === "insert").length,
    };
    return { values, detail };
  },
  claims: [
    {
      id: "only-fill-windows-leave-stale",
      who: "Christoph Lameter; Jérôme Glisse (2017)",
      statement:
        "Only the protocols that let a fill in between the device flush and the free leave stale translations: flush-at-start and invalidate-page-after-ptl leave some at every fault rate " +
        "(20k and 200k faults/s), more at the higher rate (paired difference > 0 with its 95% CI); start-end-block, kvm-seq-retry and invalidate-range-ptl leave none on any seed.",
      expected: "holds",
      async evaluate(ctx) {
        const rates = [20_000, 200_000];
        const rs = await ctx.run({ protocol: [...RACE_PROTOCOLS], faultRatePerSec: rates });
        const safeTotal = SAFE.map((protocol) => ({
          protocol,
          total: rates.reduce(
            (a, r) => a + rs.samples("staleTranslations", { protocol, faultRatePerSec: r }).reduce((x, y) => x + y, 0),
            0,
          ),
        }));
        const safeOk = safeTotal.every((x) => x.total === 0);
        const extraTotal = NOT_DECIDING.map((protocol) => ({
          protocol,
          total: rates.reduce(
            (a, r) => a + rs.samples("staleTranslations", { protocol, faultRatePerSec: r }).reduce((x, y) => x + y, 0),
            0,
          ),
        }));
        const unsafe = UNSAFE.map((protocol) => {
          const lo = rs.samples("staleTranslations", { protocol, faultRatePerSec: rates[0] });
          const d = rs.difference(
            "staleTranslations",
            { protocol, faultRatePerSec: rates[1] },
            { protocol, faultRatePerSec: rates[0] },
          );
          return {
            protocol,
            allNonzeroLow: lo.every((x) => x > 0),
            low: rs.stat("staleTranslations", { protocol, faultRatePerSec: rates[0] }),
            high: rs.stat("staleTranslations", { protocol, faultRatePerSec: rates[1] }),
            growth: d,
          };
        });
        const unsafeOk = unsafe.every((u) => u.allNonzeroLow && u.growth.mean - u.growth.ci95 > 0);
        return {
          verdict: safeOk && unsafeOk ? "holds" : "fails",
          detail:
            `stale translations per ${ctx.seeds} seeds x 2 rates: ${safeTotal.map((x) => `${x.protocol} ${x.total}`).join(", ")}; ` +
            unsafe
              .map(
                (u) =>
                  `${u.protocol} ${pm(u.low.mean, u.low.ci95)} at 20k/s, ${pm(u.high.mean, u.high.ci95)} at 200k/s (growth ${pm(u.growth.mean, u.growth.ci95)})`,
              )
              .join("; ") +
            `; (not deciding) ${extraTotal.map((x) => `${x.protocol} ${x.total}`).join(", ")}.`,
          evidence: rs.rows,
        };
      },
    },
    {
      id: "safety-costs-retries-growing-with-invalidation-rate",
      who: "Andrea Arcangeli (fast-path concern)",
      statement:
        "The protocols that hold fills off pay for it in the fault path: going from 30 to 300 zaps/s requested (20k faults/s, 300 ms runs), start-end-block's and kvm-seq-retry's fault retries and p99 device-fault latency both rise " +
        "(paired differences > 0 with their 95% CI), while invalidate-range-ptl, which holds no fill off, has none held off.",
      expected: "holds",
      async evaluate(ctx) {
        const rates = [30, 300];
        const rs = await ctx.run({
          protocol: [...SAFE, ...NOT_DECIDING],
          zapRatePerSec: rates,
          faultRatePerSec: 20_000,
          durationMs: 300,
        });
        const rows = [...SAFE, ...NOT_DECIDING].map((protocol) => {
          const a = { protocol, zapRatePerSec: rates[0] };
          const b = { protocol, zapRatePerSec: rates[1] };
          return {
            protocol,
            retries: rs.difference("faultRetries", b, a),
            p99: rs.difference("deviceFaultLatencyP99Us", b, a),
            heldOff: rs.stat("heldOffFills", b),
            lo: rs.stat("faultRetries", a),
            hi: rs.stat("faultRetries", b),
            p99lo: rs.stat("deviceFaultLatencyP99Us", a),
            p99hi: rs.stat("deviceFaultLatencyP99Us", b),
            invLo: rs.stat("invalidationsPerSec", a),
            invHi: rs.stat("invalidationsPerSec", b),
          };
        });
        const blocking = rows.filter(
          (r) => r.protocol !== "invalidate-range-ptl" && !NOT_DECIDING.includes(r.protocol),
        );
        const rises = blocking.every((r) => r.retries.mean - r.retries.ci95 > 0 && r.p99.mean - r.p99.ci95 > 0);
        const ptl = rows.find((r) => r.protocol === "invalidate-range-ptl")!;
        const ok = rises && ptl.heldOff.mean === 0;
        return {
          verdict: ok ? "holds" : "fails",
          detail:
            rows
              .map(
                (r) =>
                  `${NOT_DECIDING.includes(r.protocol) ? "(not deciding) " : ""}${r.protocol} (${num(r.invLo.mean)} -> ${num(r.invHi.mean)} invalidations/s): retries ${pm(r.lo.mean, r.lo.ci95)} -> ${pm(r.hi.mean, r.hi.ci95)}, p99 latency ${num(r.p99lo.mean)} -> ${num(r.p99hi.mean)} us, held off ${num(r.heldOff.mean)}`,
              )
              .join("; ") + ".",
          evidence: rs.rows,
        };
      },
    },
  ],
});
