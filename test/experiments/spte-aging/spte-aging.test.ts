// spte-aging: claims on fresh seeds, parameter validation, determinism, common random numbers, published data.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { spteAging } from "../../../src/experiments/spte-aging/experiment";
import { spteAgingParams } from "../../../src/experiments/spte-aging/params";
import { buildModel } from "../../../src/experiments/spte-aging/model";
import { chromeOsTabOpenMs, CHROMEOS_SOURCE } from "../../../src/experiments/spte-aging/published";
import { runExperiment, unchecked } from "../../../src/experiments/runner";
import { defaults, ParamError } from "../../../src/experiments/params";
import { findExperiment } from "../../../src/experiments/registry";
import { testClaims } from "../../helpers/claims";

testClaims(spteAging, { seeds: 5 });

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

test("policies share random numbers: the same tab opens and background touches whatever the policy", () => {
  const p = { ...defaults(spteAgingParams), ...SHORT };
  const opens = (policy: "eviction-only" | "walk-notify" | "base" | "no-walk") => {
    const r = buildModel({ ...p, policy }, 7).run();
    return [r.metrics.openUs[0].count, r.metrics.openUs[1].count, r.layout.pages.length, r.layout.pagesOf[1]];
  };
  const ref = opens("eviction-only");
  for (const policy of ["walk-notify", "base", "no-walk"] as const) assert.deepEqual(opens(policy), ref, policy);
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
  ]) {
    assert.ok(cols.includes(c), c);
  }
});

test("before the fix the walk makes no notifier calls; with it, about one per resident guest page per pass", () => {
  const p = { ...defaults(spteAgingParams), ...SHORT, agingIntervalMs: 1000 };
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

test("data/published/spte-aging.csv holds the ChromeOS table of published.ts, with its source", () => {
  const csv = readFileSync(join(__dirname, "../../../../data/published/spte-aging.csv"), "utf8").trim().split("\n");
  assert.equal(csv[0], "quantity,value,unit,conditions,source");
  const rows = csv.slice(1).map((l) => {
    const m = /^([^,]+),([^,]+),([^,]+),"([^"]*)",(\S+)$/.exec(l);
    assert.ok(m, l);
    return { quantity: m[1], value: Number(m[2]), unit: m[3], conditions: m[4], source: m[5] };
  });
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
      assert.equal(row.value, chromeOsTabOpenMs[kernel][k], `${kernel} ${q}`);
      assert.equal(row.source, CHROMEOS_SOURCE);
    }
  }
});
