import { test } from "node:test";
import assert from "node:assert/strict";
import { spinlockConvoy } from "../../../src/experiments/spinlock-convoy/experiment";
import { runSpinlockConvoy } from "../../../src/experiments/spinlock-convoy/model";
import { spinlockConvoyParams } from "../../../src/experiments/spinlock-convoy/params";
import { defaults, ParamError } from "../../../src/experiments/params";
import { runExperiment, unchecked } from "../../../src/experiments/runner";
import { testClaims } from "../../helpers/claims";

testClaims(spinlockConvoy, { seeds: 5 });

const base = { ...defaults(spinlockConvoyParams), durationMs: 5 };

test("exact trace: two CPUs, the second waits for the first's critical section and the hand-off", () => {
  // Think times are drawn; the trace is checked for its structure: acquisitions alternate with releases, and a
  // waiter is granted exactly holdNs + missNs + handoffNs after the holder acquired.
  const r = runSpinlockConvoy(
    { ...base, cpus: 2, thinkNs: 1, holdNs: 100, missNs: 50, handoffNs: 10, durationMs: 0.002, warmupMs: 0 },
    1,
    { trace: true },
  );
  const lines = r.trace!.entries().filter((e) => e.what === "acquired" || e.what === "release");
  assert.ok(lines.length >= 6);
  for (let i = 0; i + 1 < lines.length; i += 2) {
    assert.equal(lines[i].what, "acquired");
    assert.equal(lines[i + 1].what, "release");
    assert.equal(lines[i + 1].t - lines[i].t, 150, "hold = holdNs + missNs inside");
  }
  const waits = r.trace!.entries().filter((e) => e.what === "wait");
  for (const w of waits) {
    const rel = lines.find((e) => e.what === "release" && e.t >= w.t)!;
    const next = lines.find((e) => e.what === "acquired" && e.t > rel.t)!;
    assert.equal(next.t - rel.t, 10, "hand-off");
  }
});

test("one CPU never waits; saturated CPUs run the lock at 1 / (hold + hand-off)", () => {
  const alone = runSpinlockConvoy({ ...base, cpus: 1, thinkNs: 1000, holdNs: 200, missNs: 0 }, 2);
  assert.equal(alone.waitNs.max, 0);
  const sat = runSpinlockConvoy({ ...base, cpus: 8, thinkNs: 1, holdNs: 200, missNs: 100, handoffNs: 50 }, 2);
  const perSec = (sat.acquisitions * 1e9) / sat.measuredNs;
  assert.ok(Math.abs(perSec - 1e9 / 350) <= 0.01 * (1e9 / 350), `${perSec}`);
  assert.ok(Math.abs(sat.heldNs / sat.measuredNs - 300 / 350) <= 0.01);
});

test("the miss outside the lock lengthens the cycle, not the hold", () => {
  const out = runSpinlockConvoy(
    { ...base, cpus: 1, thinkNs: 1000, holdNs: 200, missNs: 1000, missPlacement: "outside" },
    3,
  );
  const held = out.heldNs / out.acquisitions;
  assert.ok(Math.abs(held - 200) < 1, `${held}`);
});

test("determinism and validation", async () => {
  const a = await runExperiment(spinlockConvoy, { cpus: [4, 8], durationMs: 2 }, { seeds: 2, workers: 1 });
  const b = await runExperiment(spinlockConvoy, { cpus: [4, 8], durationMs: 2 }, { seeds: 2, workers: 2 });
  assert.deepEqual(b.toJSON(), a.toJSON());
  await assert.rejects(
    runExperiment(spinlockConvoy, unchecked({ misNs: 5 })),
    (e: unknown) => e instanceof ParamError && /did you mean 'missNs'/.test(e.message),
  );
  await assert.rejects(runExperiment(spinlockConvoy, { missPlacement: "under" }), /'under' is not a choice/);
  await assert.rejects(runExperiment(spinlockConvoy, { cpus: 0 }), /parameter 'cpus': 0 is out of range/);
  await assert.rejects(runExperiment(spinlockConvoy, { missNs: -1 }), /parameter 'missNs': -1 is out of range/);
});
