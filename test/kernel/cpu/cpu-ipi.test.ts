import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../../src/sim/simulation";
import { Cpu, smp_call_function_many, smp_call_function_many_cond } from "../../../src/kernel/cpu/cpu";

test("an IPI waits until the target re-enables interrupts; handlers run back to back", () => {
  const sim = new Simulation({ trace: true });
  const cpus = [0, 1, 2].map((i) => new Cpu(sim, i));
  // cpu1 walks page tables with interrupts off from 0 to 40 ns (GUP-fast style).
  sim.spawn("walker", function* () {
    cpus[1].local_irq_save();
    cpus[1].local_irq_save(); // nested: only the outermost restore re-enables
    yield 30;
    cpus[1].local_irq_restore();
    yield 10;
    cpus[1].local_irq_restore();
  });
  let waited = -1;
  sim.spawn("munmap", function* () {
    yield 5;
    // 1 per target to queue the CSDs (3 targets), then one send; latency 2, handler 4.
    waited = (yield smp_call_function_many(sim, [cpus[0], cpus[1], cpus[2]], {
      latencyNs: 2,
      perTargetNs: 1,
      handlerNs: 4,
    })) as number;
  });
  sim.run();
  // CSDs queued 5..8, one send at 8: every IPI arrives at 10. cpu0 and cpu2 done at 14; cpu1 pending until 40,
  // done at 44.
  assert.equal(waited, 44 - 5);
  assert.equal(cpus[1].ipiDelayNs.max, 40 - 10);
  assert.equal(cpus[0].ipiDelayNs.max, 0);
  assert.deepEqual(
    sim.trace!.lines().filter((l) => !l.includes("walker")),
    ["0 cpu1 irq-off", "10 cpu0 ipi-handler", "10 cpu2 ipi-handler", "40 cpu1 irq-on", "40 cpu1 ipi-handler"],
  );
  assert.equal(cpus[1].irqOffNs.max, 40);
});

test("an unmatched local_irq_restore is a violation", () => {
  const sim = new Simulation();
  const cpu = new Cpu(sim, 0);
  assert.throws(() => cpu.local_irq_restore(), /local_irq_restore\(\) without a matching save/);
});

test("smp_call_function_many_cond: queue the CSDs, send the IPIs, run the local function, then wait", () => {
  const sim = new Simulation({ trace: true });
  const cpus = [0, 1, 2].map((i) => new Cpu(sim, i));
  let total = -1;
  let remote = -1;
  sim.spawn("sender", function* () {
    yield 100;
    total = (yield smp_call_function_many_cond(
      sim,
      cpus[0],
      [cpus[1], cpus[2]],
      { latencyNs: 10, perTargetNs: 5, handlerNs: 20 },
      50,
      (ns) => (remote = ns),
    )) as number;
  });
  sim.run();
  // 100..110 the two CSDs; at 110 the send and the local function (under irqs off, 50 ns, until 160); the IPIs land
  // at 120 and their handlers end at 140. The caller returns when both the local function and the acks are done.
  assert.equal(remote, 140 - 100);
  assert.equal(total, 160 - 100);
  assert.deepEqual(sim.trace!.lines(), [
    "110 cpu0 irq-off",
    "120 cpu1 ipi-handler",
    "120 cpu2 ipi-handler",
    "160 cpu0 irq-on",
  ]);
  assert.equal(cpus[0].irqOffNs.max, 50);
});

test("smp_call_function_many_cond with no target and no local function returns at once", () => {
  const sim = new Simulation();
  let total = -1;
  sim.spawn("s", function* () {
    total = (yield smp_call_function_many_cond(sim, null, [], {
      latencyNs: 1,
      perTargetNs: 1,
      handlerNs: 1,
    })) as number;
  });
  sim.run();
  assert.equal(total, 0);
});
