// spte-aging: claims on fresh seeds, parameter validation, determinism, common random numbers, published data.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spteAging } from "../../../src/experiments/spte-aging/experiment";
import { spteAgingParams } from "../../../src/experiments/spte-aging/params";
import { buildModel } from "../../../src/experiments/spte-aging/model";
import { chromeOsTabOpenMs, CHROMEOS_SOURCE, publishedP95Ratio } from "../../../src/experiments/spte-aging/published";
import { loadPublished } from "../../../src/experiments/published";
import { publishedComparisons } from "../../../src/experiments/published-compare";
import { runExperiment, unchecked } from "../../../src/experiments/runner";
import { defaults, ParamError } from "../../../src/experiments/params";
import { findExperiment } from "../../../src/experiments/registry";
import { testClaims } from "../../helpers/claims";
import { latinHypercube, MAGNITUDE_SPACE, runSetup } from "../../../src/experiments/spte-aging/magnitude-search";
import { RECORDED_MAGNITUDE_SEARCH } from "../../../src/experiments/spte-aging/magnitude-recorded";
import { CLAIM_TEST_SEED_BASE, evaluateClaim } from "../../../src/experiments/claims";

testClaims(spteAging, { seeds: 5 });

test("the claims can fail: with no VM the kernels are one, and the rise James reported fails", async () => {
  // guestShare 0 leaves almost nothing for the fix to change: eviction-only and walk-notify run (nearly) the same,
  // so the paired refault ratios are about 1 (1.00 +- 0.02), wholly below the claim's 1.1
  const claim = spteAging.claims.find((c) => c.id === "host-refaults-and-tail-rise")!;
  const v = await evaluateClaim(spteAging, claim, {
    seeds: 2,
    seedBase: CLAIM_TEST_SEED_BASE,
    base: { guestShare: 0 },
  });
  assert.equal(v.verdict, "fails", v.detail);
});

const SHORT = { durationS: 60, warmupS: 20, ramPages: 8192, tabPages: 256 };

test("spte-aging is registered", () => {
  assert.equal(findExperiment("spte-aging"), spteAging);
});

test("bad input fails before anything runs, naming the parameter", async () => {
  const named = (name: string, re: RegExp) => (e: unknown) =>
    e instanceof ParamError && e.param === name && re.test(e.message);
  await assert.rejects(
    runExperiment(spteAging, unchecked({ agingInterval: 10 })),
    named("agingInterval", /did you mean 'agingIntervalMs'/),
  );
  await assert.rejects(runExperiment(spteAging, { policy: "fix" }), named("policy", /'fix' is not a choice/));
  await assert.rejects(runExperiment(spteAging, { guestShare: 1.5 }), named("guestShare", /1.5 is out of range/));
  await assert.rejects(runExperiment(spteAging, { ramPages: 1000.5 }), named("ramPages", /expected an integer/));
  await assert.rejects(
    runExperiment(spteAging, unchecked({ swapInUs: "slow" })),
    named("swapInUs", /expected a number/),
  );
  await assert.rejects(
    runExperiment(spteAging, unchecked({ guestLayout: 3 })),
    named("guestLayout", /expected a name/),
  );
});

test("every parameter carries a unit or choices, a description and a source", () => {
  for (const [name, spec] of Object.entries(spteAgingParams)) {
    assert.ok(spec.description.length > 20, name);
    assert.ok(spec.source.length > 5, name);
    if (spec.type === "number" || spec.type === "integer") {
      assert.ok(spec.unit, name);
      assert.ok(spec.default >= spec.min && spec.default <= spec.max, name);
    }
  }
});

test("same seed, same values, inline or on workers", async () => {
  const input = { ...SHORT, policy: ["eviction-only", "walk-notify"] as const };
  const one = await runExperiment(spteAging, input, { seeds: 2, workers: 1 });
  const two = await runExperiment(spteAging, input, { seeds: 2, workers: 2 });
  assert.deepEqual(
    two.replications.map((r) => r.values),
    one.replications.map((r) => r.values),
  );
});

