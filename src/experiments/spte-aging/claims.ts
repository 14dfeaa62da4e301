/**
 * The claims of the thread (../shared/seeds/001-mglru-walk-secondary-mmu-spte-youth-2024.txt and the fix's posting),
 * stated in the claim vocabulary and decided by the one rule on per-seed measures: the policies of one seed share
 * the layout, the user's choices and the background activity (common random numbers), so the differences between
 * them come from aging alone.
 *
 * Runs are declared once and shared: `kernels` (eviction-only, walk-notify and base, with aging left to reclaim
 * and with proactive aging every 2 s) decides five claims and holds the default guest share of the gap and the
 * 2 s and reclaim cases of the notifier budget; the other runs add only the points those claims need beyond it.
 */
import {
  above,
  allOf,
  atLeast,
  below,
  defineClaim,
  observable,
  overCases,
  pairedDifference,
  pairedRatio,
  perSeed,
  within,
  type Finding,
  type Measure,
} from "../claims/vocabulary";
import type { ResultSet } from "../results";
import type { ParamValues } from "../params";
import { nsToMs, usToNs } from "../../sim/time";
import { spteAgingParams, type SpteAgingParams } from "./params";
import { publishedP95Ratio, publishedP99Ratio } from "./published";
import { RECORDED_MAGNITUDE_SEARCH } from "./magnitude-recorded";
import { spteAgingObservables } from "./scenario";

type Obs = keyof typeof spteAgingObservables;
type Rs = ResultSet<SpteAgingParams, any, Obs>;
type Match = Partial<ParamValues<SpteAgingParams>>;

const subject = { params: spteAgingParams, observables: spteAgingObservables };

/** The policies: before commit 1d4832becdc2, with it, and the same memory with no VM (issue 20: what "base" is). */
const BEFORE = "eviction-only";
const AFTER = "walk-notify";
const BASE = "base";

/**
 * Claim runs: 300 simulated seconds of which 60 warm up (the default run is 400/100). Refault rates and eviction
 * idle times are steady from about 60 s of warm-up; the tab-open quantiles rest on about 65 opens a seed. At 240 s
 * (about 50 opens) the tab-open p95 and the guest/host idle ratio were undecided on 4 of the notebook's seeds.
 */
const CLAIM_RUN = { durationS: 300, warmupS: 60 } as const;
/** The proactive period every claim uses with agingMode proactive (the debugfs force_scan writer). */
const PROACTIVE_MS = 2000;

/** The two aging modes of issue 12 as claim cases: ChromeOS's (reclaim-driven) and proactive force_scan. */
type Aging = { agingMode: "reclaim" } | { agingMode: "proactive"; agingIntervalMs: number };
const RECLAIM: Aging = { agingMode: "reclaim" };
const proactive = (agingIntervalMs: number): Aging => ({ agingMode: "proactive", agingIntervalMs });
const AGING_MODES: readonly Aging[] = [RECLAIM, proactive(PROACTIVE_MS)];
const agingName = (a: Aging) => (a.agingMode === "reclaim" ? "agingMode=reclaim" : `proactive ${a.agingIntervalMs} ms`);
const agingCases = { caseName: agingName, caseValues: (a: Aging) => ({ ...a }) };
/** A check made in each aging mode (the cases named by the mode). */
const eachAgingMode = (what: string, modes: readonly Aging[], decide: (a: Aging) => Finding) =>
  overCases(what, modes, decide, agingCases);

/** The shared run: the three kernels under both aging modes at the defaults. */
const KERNELS = {
  policy: [BEFORE, AFTER, BASE],
  agingMode: ["reclaim", "proactive"],
  agingIntervalMs: PROACTIVE_MS,
  ...CLAIM_RUN,
} as const;

/** One observable at one policy and aging mode (and more conditions), labelled by them. */
function at(rs: Rs, name: Obs, policy: string, aging: Aging, more: Match = {}): Measure {
  return observable(rs, name, { policy, ...aging, ...more } as Match);
}

