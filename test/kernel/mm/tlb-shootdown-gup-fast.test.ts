import { test } from "node:test";
import assert from "node:assert/strict";
import { InvariantViolation } from "../../../src/sim/invariant";
import { mmFixture } from "./fixture";

test("flush_tlb_mm_range by IPI: the CSDs queued and the IPIs sent, the local flush while they travel, then the wait", () => {
  const f = mmFixture("ipi");
  let done = -1;
  f.sim.spawn("flush", function* () {
    yield* f.shootdown.flush_tlb_mm_range(f.cpus[0], [f.cpus[1], f.cpus[2]]);
    done = f.sim.now;
  });
  f.sim.run();
  // Two CSDs (1 ns each), one send at 2: both IPIs land at 4, handlers of 4 end at 8; the local flush runs 2..6.
  // (Before the fix the local flush came first: 4 + 2 + 1 + 1 + 4 = 12.)
  assert.equal(done, 8);
  assert.equal(f.shootdown.ipisSent, 2);
  assert.equal(f.shootdown.ipiCalls, 1);
  assert.equal(f.shootdown.remoteWaitNs.max, 8);
});

test("flush_tlb_mm_range with no other CPU in the mm sends nothing", () => {
  const f = mmFixture("ipi");
  let done = -1;
  f.sim.spawn("flush", function* () {
    yield* f.shootdown.flush_tlb_mm_range(f.cpus[0], []);
    done = f.sim.now;
  });
  f.sim.run();
  assert.equal(done, 4);
  assert.equal(f.shootdown.ipisSent, 0);
});

test("a broadcast flush costs the same whatever the CPUs and ignores interrupts-off sections", () => {
  const f = mmFixture("broadcast");
  let done = -1;
  f.sim.spawn("walker", function* () {
    yield* f.walkers.gup_fast(f.cpus[1], 100);
  });
  f.sim.spawn("flush", function* () {
    yield* f.shootdown.flush_tlb_mm_range(f.cpus[0], [f.cpus[1], f.cpus[2]]);
    done = f.sim.now;
  });
  f.sim.run();
  assert.equal(done, 3);
  assert.equal(f.shootdown.ipisSent, 0);
});

test("gup_fast disables interrupts for the walk and counts as an RCU reader; rcu_walk only reads RCU", () => {
  const f = mmFixture("ipi");
  const seen: string[] = [];
  f.sim.spawn("walkers", function* () {
    const w = f.walkers.gup_fast(f.cpus[1], 10);
    w.next();
    seen.push(`gup irqs-off=${f.cpus[1].irqsDisabled} reader=${f.rcu.inReader(1)}`);
    yield* w;
    const r = f.walkers.rcu_walk(f.cpus[2], 10);
    r.next();
    seen.push(`rcu irqs-off=${f.cpus[2].irqsDisabled} reader=${f.rcu.inReader(2)}`);
    yield* r;
    seen.push(`after reader=${f.rcu.inReader(1) || f.rcu.inReader(2)}`);
  });
  f.sim.run();
  assert.deepEqual(seen, ["gup irqs-off=true reader=true", "rcu irqs-off=false reader=true", "after reader=false"]);
  assert.equal(f.walkers.walks, 2);
});

test("a walk begun inside another on the same CPU is a violation", () => {
  const f = mmFixture("ipi");
  f.sim.spawn("a", function* () {
    yield* f.walkers.rcu_walk(f.cpus[1], 10);
  });
  f.sim.spawn("b", function* () {
    yield 1;
    yield* f.walkers.rcu_walk(f.cpus[1], 10);
  });
  assert.throws(
    () => f.sim.run(),
    (e: unknown) => e instanceof InvariantViolation && /cpu1 began a walk inside another/.test(e.message),
  );
});