test("policies share random numbers: the same layout and the same sequence of tab opens whatever the policy", () => {
  // opens take simulated time now (reads, stalls), so how many fit in the run differs by policy; what the user
  // chooses, in order, does not
  const p = { ...defaults(spteAgingParams), ...SHORT };
  const opens = (policy: "eviction-only" | "walk-notify" | "base" | "no-walk") => {
    const seq: number[] = [];
    const r = buildModel({ ...p, policy }, 7, { onOpen: (g) => seq.push(g) }).run();
    return { first: seq.slice(0, 25), pages: r.layout.pages.length, guest: r.layout.pagesOf[1] };
  };
  const ref = opens("eviction-only");
  assert.equal(ref.first.length, 25);
  for (const policy of ["walk-notify", "base", "no-walk"] as const) assert.deepEqual(opens(policy), ref, policy);
});

test("agingMode: reclaim ages only from reclaim; proactive adds run_aging every agingIntervalMs; 0 is refused", async () => {
  const p = { ...defaults(spteAgingParams), ...SHORT };
  const reclaim = buildModel({ ...p, agingMode: "reclaim" }, 3).run();
  assert.equal(reclaim.mglru.stats.agingPasses, reclaim.mglru.stats.reclaimAgingPasses);
  const proactive = buildModel({ ...p, agingMode: "proactive", agingIntervalMs: 1000 }, 3).run();
  const passes = proactive.mglru.stats.agingPasses - proactive.mglru.stats.reclaimAgingPasses;
  // one a second over the 40 s window (force_scan always opens a generation)
  assert.ok(passes >= 39 && passes <= 41, `${passes} proactive passes`);
  assert.throws(
    () => buildModel({ ...p, agingMode: "proactive", agingIntervalMs: 0 }, 3),
    /agingIntervalMs must be > 0 with agingMode 'proactive'/,
  );
  await assert.rejects(runExperiment(spteAging, { agingMode: "kswapd" }), /'kswapd' is not a choice/);
});

test("min_ttl: kswapd OOM-kills the least recently opened tab when even the oldest generation is younger", () => {
  const p = { ...defaults(spteAgingParams), ...SHORT };
  const off = buildModel({ ...p }, 2).run();
  assert.equal(off.kswapd.oomKills, 0, "min_ttl_ms 0: never");
  const on = buildModel({ ...p, minTtlMs: 60_000, durationS: 120 }, 2).run();
  assert.ok(on.kswapd.oomKills > 0, `${on.kswapd.oomKills} kills`);
  assert.ok(on.metrics.reloads > 0, "a discarded tab reopens as a reload");
  assert.equal(on.zone.free + on.mglru.lruvec.totalPages, p.ramPages);
  on.mglru.lruvec.checkConsistency();
});

test("the world keeps its books: free + LRU = RAM, kswapd ran, file and anon both refault", () => {
  const p = { ...defaults(spteAgingParams), ...SHORT };
  const r = buildModel({ ...p, policy: "eviction-only" }, 5).run();
  assert.equal(r.zone.free + r.mglru.lruvec.totalPages, p.ramPages);
  assert.ok(r.kswapd.runs > 0);
  assert.ok(r.metrics.hostFileRefaults > 0 && r.metrics.hostAnonRefaults > 0);
  r.mglru.lruvec.checkConsistency();
});

test("the rows echo the contract columns of issue 5", async () => {
  const rs = await runExperiment(spteAging, SHORT, { seeds: 1, workers: 1 });
  const cols = rs.columns;
  for (const c of [
    "policy",
    "agingIntervalMs",
    "guestShare",
    "guestEvictionShare",
    "guestColdShare",
    "hostRefaultsPerSec",
    "tabOpenP50Ms",
    "tabOpenP95Ms",
    "tabOpenP99Ms",
    "guestMeanGen",
    "hostMeanGen",
    "notifierCallsPerPass",
    "agingMode",
    "fileShare",
    "swappiness",
    "fileRefaultsPerSec",
    "anonRefaultsPerSec",
    "guestRefaultsPerSec",
    "directReclaimStallP99Ms",
    "kswapdCpuFraction",
    "tabOpenStallShare",
    "tabOpens",
  ]) {
    assert.ok(cols.includes(c), c);
  }
});

