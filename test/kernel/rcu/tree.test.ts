import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../../src/sim/simulation";
import { RandomStreams } from "../../../src/sim/random";
import { InvariantViolation } from "../../../src/sim/invariant";
import { Cpu } from "../../../src/kernel/cpu/cpu";
import { Rcu, type RcuOptions } from "../../../src/kernel/rcu/tree";

function setup(n: number, options: Partial<RcuOptions> = {}, trace = false) {
  const sim = new Simulation({ trace });
  const cpus = Array.from({ length: n }, (_, i) => new Cpu(sim, i));
  const rs = new RandomStreams(1);
  const rcu = new Rcu(
    sim,
    cpus,
    cpus.map((c) => rs.stream("cpu", c.id, "qs")),
    rs.stream("rcu", "gp"),
    {
      fqsIntervalNs: 3_000_000,
      qsIntervalNs: 100_000,
      gpStartDelayNs: 1,
      gpCleanupNs: 0,
      ...options,
    },
  );
  return { sim, cpus, rcu };
}

test("a callback waits for a reader that was inside when it was queued", () => {
  const { sim, rcu } = setup(2);
  let freedAt = -1;
  sim.spawn("reader", function* () {
    rcu.rcu_read_lock(1);
    yield 5_000_000; // a 5 ms read-side section on cpu1
    rcu.rcu_read_unlock(1);
  });
  sim.spawn("updater", function* () {
    yield 1000;
    rcu.call_rcu(() => {
      freedAt = sim.now;
    });
  });
  sim.run();
  assert.ok(freedAt >= 5_000_000, `freed at ${freedAt}, before the reader left at 5 ms`);
  assert.equal(rcu.gracePeriods, 1);
  assert.equal(rcu.callbacksInvoked, 1);
});

test("interrupt-disabled regions are read-side sections (flavour consolidation)", () => {
  const { sim, cpus, rcu } = setup(2);
  let freedAt = -1;
  sim.spawn("gup-fast", function* () {
    cpus[0].local_irq_save();
    yield 2_000_000;
    cpus[0].local_irq_restore();
  });
  sim.spawn("free", function* () {
    yield 10;
    yield rcu.synchronize_rcu();
    freedAt = sim.now;
  });
  sim.run();
  assert.ok(freedAt >= 2_000_000, `synchronize_rcu returned at ${freedAt}`);
});

test("callbacks queued during a grace period wait for the next one", () => {
  const { sim, rcu } = setup(4);
  const order: string[] = [];
  sim.spawn("u", function* () {
    rcu.call_rcu(() => order.push(`a@gp${rcu.gracePeriods}`));
    yield 5_000; // the first grace period is in progress now
    rcu.call_rcu(() => order.push(`b@gp${rcu.gracePeriods}`));
  });
  sim.run();
  assert.deepEqual(order, ["a@gp1", "b@gp2"]);
});

test("idle CPUs are reported by force-quiescent-state scans", () => {
  const { sim, rcu } = setup(4, { idleCpus: new Set([2, 3]), qsIntervalNs: 10_000 });
  sim.spawn("u", function* () {
    yield rcu.synchronize_rcu();
  });
  sim.run();
  // Busy CPUs report within ~10 us; the idle ones wait for the first FQS scan at 3 ms.
  const gp = rcu.gpDurationNs.max;
  assert.ok(gp >= 3_000_000 && gp < 3_100_000, `grace period ${gp} ns`);
});

class EagerRcu extends Rcu {
  // A broken RCU: invokes callbacks at once, without a grace period.
  override call_rcu(fn: () => void): void {
    this.rcu_do_batch([{ queuedNs: this.sim.now, fn } as never]);
  }
}

test("freeing under a pre-existing reader trips the RCU invariant", () => {
  const sim = new Simulation();
  const cpus = [new Cpu(sim, 0)];
  const rs = new RandomStreams(1);
  const rcu = new EagerRcu(sim, cpus, [rs.stream("q")], rs.stream("d"), {
    fqsIntervalNs: 1,
    qsIntervalNs: 1,
    gpStartDelayNs: 1,
    gpCleanupNs: 0,
  });
  sim.spawn("reader", function* () {
    rcu.rcu_read_lock(0);
    yield 100;
    rcu.rcu_read_unlock(0);
  });
  sim.spawn("freer", function* () {
    yield 10;
    rcu.call_rcu(() => undefined);
  });
  assert.throws(
    () => sim.run(),
    (e: unknown) =>
      e instanceof InvariantViolation &&
      e.timeNs === 10 &&
      /still in a read-side section begun at t=0 ns/.test(e.message),
  );
});
