/**
 * The thread's claims as data, decided by the one rule (src/experiments/claims/rule.ts) on per-seed measures: the
 * variants of a seed share their random streams, so every ratio is paired. Every threshold and swept value is a
 * named value that the statement's text and the test share. What each verdict was on the first model, and why it
 * moved: the claims' `note`s and docs/fidelity/000-mmu-lock-aging.md §5.
 */
import {
  allOf,
  atLeast,
  atMost,
  crossover,
  defineClaim,
  never,
  observable,
  overCases,
  pairedRatio,
  perSeed,
  within,
  type Finding,
  type Match,
  type Measure,
} from "../claims/vocabulary";
import type { ResultSet } from "../results";
import { nsToMs, usToNs } from "../../sim/time";
import { mmuLockAgingParams, type MmuLockAgingParams } from "./params";

const subject = { params: mmuLockAgingParams };
type Results = ResultSet<MmuLockAgingParams, any, any>;
type At = Match<MmuLockAgingParams>;

/**
 * Per-seed relative change of vCPU wall time for fixed guest work when going from point `from` to point `to`:
 * (1 - lost at `from`) / (1 - lost at `to`) - 1, from the fraction of vCPU time lost to mmu_lock and to aging walks'
 * interference (vcpuWallLostFraction). Negative: the vCPUs finish sooner at `to`.
 *
 * @example
 * vcpuWallChange(rs, { agingLock: "write" }, { agingLock: "read" }); // James's -0.9% is read vs write
 */
