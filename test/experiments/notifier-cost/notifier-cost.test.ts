import { test } from "node:test";
import assert from "node:assert/strict";
import { notifierCost } from "../../../src/experiments/notifier-cost/experiment";
import { runNotifierCost, type NotifierCostParams } from "../../../src/experiments/notifier-cost/model";
import { notifierCostParams } from "../../../src/experiments/notifier-cost/params";
import { defaults, ParamError } from "../../../src/experiments/params";
import { runExperiment, unchecked } from "../../../src/experiments/runner";
import { testClaims } from "../../helpers/claims";
import { CLAIM_TEST_SEED_BASE, evaluateClaim } from "../../../src/experiments/claims";

// Deterministic: every seed gives the same numbers, so two seeds decide (a zero-width CI).
testClaims(notifierCost, { seeds: 2 });

test("the claims can fail: with no CPU zap work per-PT batching is far from range for the GRU", async () => {
  const claim = notifierCost.claims.find((c) => c.id === "per-pt-batching-suffices-for-gru")!;
  const v = await evaluateClaim(notifierCost, claim, {
    seeds: 2,
    seedBase: CLAIM_TEST_SEED_BASE,
    base: { zapPteNs: 0, freePageNs: 0, tlbFlushNs: 0 },
  });
  assert.equal(v.verdict, "fails", v.detail);
  const slow = notifierCost.claims.find((c) => c.id === "gru-per-page-teardown-orders-slower")!;
  const cheapGru = await evaluateClaim(notifierCost, slow, {
    seeds: 2,
    seedBase: CLAIM_TEST_SEED_BASE,
    base: { gruInvalidateUs: 0.01 },
  });
  assert.equal(cheapGru.verdict, "fails", cheapGru.detail);
});

const base = defaults(notifierCostParams);

test("the per-section model equals the PTE-by-PTE event model (times, callouts, PT-lock holds) on small mappings", () => {
  let checked = 0;
  for (const scheme of ["per-page", "per-pt", "range"] as const) {
    for (const device of ["kvm", "gru"] as const) {
      for (const mappingMiB of [1, 5]) {
        for (const gatherBatchPages of [9698, 700]) {
          for (const invalidateRangeCallback of [false, true]) {
            const p: NotifierCostParams = {
              ...base,
              scheme,
              device,
              mappingMiB,
              gatherBatchPages,
              invalidateRangeCallback,
            };
            const scaled = runNotifierCost(p);
            const stepped = runNotifierCost(p, { perPte: true });
            const what = JSON.stringify({ scheme, device, mappingMiB, gatherBatchPages, invalidateRangeCallback });
            assert.equal(scaled.teardownNs, stepped.teardownNs, what);
            assert.equal(scaled.callouts, stepped.callouts, what);
            assert.deepEqual(scaled.calloutsByOp, stepped.calloutsByOp, what);
            assert.equal(scaled.calloutNs, stepped.calloutNs, what);
            assert.equal(scaled.gatherFlushes, stepped.gatherFlushes, what);
            assert.deepEqual(scaled.ptlHoldNs.summary(), stepped.ptlHoldNs.summary(), what);
            assert.ok(scaled.events < stepped.events, what);
            checked++;
          }
        }
      }
    }
  }
  assert.equal(checked, 48);
});