/** a / b per seed of one observable, before the fix over after it. */
function beforeOverAfter(rs: Rs, name: Obs, aging: Aging, more: Match = {}, label?: string): Measure {
  return pairedRatio(
    rs,
    name,
    { policy: BEFORE, ...aging, ...more } as Match,
    { policy: AFTER, ...aging, ...more } as Match,
    label ? { label } : undefined,
  );
}

const guestUnderEvicted = defineClaim(subject, {
  id: "guest-under-evicted",
  who: "James Houghton",
  values: { shareGap: 0.1, idleRatio: 1.2, modes: AGING_MODES },
  statement: (v) =>
    "Before the fix (eviction-only), guest memory looks younger than it is: the guest's share of evictions is below " +
    `its share of cold memory by more than ${v.shareGap} (paired difference guestColdShare - guestEvictionShare), and ` +
    `guest pages are evicted only after at least ${v.idleRatio}x the idleness of host pages (paired ratio ` +
    "guestEvictIdleS / hostEvictIdleS), with aging left to reclaim and with proactive aging.",
  runs: () => ({ kernels: KERNELS }),
  test: (r, v) =>
    eachAgingMode("each aging mode", v.modes, (a) =>
      allOf(
        above(
          pairedDifference(at(r.kernels, "guestColdShare", BEFORE, a), at(r.kernels, "guestEvictionShare", BEFORE, a), {
            label: "guestColdShare - guestEvictionShare, eviction-only",
          }),
          v.shareGap,
        ),
        atLeast(
          pairedRatio(at(r.kernels, "guestEvictIdleS", BEFORE, a), at(r.kernels, "hostEvictIdleS", BEFORE, a), {
            label: "guestEvictIdleS / hostEvictIdleS, eviction-only",
          }),
          v.idleRatio,
        ),
      ),
    ),
  expected: "holds",
  note:
    "Restated on the one rule, decided under both aging modes (phase A decided it only at the default, reclaim: " +
    "cold - eviction share 0.365 [0.292, 0.439], idle x1.57). The idle ratio is now a paired ratio with its CI " +
    "against 1.2, where it was a ratio of two means.",
});

const guestYoungerGenerations = defineClaim(subject, {
  id: "guest-younger-generations",
  who: "James Houghton (guest memory 'appears younger'), as issue 5 states it",
  values: { modes: AGING_MODES },
  statement: () =>
    "Before the fix, guest pages sit in younger MGLRU generations than host pages with the same access pattern: " +
    "guestMeanGen - hostMeanGen (generation age, 0 = max_seq) below zero, paired, with aging left to reclaim and " +
    "with proactive aging.",
  runs: () => ({ kernels: KERNELS }),
  test: (r, v) =>
    eachAgingMode("each aging mode", v.modes, (a) =>
      below(
        pairedDifference(at(r.kernels, "guestMeanGen", BEFORE, a), at(r.kernels, "hostMeanGen", BEFORE, a), {
          label: "guestMeanGen - hostMeanGen, eviction-only",
        }),
        0,
      ),
    ),
  expected: "fails",
  note:
    "Guest pages are not younger: under proactive aging they are older (the walk never promotes them; they look " +
    "young only to the rmap check at eviction), with aging left to reclaim there is no difference (phase A: " +
    "+0.028 [-0.034, 0.091]). Fails in one mode and holds in none, so it fails.",
});

