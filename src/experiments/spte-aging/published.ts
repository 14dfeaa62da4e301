/**
 * The numbers `spte-aging` compares against, as in data/published/spte-aging.csv (a test keeps the two equal).
 * ChromeOS tab-open latency, ms, from James Houghton's posting of the fix
 * <20241019012940.3656292-1-jthoughton@google.com>; the setup (RAM, VM size, what "base" is) is unpublished.
 */
export const CHROMEOS_SOURCE = "https://lore.kernel.org/r/20241019012940.3656292-1-jthoughton@google.com";

export interface LatencyRow {
  p50: number;
  mean: number;
  p95: number;
  p99: number;
  max: number;
}

export const chromeOsTabOpenMs: { base: LatencyRow; mglru: LatencyRow; fix: LatencyRow } = {
  base: { p50: 1315, mean: 1198, p95: 2347, p99: 3454, max: 10319 },
  mglru: { p50: 2559, mean: 1311, p95: 7399, p99: 12060, max: 43758 },
  fix: { p50: 1119, mean: 926, p95: 2470, p99: 4211, max: 6947 },
};

/** Published ratio before/after the fix at p95 (7399 / 2470 = 3.0) and p99 (2.86). */
export const publishedP95Ratio = chromeOsTabOpenMs.mglru.p95 / chromeOsTabOpenMs.fix.p95;
export const publishedP99Ratio = chromeOsTabOpenMs.mglru.p99 / chromeOsTabOpenMs.fix.p99;

/** Secondary-MMU aging cost per page, ns (derived in mechanisms-aging-rwlock.md A3): arm64 write lock, x86 lockless. */
export const notifierCostNs = { arm64WriteLock: 198, arm64WriteLockHigh: 500, x86Lockless: 28 };
