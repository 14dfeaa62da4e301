import { test } from "node:test";
import assert from "node:assert/strict";
import { InvariantViolation } from "../../../src/sim/invariant";
import { mmFixture, munmapAt5, walkerOnCpu1 } from "./fixture";

// cpu1 walks from 0 to 40 ns; cpu0 munmaps one table at 5 ns.
function walkAndUnmap(
  method: Parameters<typeof mmFixture>[0],
  options: Parameters<typeof mmFixture>[1] = {},
  walker: "irq-off" | "rcu" = "irq-off",
  strict = true,
) {
  const f = mmFixture(method, options, strict);
  walkerOnCpu1(f, walker);
  const r = munmapAt5(f);
  return { f, r };
}

test("ipi: the table is freed after the shootdown, which waited for the interrupts-off walker", () => {
  const { f, r } = walkAndUnmap("ipi");
  f.sim.run();
  // smp_call_function_many_cond: CSDs queued 5-7, one send at 7, the IPIs land at 9; the local flush runs 7-11 under
  // irqs off; cpu1's IPI is pending until its irq-on at 40, and its handler ends at 44.
  assert.deepEqual(f.sim.trace!.lines(), [
    "0 cpu1 irq-off",
    "5 cpu0 flush-ipi 2 cpus",
    "7 cpu0 irq-off",
    "9 cpu2 ipi-handler",
    "11 cpu0 irq-on",
    "40 cpu1 irq-on",
    "40 cpu1 ipi-handler",
    "44 mmu_gather free 1 table(s) after the TLB shootdown",
  ]);
  assert.equal(r.returnedNs, 44);
  assert.equal(f.shootdown.ipisSent, 2);
  assert.equal(f.tableFree.bytesAwaitingGp.peak, 0);
});

test("rcu: munmap returns after the broadcast flush; the table and its batch page wait for the grace period", () => {
  const { f, r } = walkAndUnmap("broadcast");
  f.sim.run();
  // call_rcu at 8; the FQS scan at 28 finds cpu1 inside (interrupts off = reader), the one at 48 reports it.
  assert.deepEqual(f.sim.trace!.lines(), [
    "0 cpu1 irq-off",
    "5 cpu0 flush-broadcast",
    "8 rcu_gp_kthread gp-start gp1",
    "40 cpu1 irq-on",
    "48 rcu_gp_kthread gp-end gp1",
    "48 mmu_gather free 1 table(s) after a grace period",
  ]);
  assert.equal(r.returnedNs, 8);
  assert.equal(f.shootdown.ipisSent, 0);
  assert.equal(f.tableFree.bytesAwaitingGp.peak, 2 * 4096);
  assert.equal(f.tableFree.tablesAwaitingGp.value, 0);
  assert.equal(f.tableFree.tableWaitNs.mean, 40);
});

test("rcu-ipi-fallback: a failed batch-page allocation flushes, sends tlb_remove_table_sync_one and frees at once", () => {
  const { f, r } = walkAndUnmap("broadcast", { config: "rcu-ipi-fallback", allocFailProbability: 1 });
  f.sim.run();
  assert.deepEqual(f.sim.trace!.lines(), [
    "0 cpu1 irq-off",
    "5 cpu0 flush-broadcast",
    "8 cpu0 sync-ipi 2 cpus",
    "12 cpu2 ipi-handler",
    "40 cpu1 irq-on",
    "40 cpu1 ipi-handler",
    "40 mmu_gather free 1 table(s) after tlb_remove_table_sync_one",
  ]);
  assert.equal(r.returnedNs, 40);
  assert.equal(f.tableFree.allocFailures, 1);
  assert.equal(f.tableFree.bytesAwaitingGp.peak, 0);
});