const hostRefaultsAndTailRise = defineClaim(subject, {
  id: "host-refaults-and-tail-rise",
  who: "James Houghton, reporting ChromeOS",
  values: { refaultRise: 1.1, p99Margin: 0.95, modes: AGING_MODES, tailMode: RECLAIM },
  statement: (v) =>
    "Before the fix, host refaults and the tab-open tail are higher than with it: hostRefaultsPerSec eviction-only / " +
    `walk-notify at least ${v.refaultRise} (paired) with aging left to reclaim and with proactive aging; and, with ` +
    "aging left to reclaim (what ChromeOS runs), tabOpenP95Ms before / after above 1 and tabOpenP99Ms not lower " +
    `(before / after at least ${v.p99Margin}), paired per seed.`,
  runs: () => ({ kernels: KERNELS }),
  test: (r, v) =>
    allOf(
      eachAgingMode("host refaults, each aging mode", v.modes, (a) =>
        atLeast(beforeOverAfter(r.kernels, "hostRefaultsPerSec", a), v.refaultRise),
      ),
      above(beforeOverAfter(r.kernels, "tabOpenP95Ms", v.tailMode), 1),
      atLeast(beforeOverAfter(r.kernels, "tabOpenP99Ms", v.tailMode), v.p99Margin),
    ),
  expected: "holds",
  note:
    "Restated so that it decides: phase A decided it on a p95 difference whose CI reached below 0 on seeds 1-3 " +
    "(+11.4 [-8.0, 30.9] ms) and 'p99 not lower' on the mean alone. Now: refaults as paired ratios in both modes; " +
    "the tail as paired per-seed ratios with aging left to reclaim, ChromeOS's mode (on the 5 test seeds: refaults " +
    "x1.21 +- 0.07 and x1.19 +- 0.06, p95 x1.10 +- 0.04, p99 x1.02 +- 0.03). Under proactive aging every 2 s the p95 rises too little to decide on a few seeds (x1.04 +- 0.07 on 4 seeds of 240 s); " +
    "the notebook shows it. A claim run has about 65 opens a seed, so its p99 is nearly the largest open, which " +
    "both kernels often share: 'not lower' is a 5% non-inferiority margin, not a rise.",
});

/** The setup where the phase-A magnitude searches found the largest confirmed p95 ratio (magnitude-recorded.ts). */
const BEST_RECORDED_SETUP = RECORDED_MAGNITUDE_SEARCH.filter((r) => r.stage === "confirmed").reduce((a, b) =>
  b.p95 > a.p95 ? b : a,
);

const publishedMagnitude = defineClaim(subject, {
  id: "published-magnitude",
  who: "ChromeOS tab-open measurements, posted by James Houghton",
  values: {
    reach: 2,
    publishedP95: Number(publishedP95Ratio.toFixed(2)),
    publishedP99: Number(publishedP99Ratio.toFixed(2)),
    setup: BEST_RECORDED_SETUP.setup,
    durationS: 400,
    warmupS: 100,
  },
  statement: (v) =>
    `The tail regression reaches the published size somewhere plausible: at the setup where the magnitude search ` +
    `found the largest ratios (${Object.entries(v.setup)
      .map(([k, x]) => `${k} ${x}`)
      .join(", ")}; agingMode reclaim), tabOpenP95Ms and tabOpenP99Ms eviction-only / walk-notify are both at ` +
    `least ${v.reach} (paired; published x${v.publishedP95} and x${v.publishedP99}).`,
  runs: (v) => ({
    best: { ...v.setup, policy: [BEFORE, AFTER], durationS: v.durationS, warmupS: v.warmupS },
  }),
  test: (r, v) =>
    allOf(
      atLeast(beforeOverAfter(r.best, "tabOpenP95Ms", RECLAIM), v.reach),
      atLeast(beforeOverAfter(r.best, "tabOpenP99Ms", RECLAIM), v.reach),
    ),
  expected: "fails",
  note:
    "Now a search (issue 12): 64 setups over RAM, guest share 0.3-0.6, overcommit, fileShare, zram costs and tab " +
    "size (magnitudeSearch; the notebook charts them, and runs a new one behind its searchPoints parameter); the " +
    "claim is decided again at the best of them. Old: fails at guestShare 0.5 and 0.8 (x1.02 / x1.02, x1.20 / " +
    "x1.09). New: not reached anywhere plausible; the largest is p95 x1.36 +- 0.20, p99 x1.13 +- 0.08 at this " +
    "setup (8 seeds); on the 5 test seeds x1.22 +- 0.18 and x1.16 +- 0.08. The model lacks rendering CPU and core contention, THP guest memory, Chrome's tab discarder, " +
    "memcgs (MODEL_LACKS).",
});

/** A slow, contended secondary-MMU aging call (arm64 under a contended kvm->mmu_lock), for fix-restores-base. */
const SLOW_NOTIFIER_NS = 3000;

