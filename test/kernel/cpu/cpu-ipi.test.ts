import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../../src/sim/simulation";
import { Cpu, smp_call_function_many } from "../../../src/kernel/cpu/cpu";

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
    // latency 2, 1 per target sent in turn, handler 4.
    waited = (yield smp_call_function_many(sim, [cpus[0], cpus[1], cpus[2]], {
      latencyNs: 2,
      perTargetNs: 1,
      handlerNs: 4,
    })) as number;
  });
  sim.run();
  // cpu0: arrives at 8, done 12; cpu2: arrives 10, done 14; cpu1: arrives 9, pending until 40, done 44.
  assert.equal(waited, 44 - 5);
  assert.equal(cpus[1].ipiDelayNs.max, 40 - 9);
  assert.equal(cpus[0].ipiDelayNs.max, 0);
  assert.deepEqual(
    sim.trace!.lines().filter((l) => !l.includes("walker")),
    ["0 cpu1 irq-off", "8 cpu0 ipi-handler", "10 cpu2 ipi-handler", "40 cpu1 irq-on", "40 cpu1 ipi-handler"],
  );
  assert.equal(cpus[1].irqOffNs.max, 40);
});

test("an unmatched local_irq_restore is a violation", () => {
  const sim = new Simulation();
  const cpu = new Cpu(sim, 0);
  assert.throws(() => cpu.local_irq_restore(), /local_irq_restore\(\) without a matching save/);
});