// The mechanisms file's arithmetic, except range: gru_flush_tlb_range issues one TGH invalidate per call (grutlbpurge.c
// @1913c7f3), so range's callbacks are one 3 us invalidate, not 1024 (the old expectation, review D9).
test("4 GiB per page is 1,048,576 GRU invalidates of 3 us; per-PT one per PT page; range one per call", () => {
  const gru = (scheme: NotifierCostParams["scheme"]) =>
    runNotifierCost({ ...base, device: "gru", scheme, mappingMiB: 4096 });
  const perPage = gru("per-page");
  assert.equal(perPage.callouts, 1_048_576);
  assert.equal(perPage.calloutNs, 1_048_576 * 3000); // 3.1 s
  const perPt = gru("per-pt");
  assert.equal(perPt.calloutsByOp.invalidate_pages, 2048 + 108); // one per PT page, one more per forced flush split
  assert.equal(perPt.calloutNs, (2048 + 108) * 3000); // about 6 ms
  const range = gru("range");
  assert.equal(range.callouts, 2);
  assert.equal(range.calloutNs, 3000); // 3 us: range_start's one invalidate; range_end issues none
  // Teardown = callbacks + 50 ns per PTE + 100 ns per free + 1 us per gather flush (108 forced + 1 final).
  assert.equal(range.teardownNs, 3000 + 1_048_576 * 150 + 109 * 1000);
});

test("KVM callouts cost f + c x pages; range_end costs f", () => {
  const r = runNotifierCost({
    ...base,
    device: "kvm",
    scheme: "range",
    mappingMiB: 4,
    kvmCalloutUs: 2,
    kvmPerPageNs: 10,
  });
  assert.equal(r.calloutNs, 2000 + 1024 * 10 + 2000);
});

test("results are deterministic and identical across worker counts", async () => {
  const input = { scheme: ["per-page", "range"] as Array<"per-page" | "range">, mappingMiB: [4, 64] };
  const one = await runExperiment(notifierCost, input, { seeds: 2, workers: 1 });
  const two = await runExperiment(notifierCost, input, { seeds: 2, workers: 2 });
  assert.deepEqual(two.toJSON(), one.toJSON());
  assert.deepEqual(one.samples("teardownMs", { scheme: "range", mappingMiB: 64 }), [
    one.rows[3].teardownMs,
    one.rows[3].teardownMs,
  ]);
});

test("rows carry the issue's columns in order", async () => {
  const rs = await runExperiment(notifierCost, { mappingMiB: 4 }, { seeds: 1, workers: 1 });
  const cols = rs.columns;
  for (const c of ["scheme", "device", "mappingMiB", "callouts", "teardownMs", "ptlHoldP99Us"])
    assert.ok(cols.includes(c), c);
  assert.ok(cols.indexOf("mappingMiB") < cols.indexOf("callouts"));
});

test("bad input is rejected naming the parameter", async () => {
  await assert.rejects(
    runExperiment(notifierCost, unchecked({ mappingMib: 4 })),
    (e: unknown) =>
      e instanceof ParamError && /unknown parameter 'mappingMib' \(did you mean 'mappingMiB'\?\)/.test(e.message),
  );
  await assert.rejects(
    runExperiment(notifierCost, { scheme: "per-vma" }),
    (e: unknown) => e instanceof ParamError && /parameter 'scheme': 'per-vma' is not a choice/.test(e.message),
  );
  await assert.rejects(runExperiment(notifierCost, { mappingMiB: 0 }), /parameter 'mappingMiB': 0 is out of range/);
  await assert.rejects(
    runExperiment(notifierCost, { mappingMiB: 1.5 }),
    /parameter 'mappingMiB': expected an integer, got 1.5/,
  );
  await assert.rejects(
    runExperiment(notifierCost, unchecked({ kvmCalloutUs: "slow" })),
    /parameter 'kvmCalloutUs': expected a number, got "slow"/,
  );
  await assert.rejects(
    runExperiment(notifierCost, unchecked({ invalidateRangeCallback: "maybe" })),
    /parameter 'invalidateRangeCallback': expected true or false/,
  );
});

test("detail carries a structured-cloneable PT-lock hold CDF", async () => {
  const rs = await runExperiment(
    notifierCost,
    { scheme: "per-page", mappingMiB: 4 },
    { seeds: 1, workers: 1, detail: true },
  );
  const d = rs.details({ scheme: "per-page" })[0] as { ptlHoldCdfUs: Array<{ value: number; fraction: number }> };
  assert.equal(d.ptlHoldCdfUs.at(-1)!.fraction, 1);
  assert.deepEqual(structuredClone(d), d);
});
