/**
 * `spte-aging`'s scenario: one replication of the model turned into the observables (and chart detail).
 */
import type { ParamValues } from "../params";
import type { ReplicationResult, ScenarioOptions, ObservableSpec } from "../experiment";
import { buildModel, CLASS_HOST_FILE, GUEST, HOST } from "./model";
import type { SpteAgingParams } from "./params";
import { msToNs, nsToMs, nsToS, sToNs, usToNs } from "../../sim/time";

export const spteAgingObservables = {
  guestEvictionShare: { unit: "fraction", description: "Guest pages among all pages evicted after warm-up." },
  guestColdShare: {
    unit: "fraction",
    description:
      "Guest pages among the coldest coldFraction of resident memory by true idle time (sampled every 10 s).",
  },
  hostRefaultsPerSec: {
    unit: "per-s",
    description: "Refaults of host pages per simulated second: anon swap-ins from zram plus page-cache reads.",
  },
  tabOpenP50Ms: {
    unit: "ms",
    description:
      "Median host tab-open latency: the time the open took (swap-ins x swapInUs, page-cache reads x fileReadUs, " +
      "direct-reclaim stalls, a reload after an OOM kill) plus tabOpenBaseMs.",
    samples: "tabOpens",
  },
  tabOpenP95Ms: { unit: "ms", description: "95th percentile of host tab-open latency.", samples: "tabOpens" },
  tabOpenMeanMs: {
    unit: "ms",
    description: "Mean host tab-open latency (ChromeOS published the mean beside the quantiles).",
  },
  tabOpenP99Ms: { unit: "ms", description: "99th percentile of host tab-open latency.", samples: "tabOpens" },
  guestMeanGen: {
    unit: "generations",
    description: "Mean generation age of resident guest pages (max_seq - seq: 0 = youngest, 3 = oldest), sampled.",
  },
  hostMeanGen: {
    unit: "generations",
    description: "Mean generation age of resident host anon pages, as guestMeanGen (file pages have their own rules).",
  },
  notifierCallsPerPass: {
    unit: "count",
    description: "Secondary-MMU notifier calls made by the aging walk per aging pass (0 before the fix).",
  },
  guestRefaultsPerSec: { unit: "per-s", description: "Refaults of guest pages per simulated second." },
  guestOpenP95Ms: {
    unit: "ms",
    description: "95th percentile of guest app-open latency (same cost model as tabs).",
    samples: "guestOpens",
  },
  hostEvictIdleS: {
    unit: "s",
    description: "Mean true idle time of host anon pages when evicted (like with like: guest RAM is anon).",
  },
  guestEvictIdleS: { unit: "s", description: "Mean true idle time of guest pages when evicted." },
  hostFileEvictIdleS: { unit: "s", description: "Mean true idle time of host file pages when evicted." },
  guestResidentShare: { unit: "fraction", description: "Guest pages among resident pages (sampled)." },
  agingPassesPerSec: {
    unit: "per-s",
    description: "Aging passes (new generations) per simulated second, proactive and reclaim-driven.",
  },
  notifierCallsPerSec: {
    unit: "per-s",
    description: "Secondary-MMU aging calls per second on all paths (walk, look-around, rmap).",
  },
  notifierCpuMsPerSec: {
    unit: "ms/s",
    description: "CPU those calls cost per second: notifierCallsPerSec x notifierCallNs.",
  },
  refaultCpuMsPerSec: {
    unit: "ms/s",
    description: "CPU spent on swap-ins per second, host and guest: refaults x swapInUs.",
  },
  hostTabOpens: { unit: "count", description: "Host tab opens measured (the sample behind the quantiles)." },
  hostRecentRefaultShare: {
    unit: "fraction",
    description:
      "Share of host refaults lru_gen_test_recent calls recent (evicted under MAX_NR_GENS generations ago: evicted too early).",
  },
  guestRecentRefaultShare: { unit: "fraction", description: "The same for guest refaults." },
  anonRefaultsPerSec: { unit: "per-s", description: "Host anon refaults (zram swap-ins) per simulated second." },
  fileRefaultsPerSec: {
    unit: "per-s",
    description: "Host page-cache refaults (pages read back from storage, mapped or read()) per simulated second.",
  },
  directReclaimStallP99Ms: {
    unit: "ms",
    description:
      "99th percentile of the stall of an allocation that entered direct reclaim (incl. throttling), in the " +
      "allocating task; 0 if none did.",
  },
  directReclaimsPerSec: { unit: "per-s", description: "Allocations that entered direct reclaim per second." },
  kswapdCpuFraction: { unit: "fraction", description: "Share of the measured time kswapd spent reclaiming." },
  tabOpenStallShare: {
    unit: "fraction",
    description: "Share of host tab-open time spent in direct reclaim (sum of stalls over sum of open times).",
  },
  tabOpens: { unit: "count", description: "Host tab opens measured: the sample behind the tab-open quantiles." },
  guestOpens: { unit: "count", description: "Guest app opens measured: the sample behind guestOpenP95Ms." },
  directReclaimStalls: {
    unit: "count",
    description: "Allocations that entered direct reclaim: the sample behind directReclaimStallP99Ms.",
  },
  oomKillsPerMin: { unit: "per-min", description: "Tabs discarded by OOM kills (min_ttl or failed allocations)." },
  fileEvictionShare: { unit: "fraction", description: "File pages among host pages evicted." },
} satisfies Record<string, ObservableSpec>;