export function vcpuWallChange(rs: Results, from: At, to: At, label?: string): Measure {
  return perSeed(
    label ?? "vCPU wall time change",
    [observable(rs, "vcpuWallLostFraction", from), observable(rs, "vcpuWallLostFraction", to)],
    (lostFrom, lostTo) => (1 - lostFrom) / (1 - lostTo) - 1,
    "fraction",
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Oliver Upton: the queued rwlock bounds a writer's wait (two claims: the strict bound as first stated, and the
// kernel's own bound with starvation-freedom, which issue 11 asks to state beside it).

/** Claim 1's loads: mean guest run between faults per vCPU, light to extreme (a 40-fold rise). */
export const BOUND_LOADS_US = [200, 20, 5] as const;

const boundValues = {
  vcpus: 32,
  loadsUs: BOUND_LOADS_US,
  lightUs: BOUND_LOADS_US[0],
  heavyUs: BOUND_LOADS_US[BOUND_LOADS_US.length - 1],
  durationMs: 2,
  /** The longer measurement, in multiples of durationMs (long enough for starvation to show above seed noise). */
  longerFactor: 8,
  /** The queued lock's longest wait grows less than this over the 40-fold load rise. */
  maxGrowth: 4,
  /** ... and less than this over the longer measurement (it does not grow with simulated time). */
  maxTimeGrowth: 1.5,
  /** The reader-preferring lock's longest wait at the heavy load is at least this many times the queued lock's ... */
  starvedOverQueued: 10,
  /** ... and grows at least this much with the longer measurement (starvation lasts as long as the run). */
  minStarvedTimeGrowth: 1.5,
};
type BoundValues = typeof boundValues;

const boundRuns = (v: BoundValues) => {
  const base = { vcpus: v.vcpus, reclaimers: 0, agingLock: "read" as const, lockKind: ["qrwlock", "reader-pref"] };
  return {
    loads: { ...base, faultIntervalUs: [...v.loadsUs], durationMs: v.durationMs },
    longer: { ...base, faultIntervalUs: v.heavyUs, durationMs: v.longerFactor * v.durationMs },
  };
};
type BoundResults = { loads: Results; longer: Results };

/** The parts both of Oliver's claims share: growth with load and with time, and the reader-preferring contrast. */
function starvationParts(r: BoundResults, v: BoundValues): Finding[] {
  const heavy = (lockKind: "qrwlock" | "reader-pref") => ({ lockKind, faultIntervalUs: v.heavyUs });
  /** The longest wait over the longer measurement / over the base one, at the heavy load. */
  const overTime = (lockKind: "qrwlock" | "reader-pref") =>
    pairedRatio(
      observable(r.longer, "writerWaitMaxNs", { lockKind }),
      observable(r.loads, "writerWaitMaxNs", heavy(lockKind)),
      {
        label: `${lockKind} writerWaitMaxNs, ${v.longerFactor}x longer / ${v.durationMs} ms measurement, at faultIntervalUs=${v.heavyUs}`,
      },
    );
  const light = { lockKind: "qrwlock" as const, faultIntervalUs: v.lightUs };
  return [
    atMost(pairedRatio(r.loads, "writerWaitMaxNs", heavy("qrwlock"), light), v.maxGrowth),
    atMost(overTime("qrwlock"), v.maxTimeGrowth),
    atLeast(pairedRatio(r.loads, "writerWaitMaxNs", heavy("reader-pref"), heavy("qrwlock")), v.starvedOverQueued),
    atLeast(overTime("reader-pref"), v.minStarvedTimeGrowth),
  ];
}

const starvationText = (v: BoundValues) =>
  `as the fault rate rises ${v.lightUs / v.heavyUs}-fold (faultIntervalUs ${v.lightUs} -> ${v.heavyUs} at ${v.vcpus} ` +
  `vCPUs, read-lock aging, kswapd alone) the writers' longest wait grows less than ${v.maxGrowth}x and does not grow ` +
  `with simulated time (${v.longerFactor}x longer measurement: < ${v.maxTimeGrowth}x); under the reader-preferring ` +
  `lock the longest wait at the highest load is at least ${v.starvedOverQueued}x the queued lock's and grows at least ` +
  `${v.minStarvedTimeGrowth}x with the ${v.longerFactor}x longer measurement (starvation: it lasts as long as the run). ` +
  "Every ratio paired per seed.";

/** Writers over a bound at any of the loads, per seed (a count: decided by counterexample). */
function overBoundCount(rs: Results, v: BoundValues, observableName: string, overOne: boolean, label: string): Measure {
  const per = v.loadsUs.map((faultIntervalUs) =>
    observable(rs, observableName as "writerBoundViolations", { lockKind: "qrwlock", faultIntervalUs }),
  );
  return perSeed(label, per, (...xs) => xs.reduce((a, x) => a + (overOne ? (x > 1 ? 1 : 0) : x), 0));
}

const boundedWait = defineClaim(subject, {
  id: "qrwlock-writer-wait-bounded",
  who: "Oliver Upton",
  values: boundValues,
  statement: (v) =>
    "Under the queued rwlock no eviction writer waits longer than its strict bound (the holds queued ahead of it plus " +
    "the longest remaining hold inside plus one line transfer per hand-off, taken when its fast path fails), and " +
    starvationText(v),
  runs: boundRuns,
  test: (r, v) =>
    allOf(
      never(overBoundCount(r.loads, v, "writerBoundViolations", false, "writers over their strict bound, all loads")),
      ...starvationParts(r, v),
    ),
  expected: "fails",
  note:
    "First model: holds (0 writers over the bound, largest wait/bound 1.000; longest wait x1.60 over the load rise, " +
    "x1.33 over a 4x longer run). Now: fails on the strict bound alone (336 +- 11 writers over it per seed on seeds " +
    "1-5, largest wait/bound 4.35, excess up to 5.6 us), because the model now follows qrwlock.c's slow path: readers " +
    "whose _QR_BIAS lands in the hand-off window before _QW_WAITING get in, transient biases make the head writer's cmpxchg retry (0.85 retries per " +
    "write acquisition at 5 us), and every slow-path step is a line transfer (issue 11 items 2-4). The starvation parts " +
    "still hold (seeds 1-5): x2.61 +- 0.94 over the load rise, x1.09 +- 0.10 over an 8x longer run; reader-preferring " +
    "x210 +- 55 the queued lock's, x4.35 +- 1.45 over the 8x longer run (the longer run was 4x: its x2.2 +- 0.7 was " +
    "undecided against 1.5 on 5 seeds). The kernel's own bound holds: see qrwlock-writers-not-starved.",
});

const notStarved = defineClaim(subject, {
  id: "qrwlock-writers-not-starved",
  who: "Oliver Upton (the bound qrwlock.c gives)",
  values: boundValues,
  statement: (v) =>
    "Under the queued rwlock no eviction writer waits longer than the kernel's bound, counted from the moment its " +
    "_QW_WAITING lands (the longest remaining hold of those inside then, hand-off-window readers included, plus one " +
    "line transfer per CPU on the line per try for the last release, the read and the cmpxchg, and per failed try for " +
    "a transient bias's removal), and " +
    starvationText(v),
  runs: boundRuns,
  test: (r, v) =>
    allOf(
      never(
        overBoundCount(
          r.loads,
          v,
          "writerWaitOverKernelBound",
          true,
          "loads at which a writer waited longer than the kernel's bound",
        ),
      ),
      ...starvationParts(r, v),
    ),
  expected: "holds",
  note:
    "New with issue 11: the strict bound of qrwlock-writer-wait-bounded leaves out what qrwlock.c lets in before a " +
    "writer's _QW_WAITING lands; this is the bound the lock does give (no writer over it on seeds 1-5: " +
    "writerWaitOverKernelBound 0.53-0.95). Holds on 5 seeds; on 3 the load-growth ratio (x2.5 +- 2.2) is undecided.",
});

// ---------------------------------------------------------------------------------------------------------------
// James Houghton's arm64 numbers: read-lock aging 5.4x faster per page, vCPUs unharmed (-0.9%).

/** Claim 2's sweep: the unpublished guest fault rate. */
export const SPEEDUP_FAULT_INTERVALS_US = [20, 50, 75, 100, 200] as const;

const readLockSpeedup = defineClaim(subject, {
  id: "read-lock-pass-faster-vcpus-unharmed",
  who: "James Houghton (arm64 data, quoted by Yu Zhao)",
  values: {
    vcpus: 32,
    faultIntervalsUs: SPEEDUP_FAULT_INTERVALS_US,
    /** Read-lock aging costs at most 1/minSpeedup of write-lock aging per page (published 5.4x). */
    minSpeedup: 3,
    /** vCPU wall time changes by at most this fraction either way (published -0.9%). */
    maxWallChange: 0.01,
    durationMs: 3,
    warmupMs: 0.5,
  },
  statement: (v) =>
    `At ${v.vcpus} vCPUs with aging running beside them (access-tracking), there is a guest fault rate at which ` +
    `read-lock aging costs at most 1/${v.minSpeedup} of write-lock aging per page (published 5.4x: 1.661 s vs 0.307 s ` +
    `per pass) while vCPU wall time changes by at most ${100 * v.maxWallChange}% either way, read vs write (published ` +
    `-0.9%); tested at faultIntervalUs ${v.faultIntervalsUs.join(", ")}, both bounds met with their 95% CIs at one of them.`,
  runs: (v) => ({
    passes: {
      workload: "access-tracking",
      vcpus: v.vcpus,
      reclaimers: 0,
      agingLock: ["write", "read"],
      faultIntervalUs: [...v.faultIntervalsUs],
      durationMs: v.durationMs,
      warmupMs: v.warmupMs,
    },
  }),
  test: (r, v) =>
    overCases(
      "some fault interval",
      v.faultIntervalsUs,
      (faultIntervalUs) =>
        allOf(
          atLeast(
            pairedRatio(
              r.passes,
              "agingNsPerPage",
              { agingLock: "write", faultIntervalUs },
              { agingLock: "read", faultIntervalUs },
            ),
            v.minSpeedup,
          ),
          within(
            vcpuWallChange(
              r.passes,
              { agingLock: "write", faultIntervalUs },
              { agingLock: "read", faultIntervalUs },
              `vCPU wall time change, read vs write, at faultIntervalUs=${faultIntervalUs}`,
            ),
            -v.maxWallChange,
            v.maxWallChange,
          ),
        ),
      { quantifier: "some", caseName: (f) => `faultIntervalUs=${f}`, caseValues: (f) => ({ faultIntervalUs: f }) },
    ),
  expected: "fails",
  note:
    "Fails on both models: the fault rates that make the write lock 3x dearer per page cost the vCPUs more than 1%. " +
    "First model at 50 us: x5.56 +- 1.3, -2.39%; at 200 us: x1.44, -0.18%. Now (vCPU wall time includes the walk's " +
    "interference, walkInterferenceFraction, and every slow-path atomic is a line transfer), seeds 1-5: at 50 us " +
    "x6.05 +- 0.38, -2.62%; at 75 us x3.31, -1.55%; at 100 us x2.42, -1.06%; at 200 us x1.52, -0.40%. The one rule " +
    "asks the whole CI inside +-1%; the legacy " +
    "code asked |mean| + CI <= 1%, the same test.",
});

// ---------------------------------------------------------------------------------------------------------------
// Yu Zhao: read-lock aging inverts the eviction writers; aging that takes the lock is what stalls.

/** D, the concurrent reclaimers (or debugfs agers in split) the sweeps visit. */
export const RECLAIMER_SWEEP = [0, 2, 8, 32, 64] as const;
export const INVERSION_RECLAIMERS = RECLAIMER_SWEEP;
export const INVERSION_WORKLOADS = ["reclaim", "split"] as const;
/** The walk's notifier call sizes: per PTE (walk_pte_range) and per PMD. */
export const INVERSION_CALL_PAGES = [1, 512] as const;

const inversion = defineClaim(subject, {
  id: "read-aging-inverts-eviction-writers",
  who: "Yu Zhao",
  values: {
    reclaimers: INVERSION_RECLAIMERS,
    workloads: INVERSION_WORKLOADS,
    callPages: INVERSION_CALL_PAGES,
    /** The inversion: read-lock aging's writer p99 at least this many times the faults-only baseline's. */
    inversionFactor: 2,
    /** Lockless aging stays within this many times the baseline's p99. */
    locklessMax: 1.25,
    durationMs: 2,
  },
  statement: (v) =>
    `With read-lock aging, the eviction writers' p99 wait reaches at least ${v.inversionFactor}x the faults-only ` +
    `baseline's (no aging through KVM) at some D in ${v.reclaimers.join(", ")} (the crossover located along D), while ` +
    `lockless aging stays within ${v.locklessMax}x of the baseline at every D (paired ratios, whole 95% CI). Checked ` +
    "with reclaimers that all age and evict (reclaim: their readers are the rmap path's look-around calls and the " +
    "walk iterate_mm_list hands to one of them per generation) and with kswapd reclaiming beside D proactive agers " +
    "writing lru_gen's debugfs aging command (split: the walk's readers come from run_aging), for the walk's notifier " +
    `calls per PTE (${v.callPages[0]} page) and per PMD (${v.callPages[1]} pages).`,
  runs: (v) => ({
    read: {
      reclaimers: [...v.reclaimers],
      workload: [...v.workloads],
      durationMs: v.durationMs,
      agingLock: "read",
      pagesPerAgingCall: [...v.callPages],
    },
    baselines: {
      reclaimers: [...v.reclaimers],
      workload: [...v.workloads],
      durationMs: v.durationMs,
      agingLock: ["lockless", "faults-only"],
    },
  }),
  test: (r, v) => {
    const baseline = (workload: (typeof v.workloads)[number], reclaimers: number) =>
      observable(r.baselines, "writerWaitP99Ns", { workload, reclaimers, agingLock: "faults-only" });
    const cases = v.workloads.flatMap((workload) =>
      v.callPages.map((pagesPerAgingCall) => ({ workload, pagesPerAgingCall })),
    );
    return allOf(
      overCases(
        "each workload and call size",
        cases,
        (c) =>
          crossover(
            "reclaimers",
            v.reclaimers,
            (reclaimers) =>
              atLeast(
                pairedRatio(
                  observable(r.read, "writerWaitP99Ns", { ...c, reclaimers }),
                  baseline(c.workload, reclaimers),
                  {
                    label: `writerWaitP99Ns, read / faults-only, at workload=${c.workload}, pagesPerAgingCall=${c.pagesPerAgingCall}, reclaimers=${reclaimers}`,
                  },
                ),
                v.inversionFactor,
              ),
            { quantifier: "some" },
          ),
        { caseName: (c) => `workload=${c.workload}, pagesPerAgingCall=${c.pagesPerAgingCall}` },
      ),
      overCases(
        "lockless at every workload and D",
        v.workloads.flatMap((workload) => v.reclaimers.map((reclaimers) => ({ workload, reclaimers }))),
        (c) =>
          atMost(
            pairedRatio(
              r.baselines,
              "writerWaitP99Ns",
              { ...c, agingLock: "lockless" },
              { ...c, agingLock: "faults-only" },
            ),
            v.locklessMax,
          ),
      ),
    );
  },
  expected: "depends",
  note:
    "Depends on both models, for a different reason now. First model: reclaim no crossover; split (D reclaimers that " +
    "only aged, which the kernel cannot have) per PTE no crossover (D=64 x1.61), per PMD from D=2 (x3.05). Now " +
    "(iterate_mm_list's one walker per mm per generation; split is kswapd beside D debugfs agers): reclaim no " +
    "crossover (D=64 x0.72, per PTE); split per PTE between D=2 and 8 (x4.62 at 8; D=64 x98), per PMD between D=0 " +
    "and 2 (x2.98 at 2; D=64 x6.35) (seeds 1-5). Lockless within x1.03. The legacy code compared the lockless means with 1.25; the one rule " +
    "asks the whole paired CI below it.",
});

const agingStalls = defineClaim(subject, {
  id: "lock-taking-aging-stalls-under-reclaim",
  who: "Yu Zhao",
  values: {
    reclaimers: RECLAIMER_SWEEP,
    /** Read-lock aging per page at the highest D is at least this many times its D=0 cost. */
    minSlowdown: 10,
    /** Lockless aging per page stays within this fraction of its D=0 cost at every D. */
    locklessTolerance: 0.1,
    durationMs: 2,
  },
  statement: (v) =>
    "Aging that takes mmu_lock is what suffers under concurrent reclaim: with read-lock aging the aging cost per page " +
    `at D=${v.reclaimers[v.reclaimers.length - 1]} direct reclaimers is at least ${v.minSlowdown}x its D=0 value (the ` +
    "queued lock makes each reader wait behind the queued unmap writers), while lockless aging stays within " +
    `${100 * v.locklessTolerance}% of its D=0 cost at every D in ${v.reclaimers.join(", ")} (paired ratios).`,
  runs: (v) => ({
    sweep: { reclaimers: [...v.reclaimers], agingLock: ["read", "lockless"], durationMs: v.durationMs },
  }),
  test: (r, v) =>
    allOf(
      atLeast(
        pairedRatio(
          r.sweep,
          "agingNsPerPage",
          { reclaimers: v.reclaimers[v.reclaimers.length - 1], agingLock: "read" },
          { reclaimers: 0, agingLock: "read" },
        ),
        v.minSlowdown,
      ),
      overCases(
        "lockless at every D",
        v.reclaimers,
        (reclaimers) =>
          within(
            pairedRatio(
              r.sweep,
              "agingNsPerPage",
              { reclaimers, agingLock: "lockless" },
              { reclaimers: 0, agingLock: "lockless" },
            ),
            1 - v.locklessTolerance,
            1 + v.locklessTolerance,
          ),
        { caseName: (d) => `reclaimers=${d}`, caseValues: (d) => ({ reclaimers: d }) },
      ),
    ),
  expected: "holds",
  note:
    "Holds on both models. First model: read per page D=64/D=0 x591 +- 100. Now x297 +- 24 (49 -> 14 500 ns): no " +
    "reclaimer walks the VM each round any more; the aging cost is mostly the rmap path's look-around calls queued " +
    "behind the unmaps. Lockless aging takes no lock and costs its 30 ns walk at every D (x1.000): that part cannot " +
    "fail in this model, by construction.",
});

// ---------------------------------------------------------------------------------------------------------------
// David Matlack: write-lock aging is fine unless reclaim is pathological.

/** Claim 5's sweep: guest fault intervals, and reclaim back to back against reclaimers pausing 1 ms. */
export const MATLACK_FAULT_INTERVALS_US = [50, 200, 1000] as const;
export const MATLACK_IDLE_US = [0, 1000] as const;

const writeLockAcceptable = defineClaim(subject, {
  id: "write-lock-aging-fine-unless-pathological",
  who: "David Matlack",
  values: {
    reclaimers: 4,
    faultIntervalsUs: MATLACK_FAULT_INTERVALS_US,
    pausedIdleUs: MATLACK_IDLE_US[1],
    backToBackIdleUs: MATLACK_IDLE_US[0],
    /** Pausing reclaimers: write-lock aging evicts at least this share of lockless aging's rate. */
    fineShare: 0.9,
    /** Back-to-back reclaimers: at most this share. */
    pathologicalShare: 0.8,
    durationMs: 8,
  },
  statement: (v) =>
    "Write-lock aging costs eviction throughput only under pathological reclaim: with kswapd and " +
    `${v.reclaimers} direct reclaimers pausing ${nsToMs(usToNs(v.pausedIdleUs))} ms between rounds it evicts at least ` +
    `${100 * v.fineShare}% as many folios per second as lockless aging, while reclaiming back to back it evicts at ` +
    `most ${100 * v.pathologicalShare}% as many (paired ratios); checked at guest fault intervals of ` +
    `${v.faultIntervalsUs.join(", ")} us per vCPU.`,
  runs: (v) => ({
    reclaim: {
      reclaimers: v.reclaimers,
      agingLock: ["write", "lockless"],
      reclaimIdleUs: [v.backToBackIdleUs, v.pausedIdleUs],
      faultIntervalUs: [...v.faultIntervalsUs],
      durationMs: v.durationMs,
    },
  }),
  test: (r, v) => {
    const share = (faultIntervalUs: number, reclaimIdleUs: number) =>
      pairedRatio(
        r.reclaim,
        "evictedPagesPerSec",
        { faultIntervalUs, reclaimIdleUs, agingLock: "write" },
        { faultIntervalUs, reclaimIdleUs, agingLock: "lockless" },
      );
    return overCases(
      "each fault interval",
      v.faultIntervalsUs,
      (faultIntervalUs) =>
        allOf(
          atLeast(share(faultIntervalUs, v.pausedIdleUs), v.fineShare),
          atMost(share(faultIntervalUs, v.backToBackIdleUs), v.pathologicalShare),
        ),
      { caseName: (f) => `faultIntervalUs=${f}`, caseValues: (f) => ({ faultIntervalUs: f }) },
    );
  },
  expected: "fails",
  note:
    "First model: depends (held at 1000 us: x0.983 pausing vs x0.745 back to back). Now fails (seeds 1-5): at 1000 " +
    "us x0.760 +- 0.11 vs x0.417; at 200 us x0.635 vs x0.406; at 50 us x0.342 vs x0.288. Cause: issue 11's rmap path, where a " +
    "young folio costs 1 + up to 64 write acquisitions at eviction (lru_gen_look_around per PTE, commit " +
    "1d4832becdc2); with youngFraction 0 the pausing case is x0.98-1.00. The legacy code compared means with 0.9 and " +
    "0.8; the one rule asks the whole CI on the claimed side: the pausing case fails at every fault interval, the " +
    "back-to-back case holds at every one.",
});

export const mmuLockAgingClaims = [
  boundedWait,
  notStarved,
  readLockSpeedup,
  inversion,
  agingStalls,
  writeLockAcceptable,
];
