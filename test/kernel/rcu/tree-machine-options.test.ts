import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../../src/sim/simulation";
import { RandomStreams } from "../../../src/sim/random";
import { Cpu } from "../../../src/kernel/cpu/cpu";
import { Rcu, type RcuOptions } from "../../../src/kernel/rcu/tree";

function machine(n: number, options: Partial<RcuOptions>) {
  const sim = new Simulation({ trace: true });
  const cpus = Array.from({ length: n }, (_, i) => new Cpu(sim, i));
  const rs = new RandomStreams(3);
  const rcu = new Rcu(
    sim,
    cpus,
    cpus.map((c) => rs.stream("qs", c.id)),
    rs.stream("gp"),
    {
      fqsIntervalNs: 3_000_000,
      qsIntervalNs: 10_000,
      gpStartDelayNs: 1e-9,
      gpCleanupNs: 0,
      ...options,
    },
  );
  return { sim, rcu };
}

test("the GP kthread's CPU is reported at the second FQS scan: an idle machine's grace period is two scans", () => {
  const { sim, rcu } = machine(4, { idleCpus: new Set([0, 1, 2]), gpKthreadCpu: 3 });
  sim.spawn("caller", function* () {
    yield rcu.synchronize_rcu();
  });
  sim.run();
  assert.deepEqual(sim.trace!.lines(), ["0 rcu_gp_kthread gp-start gp1", "6000000 rcu_gp_kthread gp-end gp1"]);
});

test("without gpKthreadCpu the idle machine's grace period ends at the first scan (unchanged behaviour)", () => {
  const { sim, rcu } = machine(4, { idleCpus: new Set([0, 1, 2, 3]) });
  sim.spawn("caller", function* () {
    yield rcu.synchronize_rcu();
  });
  sim.run();
  assert.equal(rcu.gpDurationNs.max, 3_000_000);
});

test("per-CPU quiescent intervals: one slow CPU holds the grace period", () => {
  const slow = machine(3, { qsIntervalNsByCpu: [10_000, 10_000, 50_000_000] });
  const fast = machine(3, {});
  for (const m of [slow, fast]) {
    m.sim.spawn("caller", function* () {
      for (let i = 0; i < 50; i++) yield m.rcu.synchronize_rcu();
    });
    m.sim.run();
  }
  assert.ok(
    slow.rcu.gpDurationNs.mean > 20 * fast.rcu.gpDurationNs.mean,
    `${slow.rcu.gpDurationNs.mean} vs ${fast.rcu.gpDurationNs.mean}`,
  );
});

test("qsIntervalNsByCpu must have one entry per CPU", () => {
  assert.throws(
    () => machine(3, { qsIntervalNsByCpu: [1, 2] }),
    /qsIntervalNsByCpu needs one entry per CPU \(3\), got 2/,
  );
});