const fixRestoresBase = defineClaim(subject, {
  id: "fix-restores-base",
  who: "James Houghton and Yu Zhao (commit 1d4832becdc2)",
  values: { lo: 0.9, hi: 1.1, modes: AGING_MODES, slowNotifierNs: SLOW_NOTIFIER_NS },
  statement: (v) =>
    `With the fix, guest and host pages of equal coldness are evicted alike (guestEvictIdleS / hostEvictIdleS within ` +
    `[${v.lo}, ${v.hi}], paired) and the tail returns to the base level: tabOpenP95Ms and tabOpenP99Ms under ` +
    `walk-notify over base (MGLRU seeing guest accesses where it sees host ones, at no notifier cost) within ` +
    `[${v.lo}, ${v.hi}], paired, although the fix pays for a notifier call on every present guest PTE it walks: ` +
    `with aging left to reclaim and with proactive aging at the default notifierCallNs, and with aging left to ` +
    `reclaim at notifierCallNs ${v.slowNotifierNs}.`,
  runs: (v) => ({
    kernels: KERNELS,
    slowNotifier: { policy: [AFTER, BASE], notifierCallNs: v.slowNotifierNs, ...CLAIM_RUN },
  }),
  test: (r, v) => {
    const cases = [
      ...v.modes.map((aging) => ({ aging, rs: r.kernels, more: {} as Match, name: agingName(aging) })),
      {
        aging: RECLAIM,
        rs: r.slowNotifier,
        more: { notifierCallNs: v.slowNotifierNs } as Match,
        name: `agingMode=reclaim, notifierCallNs=${v.slowNotifierNs}`,
      },
    ];
    return overCases(
      "each aging mode and notifier cost",
      cases,
      ({ aging, rs, more }) => {
        const fix = { policy: AFTER, ...aging, ...more } as Match;
        const base = { policy: BASE, ...aging, ...more } as Match;
        return allOf(
          within(
            pairedRatio(observable(rs, "guestEvictIdleS", fix), observable(rs, "hostEvictIdleS", fix), {
              label: "guestEvictIdleS / hostEvictIdleS, walk-notify",
            }),
            v.lo,
            v.hi,
          ),
          within(pairedRatio(rs, "tabOpenP95Ms", fix, base), v.lo, v.hi),
          within(pairedRatio(rs, "tabOpenP99Ms", fix, base), v.lo, v.hi),
        );
      },
      { caseName: (c) => c.name, caseValues: (c) => ({ ...c.aging, ...c.more }) },
    );
  },
  expected: "holds",
  note:
    "Issue 20: base and walk-notify were bit-identical by construction. The posting does not say what 'base' was; " +
    "most likely the classic active/inactive LRU (MGLRU off), which asks KVM about every page it scans, and which " +
    "the model does not have. Here base is MGLRU with no VM (guest accesses set host A bits), the reference the fix " +
    "can at best restore. The two now differ by what the fix costs: with it, the walk makes a notifier call " +
    "(notifierCallNs) for every present guest PTE of a walked table, young or not, where base reads the host PTE " +
    "(walkPteNs) and skips old ones; look-around and the rmap check call too; each call is charged to kswapd, the " +
    "direct reclaimer (a tab being opened) or the proactive writer. The published base-vs-fix differences (p95 " +
    "2347 vs 2470 ms, p99 3454 vs 4211 ms) compare two algorithms; the model shows only the part the fix's cost " +
    "makes. The slow-notifier case is new; the ratios are now paired per seed with their CIs (phase A: p95 -1.8% / " +
    "-0.2%, p99 -0.4% / 0.0%, ratios of means).",
});

/** The guest shares of the gap map beyond the default one that the shared run holds. */
const GAP_SHARES = [0.1, 0.8];