test("before the fix the walk makes no notifier calls; with it, about one per resident guest page per pass", () => {
  const p = { ...defaults(spteAgingParams), ...SHORT, agingMode: "proactive" as const, agingIntervalMs: 1000 };
  const before = buildModel({ ...p, policy: "eviction-only" }, 3).run();
  const after = buildModel({ ...p, policy: "walk-notify" }, 3).run();
  assert.equal(before.mglru.calls.walk, 0);
  assert.ok(before.mglru.calls.rmap > 0);
  const perPass = after.mglru.calls.walk / after.mglru.stats.agingPasses;
  const guestPages = after.layout.pagesOf[1];
  assert.ok(
    perPass > 0.2 * guestPages && perPass <= guestPages,
    `${perPass} calls per pass, ${guestPages} guest pages`,
  );
});

test("no VM (guestShare 0) and a scattered guest layout both run; guest observables are NaN without a guest", async () => {
  const none = await runExperiment(spteAging, { ...SHORT, guestShare: 0 }, { seeds: 1, workers: 1 });
  assert.ok(Number.isNaN(none.rows[0].guestMeanGen as number));
  assert.equal(none.rows[0].notifierCallsPerPass, 0);
  const scattered = await runExperiment(
    spteAging,
    { ...SHORT, guestLayout: "scattered", policy: "walk-notify" },
    { seeds: 1, workers: 1 },
  );
  assert.ok((scattered.rows[0].hostRefaultsPerSec as number) > 0);
});

test("state does not grow with simulated time: event queue and processes are bounded", () => {
  const p = { ...defaults(spteAgingParams), ...SHORT };
  const short = buildModel({ ...p, durationS: 40 }, 1);
  short.run();
  const long = buildModel({ ...p, durationS: 160 }, 1);
  long.run();
  assert.equal(long.sim.liveProcesses, short.sim.liveProcesses);
  assert.ok(long.sim.queueCapacity <= short.sim.queueCapacity + 4);
});

test("data/published/spte-aging.csv holds the ChromeOS table of published.ts, with its source and comparison", () => {
  const rows = loadPublished("spte-aging").map((r) => r.fields);
  for (const kernel of ["base", "mglru", "fix"] as const) {
    for (const [k, q] of [
      ["p50", "tabOpenP50Ms"],
      ["mean", "tabOpenMeanMs"],
      ["p95", "tabOpenP95Ms"],
      ["p99", "tabOpenP99Ms"],
      ["max", "tabOpenMaxMs"],
    ] as const) {
      const row = rows.find((r) => r.quantity === q && r.conditions.includes(`'${kernel}'`));
      assert.ok(row, `${kernel} ${q}`);
      assert.equal(Number(row.value), chromeOsTabOpenMs[kernel][k], `${kernel} ${q}`);
      assert.equal(row.source, CHROMEOS_SOURCE);
    }
  }
  // every row says how the model reproduces it; the ratio rows are compared, paired
  const comparisons = publishedComparisons(spteAging);
  assert.equal(comparisons.length, rows.length);
  for (const c of comparisons) assert.ok(c.matchWhy.length > 20, `line ${c.line}`);
  const p95 = comparisons.find((c) => c.row.fields.quantity === "tabOpenP95Ratio")!;
  assert.equal(p95.role, "prediction");
  assert.equal(p95.recordedAgreement, "further");
  assert.ok(Math.abs(Number(p95.row.fields.value) - publishedP95Ratio) < 0.001);
});

test("the recorded magnitude search is what today's model computes: search 40's setups and a coarse point re-run", async () => {
  // Search 40 was a Latin hypercube of 40 setups from seed 2, each on paired seeds 2-3, 600 s runs with 120 s of
  // warm-up and aging left to reclaim; the notebook charts the recording at its defaults, so a change to the model
  // that moves it must show here.
  const recorded = RECORDED_MAGNITUDE_SEARCH.filter((r) => r.search === 40 && r.stage === "coarse");
  assert.equal(recorded.length, 40);
  assert.deepEqual(
    latinHypercube(MAGNITUDE_SPACE, 40, 2),
    recorded.map((r) => r.setup),
  );
  const rerun = await runSetup(recorded[0].setup, { durationS: 600, warmupS: 120, agingMode: "reclaim" }, 2, 2);
  assert.equal(Number(rerun.p95Ratio.mean.toFixed(4)), recorded[0].p95);
  assert.equal(Number(rerun.p99Ratio.mean.toFixed(4)), recorded[0].p99);
  assert.equal(Number(rerun.hostRefaultRatio.toFixed(4)), recorded[0].hostRefaultRatio);
});