/** Chart data of one replication. */
export interface SpteAgingDetail {
  /** Fraction of each owner's resident pages by generation age (index 0 = youngest). */
  genAge: { host: number[]; guest: number[] };
  /** Host tab-open and guest app-open latency CDFs, ms. */
  tabOpenCdf: Array<{ value: number; fraction: number }>;
  guestOpenCdf: Array<{ value: number; fraction: number }>;
  /** Idle time at eviction CDFs, s. */
  hostEvictIdleCdf: Array<{ value: number; fraction: number }>;
  guestEvictIdleCdf: Array<{ value: number; fraction: number }>;
  /** Notifier calls by path over the measured window. */
  notifierCalls: { walk: number; lookAround: number; rmap: number };
}

/** A CDF with its values converted to another unit. */
function scaleCdf(
  cdf: Array<{ value: number; fraction: number }>,
  convert: (value: number) => number,
): Array<{ value: number; fraction: number }> {
  return cdf.map((p) => ({ value: convert(p.value), fraction: p.fraction }));
}

export function spteAgingScenario(
  p: ParamValues<SpteAgingParams>,
  seed: number,
  options: ScenarioOptions,
): ReplicationResult<SpteAgingDetail> {
  const r = buildModel(p, seed).run();
  const M = r.metrics;
  const st = r.mglru.stats;
  const calls = r.mglru.calls;
  const ws = r.mglru.workingset;
  const secs = r.measuredS;
  const evicted = M.evictions[HOST] + M.evictions[GUEST];
  // open times are recorded in us, idle times at eviction in ms (metrics.ts)
  const openMs = (us: number) => nsToMs(usToNs(us));
  const q = (o: number, x: number) => openMs(M.openUs[o].quantile(x));
  const values: Record<keyof typeof spteAgingObservables, number> = {
    guestEvictionShare: evicted > 0 ? M.evictions[GUEST] / evicted : NaN,
    guestColdShare: M.samples > 0 ? M.coldShareSum / M.samples : NaN,
    hostRefaultsPerSec: M.refaults[HOST] / secs,
    tabOpenP50Ms: q(HOST, 0.5),
    tabOpenMeanMs: M.openUs[HOST].count > 0 ? openMs(M.openUs[HOST].mean) : NaN,
    tabOpenP95Ms: q(HOST, 0.95),
    tabOpenP99Ms: q(HOST, 0.99),
    guestMeanGen: M.meanGenAge(GUEST),
    hostMeanGen: M.meanGenAge(HOST),
    notifierCallsPerPass: st.agingPasses > 0 ? calls.walk / st.agingPasses : 0,
    guestRefaultsPerSec: M.refaults[GUEST] / secs,
    guestOpenP95Ms: q(GUEST, 0.95),
    hostEvictIdleS: M.anonEvictions[HOST] > 0 ? nsToS(M.evictIdleNs[HOST] / M.anonEvictions[HOST]) : NaN,
    guestEvictIdleS: M.anonEvictions[GUEST] > 0 ? nsToS(M.evictIdleNs[GUEST] / M.anonEvictions[GUEST]) : NaN,
    hostFileEvictIdleS: M.hostFileEvictions > 0 ? nsToS(M.hostFileEvictIdleNs / M.hostFileEvictions) : NaN,
    guestResidentShare: M.samples > 0 ? M.residentShareSum / M.samples : NaN,
    agingPassesPerSec: st.agingPasses / secs,
    notifierCallsPerSec: calls.total / secs,
    notifierCpuMsPerSec: nsToMs((calls.total / secs) * p.notifierCallNs),
    refaultCpuMsPerSec: nsToMs(((M.refaults[HOST] + M.refaults[GUEST]) / secs) * usToNs(p.swapInUs)),
    hostTabOpens: M.openUs[HOST].count,
    hostRecentRefaultShare:
      ws.refaults[HOST] + ws.refaults[CLASS_HOST_FILE] > 0
        ? (ws.activates[HOST] + ws.activates[CLASS_HOST_FILE]) / (ws.refaults[HOST] + ws.refaults[CLASS_HOST_FILE])
        : NaN,
    guestRecentRefaultShare: ws.refaults[GUEST] > 0 ? ws.activates[GUEST] / ws.refaults[GUEST] : NaN,
    anonRefaultsPerSec: M.hostAnonRefaults / secs,
    fileRefaultsPerSec: M.hostFileRefaults / secs,
    directReclaimStallP99Ms: M.directStallMs.count > 0 ? M.directStallMs.quantile(0.99) : 0,
    directReclaimsPerSec: M.directStallMs.count / secs,
    kswapdCpuFraction: r.kswapdBusyNs / sToNs(secs),
    tabOpenStallShare: M.tabOpenNs > 0 ? M.tabOpenStallNs / M.tabOpenNs : NaN,
    tabOpens: M.openUs[HOST].count,
    guestOpens: M.openUs[GUEST].count,
    directReclaimStalls: M.directStallMs.count,
    oomKillsPerMin: (M.oomKills / secs) * 60,
    fileEvictionShare: M.evictions[HOST] > 0 ? M.hostFileEvictions / M.evictions[HOST] : NaN,
  };
  if (!options.detail) return { values };
  const detail: SpteAgingDetail = {
    genAge: { host: M.genAgeFractions(HOST), guest: M.genAgeFractions(GUEST) },
    tabOpenCdf: scaleCdf(M.openUs[HOST].cdf(), openMs),
    guestOpenCdf: scaleCdf(M.openUs[GUEST].cdf(), openMs),
    hostEvictIdleCdf: scaleCdf(M.evictIdleMs[HOST].cdf(), (ms) => nsToS(msToNs(ms))),
    guestEvictIdleCdf: scaleCdf(M.evictIdleMs[GUEST].cdf(), (ms) => nsToS(msToNs(ms))),
    notifierCalls: { walk: calls.walk, lookAround: calls.lookAround, rmap: calls.rmap },
  };
  return { values, detail };
}