const gapVsAgingAndShare = defineClaim(subject, {
  id: "gap-vs-aging-and-share",
  who: "issue 5 (how the gap depends on aging frequency and guest share)",
  values: { rise: 1.05, shares: [0.1, 0.5, 0.8], modes: AGING_MODES },
  statement: (v) =>
    `Before the fix, host refaults exceed those with the fix by at least ${Math.round(100 * (v.rise - 1))}% ` +
    `(hostRefaultsPerSec eviction-only / walk-notify at least ${v.rise}, paired) at every point of aging ` +
    `{agingMode reclaim, proactive every ${PROACTIVE_MS} ms} x guestShare {${v.shares.join(", ")}}.`,
  runs: () => ({
    kernels: KERNELS,
    shares: {
      policy: [BEFORE, AFTER],
      agingMode: ["reclaim", "proactive"],
      agingIntervalMs: PROACTIVE_MS,
      guestShare: GAP_SHARES,
      ...CLAIM_RUN,
    },
  }),
  test: (r, v) =>
    overCases(
      "each aging mode and guest share",
      v.modes.flatMap((aging) => v.shares.map((guestShare) => ({ aging, guestShare }))),
      ({ aging, guestShare }) =>
        GAP_SHARES.includes(guestShare)
          ? atLeast(beforeOverAfter(r.shares, "hostRefaultsPerSec", aging, { guestShare }), v.rise)
          : atLeast(beforeOverAfter(r.kernels, "hostRefaultsPerSec", aging), v.rise),
      {
        caseName: (c) => `${agingName(c.aging)}, guestShare=${c.guestShare}`,
        caseValues: (c) => ({ ...c.aging, guestShare: c.guestShare }),
      },
    ),
  expected: "depends",
  note:
    `Restated on the one rule; its proactive period is now ${PROACTIVE_MS} ms (was 1000 ms), the period every claim ` +
    "uses, so the default guest share comes from the shared run. Phase A: depends, worst reclaim / 0.8 +33.4%, under " +
    "5% at reclaim / 0.1 (3.1%) and 1000 ms / 0.1 (3.1%).",
});

/** The proactive periods of the notifier budget beyond the shared run's 2000 ms. */
const BUDGET_MS = [1000];

const notifierCostPays = defineClaim(subject, {
  id: "notifier-cost-pays",
  who: "Yu Zhao, answering Sean Christopherson (age secondary MMUs even when slow)",
  values: { notifierCallNs: 300, proactiveMs: [...BUDGET_MS, PROACTIVE_MS] },
  statement: (v) =>
    `Aging KVM on every walk pays for itself even at arm64's locked cost: with notifierCallNs = ${v.notifierCallNs} ns, ` +
    "the host refault CPU the fix saves (hostRefaultsPerSec eviction-only - walk-notify, x swapInUs) exceeds the " +
    "notifier CPU it adds (notifierCpuMsPerSec walk-notify - eviction-only), per seed, at every proactive period of " +
    `{${v.proactiveMs.join(", ")}} ms and with agingMode reclaim.`,
  runs: (v) => ({
    kernels: KERNELS,
    budget: {
      policy: [BEFORE, AFTER],
      agingMode: "proactive",
      agingIntervalMs: BUDGET_MS,
      notifierCallNs: v.notifierCallNs,
      ...CLAIM_RUN,
    },
  }),
  test: (r, v) => {
    if (spteAgingParams.notifierCallNs.default !== v.notifierCallNs)
      throw new RangeError("notifier-cost-pays reads the shared run at the default notifierCallNs; they differ");
    const cases: Aging[] = [...v.proactiveMs.map(proactive), RECLAIM];
    return overCases(
      "each aging mode",
      cases,
      (a) => {
        const rs = a.agingMode === "proactive" && BUDGET_MS.includes(a.agingIntervalMs) ? r.budget : r.kernels;
        const swapInUs = Number(rs.one({ policy: AFTER, ...a } as Match).swapInUs);
        return above(
          perSeed(
            "host refault CPU saved - notifier CPU added (ms/s)",
            [
              at(rs, "hostRefaultsPerSec", BEFORE, a),
              at(rs, "hostRefaultsPerSec", AFTER, a),
              at(rs, "notifierCpuMsPerSec", AFTER, a),
              at(rs, "notifierCpuMsPerSec", BEFORE, a),
            ],
            (refBefore, refAfter, cpuAfter, cpuBefore) =>
              (refBefore - refAfter) * nsToMs(usToNs(swapInUs)) - (cpuAfter - cpuBefore),
            "ms/s",
          ),
          0,
        );
      },
      agingCases,
    );
  },
  expected: "depends",
  note:
    "Restated on the one rule (saved - cost per seed, CI above 0; was two means compared). The 500 ms period is " +
    "left out (the costliest runs of the old claim; 1000 and 2000 ms bracket the proactive side). Phase A: depends, " +
    "pays only with agingMode reclaim (+0.16 vs 1.20 ms/s); at 2000 ms +2.68 ms/s notifier vs 2.07 saved.",
});