test("rcu-ptdesc: a failed allocation queues the table on its own rcu_head: no IPI, no batch page", () => {
  const { f, r } = walkAndUnmap("broadcast", { config: "rcu-ptdesc", allocFailProbability: 1 });
  f.sim.run();
  assert.deepEqual(f.sim.trace!.lines().slice(-2), [
    "48 rcu_gp_kthread gp-end gp1",
    "48 mmu_gather free 1 table(s) after a grace period",
  ]);
  assert.equal(r.returnedNs, 8);
  assert.equal(f.shootdown.ipisSent, 0);
  assert.equal(f.tableFree.bytesAwaitingGp.peak, 4096);
});

test("rcu: allocation failures are ignored (the batch page always allocates)", () => {
  const f = mmFixture("broadcast", { config: "rcu", allocFailProbability: 1 });
  munmapAt5(f);
  f.sim.run();
  assert.equal(f.tableFree.allocFailures, 0);
  assert.equal(f.tableFree.batchPagesQueued, 1);
});

test("a full batch page is flushed and queued mid-munmap; each needs a TLB invalidate first", () => {
  const f = mmFixture("broadcast", { maxTableBatch: 2 });
  const r = munmapAt5(f, 5);
  f.sim.run();
  // Batches of 2, 2 and 1 tables: three flushes of 3 ns each, three batch pages.
  assert.equal(r.returnedNs, 5 + 3 * 3);
  assert.equal(f.shootdown.flushes, 3);
  assert.equal(f.tableFree.tablesQueued, 5);
  assert.equal(f.tableFree.batchPagesQueued, 3);
  assert.equal(f.tableFree.bytesAwaitingGp.peak, (5 + 3) * 4096);
  assert.equal(f.tableFree.tablesFreed, 5);
});

test("an rcu_read_lock-only walker is not protected by the shootdown: strict mode throws at the free", () => {
  const { f } = walkAndUnmap("ipi", {}, "rcu");
  assert.throws(
    () => f.sim.run(),
    (e: unknown) =>
      e instanceof InvariantViolation &&
      e.timeNs === 13 && // the acks at 13 (IPIs land at 9, 4 ns handlers); the local flush ended at 11
      /unhooked at t=5 ns freed \(after the TLB shootdown\) while cpu1 is still in a walk begun at t=0 ns/.test(
        e.message,
      ),
  );
});

test("outside strict mode the same unsafe free is counted", () => {
  const { f } = walkAndUnmap("ipi", {}, "rcu", false);
  f.sim.run();
  assert.equal(f.walkers.unsafeFrees, 1);
});

test("an rcu_read_lock-only walker is not protected by tlb_remove_table_sync_one either", () => {
  const { f } = walkAndUnmap("broadcast", { config: "rcu-ipi-fallback", allocFailProbability: 1 }, "rcu");
  assert.throws(
    () => f.sim.run(),
    (e: unknown) => e instanceof InvariantViolation && /after tlb_remove_table_sync_one/.test(e.message),
  );
});

test("rcu and rcu-ptdesc protect rcu_read_lock-only walkers", () => {
  for (const config of ["rcu", "rcu-ptdesc"] as const) {
    const { f } = walkAndUnmap("broadcast", { config, allocFailProbability: 1 }, "rcu");
    f.sim.run();
    assert.equal(f.tableFree.tablesFreed, 1, config);
  }
});

test("a deliberately broken free (no wait at all) trips the invariant under an interrupts-off walker", () => {
  const { f } = walkAndUnmap("broadcast", { brokenNoWait: true });
  assert.throws(
    () => f.sim.run(),
    (e: unknown) =>
      e instanceof InvariantViolation && e.timeNs === 5 && /at unhook, waiting for nothing/.test(e.message),
  );
});

test("a walk that begins after the unhook cannot hold the table: freeing under it is fine", () => {
  const f = mmFixture("ipi");
  f.sim.spawn("late-walker", function* () {
    yield 6;
    yield* f.walkers.walk("rcu", f.cpus[1], 100);
  });
  munmapAt5(f);
  f.sim.run();
  assert.equal(f.tableFree.tablesFreed, 1);
});
