import { test } from "node:test";
import assert from "node:assert/strict";
import { notifierRace } from "../../../src/experiments/notifier-race/experiment";
import { runNotifierRace, type NotifierRaceParams } from "../../../src/experiments/notifier-race/model";
import { notifierRaceParams, RACE_PROTOCOLS, SAFE_PROTOCOLS } from "../../../src/experiments/notifier-race/params";
import { defaults, ParamError } from "../../../src/experiments/params";
import { runExperiment, unchecked } from "../../../src/experiments/runner";
import { InvariantViolation } from "../../../src/sim/invariant";
import { testClaims } from "../../helpers/claims";
import { CLAIM_TEST_SEED_BASE, evaluateClaim, findingRows } from "../../../src/experiments/claims";

testClaims(notifierRace, { seeds: 3 });

test("the stale-translation claim can fail: without draining fills in flight start-end-block leaks", async () => {
  const claim = notifierRace.claims.find((c) => c.id === "only-fill-windows-leave-stale")!;
  const v = await evaluateClaim(notifierRace, claim, {
    seeds: 2,
    seedBase: CLAIM_TEST_SEED_BASE,
    base: { fillDrainOnFlush: false, walkToInsertNs: 5000, bufferMiB: 16 },
  });
  // start-end-block fails (the others still hold), so the claim over the protocols no longer holds.
  assert.notEqual(v.verdict, "holds", v.detail);
  const seb = findingRows(v.finding!).filter((r) => r.protocol === "start-end-block");
  assert.ok(seb.length > 0 && seb.some((r) => r.verdict === "fails"), v.detail);
});

const base = defaults(notifierRaceParams);
/** Short, busy runs: many zaps, many faults. */
const busy: NotifierRaceParams = {
  ...base,
  bufferMiB: 40,
  durationMs: 20,
  zapRatePerSec: 1000,
  faultRatePerSec: 200_000,
  strict: true,
};

test("strict mode: the protocols that must never leave a stale translation leave none on 20 seeds of busy runs", () => {
  for (const protocol of [...SAFE_PROTOCOLS]) {
    for (let seed = 1; seed <= 20; seed++) {
      const r = runNotifierRace({ ...busy, protocol }, 5000 + seed);
      assert.equal(r.staleTranslations, 0);
      assert.ok(
        r.zaps >= 3 && r.stats.faults > 1000,
        `${protocol} seed ${seed}: ${r.zaps} zaps, ${r.stats.faults} faults`,
      );
    }
  }
  // KVM's sequence check does not rely on the device dropping fills in flight.
  assert.equal(
    runNotifierRace({ ...busy, protocol: "kvm-seq-retry", fillDrainOnFlush: false }, 1).staleTranslations,
    0,
  );
});

test("strict mode catches a hold-off that does not cover fills in flight (start-end-block without drainOnFlush)", () => {
  const p: NotifierRaceParams = { ...busy, protocol: "start-end-block", fillDrainOnFlush: false, walkToInsertNs: 5000 };
  assert.throws(
    () => {
      for (let seed = 1; seed <= 20; seed++) runNotifierRace(p, seed);
    },
    (e: unknown) => e instanceof InvariantViolation && /mm secondary MMU/.test(e.message) && /gru tlb/.test(e.message),
  );
  // Without strict, the same runs count them.
  const counted = runNotifierRace({ ...p, strict: false }, 1);
  assert.ok(counted.staleTranslations > 0);
  // The interval notifier needs no drain: read_retry under driver->update closes the window (mm/mmu_notifier.c).
  for (let seed = 1; seed <= 20; seed++)
    assert.equal(runNotifierRace({ ...p, protocol: "interval-notifier" }, seed).staleTranslations, 0);
});

test("strict mode does not apply to the protocols that are expected to leak", () => {
  for (const protocol of ["flush-at-start", "invalidate-page-after-ptl"] as const) {
    const r = runNotifierRace({ ...busy, protocol, durationMs: 60, zapRatePerSec: 200 }, 3);
    assert.ok(r.staleTranslations > 0, protocol);
  }
});