/** The page-cache cases beyond the default (fileShare 0.3, swappiness 60) that the shared run holds. */
const PAGE_CACHE_FILE_SHARES = [0.1, 0.5];
const PAGE_CACHE_SWAPPINESS = [20, 150];

const unscannedKvmThrashesPageCache = defineClaim(subject, {
  id: "unscanned-kvm-thrashes-page-cache",
  who: "Yu Zhao ('not scanning KVM skews anon/file aging')",
  values: { fileShares: [0.1, 0.3, 0.5], swappiness: [20, 60, 150], noCaseBelow: 0.95 },
  statement: (v) =>
    "Not scanning KVM skews anon/file aging and thrashes the page cache: before the fix, host page-cache refaults " +
    "are higher than with it, with aging left to reclaim, across fileShare " +
    `{${v.fileShares.join(", ")}} (swappiness 60) and swappiness {${v.swappiness.join(", ")}} (fileShare 0.3): the ` +
    "mean over these cases of the paired ratio fileRefaultsPerSec eviction-only / walk-notify above 1, and in no " +
    `case below ${v.noCaseBelow}.`,
  runs: () => ({
    kernels: KERNELS,
    fileShares: { policy: [BEFORE, AFTER], fileShare: PAGE_CACHE_FILE_SHARES, ...CLAIM_RUN },
    swappiness: { policy: [BEFORE, AFTER], swappiness: PAGE_CACHE_SWAPPINESS, ...CLAIM_RUN },
  }),
  test: (r, v) => {
    const cases = [
      ...v.fileShares.map((fileShare) => ({ fileShare, swappiness: 60 })),
      ...v.swappiness.filter((s) => s !== 60).map((swappiness) => ({ fileShare: 0.3, swappiness })),
    ];
    const ratio = (c: (typeof cases)[number]) => {
      if (PAGE_CACHE_FILE_SHARES.includes(c.fileShare))
        return beforeOverAfter(r.fileShares, "fileRefaultsPerSec", RECLAIM, { fileShare: c.fileShare });
      if (PAGE_CACHE_SWAPPINESS.includes(c.swappiness))
        return beforeOverAfter(r.swappiness, "fileRefaultsPerSec", RECLAIM, { swappiness: c.swappiness });
      return beforeOverAfter(r.kernels, "fileRefaultsPerSec", RECLAIM);
    };
    const ratios = cases.map(ratio);
    return allOf(
      above(
        perSeed(
          `fileRefaultsPerSec eviction-only / walk-notify, mean over the ${cases.length} cases`,
          ratios,
          (...xs) => xs.reduce((s, x) => s + x, 0) / xs.length,
        ),
        1,
      ),
      overCases("each fileShare and swappiness", cases, (c) => atLeast(ratios[cases.indexOf(c)], v.noCaseBelow)),
    );
  },
  expected: "holds",
  note:
    "New (issue 12). Decided with aging left to reclaim, what ChromeOS runs. Each case alone rises by 11-21% with " +
    "CIs of +-4-9% on 5 seeds, so single cases can be undecided against 1; the mean over the cases decides " +
    "(x1.15 +- 0.05 on the 5 test seeds), and no case may fall. Under proactive aging every 2 s the rise does not " +
    "show at the defaults (fileRefaultsPerSec about x0.99 in the shared run); the notebook shows both modes.",
});

export const spteAgingClaims = [
  guestUnderEvicted,
  guestYoungerGenerations,
  hostRefaultsAndTailRise,
  publishedMagnitude,
  fixRestoresBase,
  gapVsAgingAndShare,
  notifierCostPays,
  unscannedKvmThrashesPageCache,
];