test("same seed, same numbers; protocols share the device's fault arrivals (common random numbers)", async () => {
  const input = { protocol: [...RACE_PROTOCOLS], durationMs: 20 };
  const one = await runExperiment(notifierRace, input, { seeds: 2, workers: 1 });
  const two = await runExperiment(notifierRace, input, { seeds: 2, workers: 2 });
  assert.deepEqual(two.toJSON(), one.toJSON());
  const faults = RACE_PROTOCOLS.map((protocol) => one.samples("deviceFaults", { protocol }));
  for (const f of faults) assert.deepEqual(f, faults[0]);
  assert.notDeepEqual(
    one.samples("deviceFaults", { protocol: "flush-at-start" })[0],
    one.samples("deviceFaults", { protocol: "flush-at-start" })[1],
  );
});

test("the issue's columns, and detail with a latency CDF", async () => {
  const rs = await runExperiment(notifierRace, { durationMs: 10 }, { seeds: 1, workers: 1, detail: true });
  const cols = rs.columns;
  for (const c of ["protocol", "faultRatePerSec", "staleTranslations", "faultRetries", "deviceFaultLatencyP99Us"])
    assert.ok(cols.includes(c), c);
  const d = rs.details({})[0] as { latencyCdfUs: Array<{ fraction: number }> };
  assert.equal(d.latencyCdfUs.at(-1)!.fraction, 1);
  assert.deepEqual(structuredClone(d), d);
});

test("bad input is rejected naming the parameter", async () => {
  await assert.rejects(
    runExperiment(notifierRace, unchecked({ protocl: "kvm-seq-retry" })),
    (e: unknown) =>
      e instanceof ParamError && /unknown parameter 'protocl' \(did you mean 'protocol'\?\)/.test(e.message),
  );
  await assert.rejects(
    runExperiment(notifierRace, { protocol: "pin-pages" }),
    /parameter 'protocol': 'pin-pages' is not a choice/,
  );
  await assert.rejects(
    runExperiment(notifierRace, { faultRatePerSec: 0 }),
    /parameter 'faultRatePerSec': 0 is out of range/,
  );
  await assert.rejects(
    runExperiment(notifierRace, { tlbEntries: 10.5 }),
    /parameter 'tlbEntries': expected an integer/,
  );
  assert.throws(
    () => runNotifierRace({ ...base, fillUs: 0.5, walkToInsertNs: 1000 }, 1),
    (e: unknown) => e instanceof ParamError && e.param === "walkToInsertNs",
  );
});

test("the race timeline: the first zap's PT-lock holds and notifier calls, faults from miss to insert, stale marks", async () => {
  const { raceTimeline } = await import("../../../src/experiments/notifier-race/timeline");
  const small = {
    ...base,
    bufferMiB: 1,
    gatherBatchPages: 100,
    faultRatePerSec: 2e6,
    zapRatePerSec: 1000,
    fillUs: 5,
    walkToInsertNs: 2000,
    durationMs: 3,
  };
  const leaky = raceTimeline({ ...small, protocol: "flush-at-start" }, 1);
  const zap = leaky.spans.find((s) => s.state === "zap")!;
  assert.equal(leaky.spans.filter((s) => s.state === "ptl held").length, 3); // 256 PTEs in holds of 100, 100, 56
  assert.ok(leaky.marks.some((m) => m.what === "range_start" && m.tUs === zap.startUs));
  assert.ok(leaky.marks.filter((m) => m.what === "STALE").length > 0);
  for (const s of leaky.spans) assert.ok(s.endUs >= s.startUs, JSON.stringify(s));
  const blocked = raceTimeline({ ...small, protocol: "start-end-block" }, 1);
  assert.equal(blocked.marks.filter((m) => m.what === "STALE").length, 0);
  assert.ok(blocked.spans.some((s) => s.state === "held off"));
  assert.ok(raceTimeline({ ...small, protocol: "kvm-seq-retry" }, 1).spans.some((s) => s.state === "retrying"));
  const interval = raceTimeline({ ...small, protocol: "interval-notifier" }, 1);
  assert.equal(interval.marks.filter((m) => m.what === "STALE").length, 0);
  assert.ok(interval.spans.some((s) => s.state === "held off"));
  assert.ok(interval.marks.some((m) => m.what === "device flush"));
});
