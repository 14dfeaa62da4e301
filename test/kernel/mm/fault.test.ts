import { test } from "node:test";
import assert from "node:assert/strict";
import { InvariantViolation } from "../../../src/sim/invariant";
import type { Process } from "../../../src/sim/process";
import { mmap_write_lock, mmap_write_unlock } from "../../../src/kernel/mm/mmap-lock";
import { vma_begin_change, vma_start_write } from "../../../src/kernel/mm/vma-lock";
import { do_user_addr_fault, FaultOutcome } from "../../../src/kernel/mm/fault";
import { mmFixture } from "./mm-fixture";

/** One faulting thread on cpu0 and one writer on cpu3 (the other socket): the writer changes vma0 at t=50. */
function faultsAndOneWriter(scheme: Parameters<typeof mmFixture>[0], seqScope: "mm" | "vma" = "mm", faults = 3) {
  const f = mmFixture(scheme, { seqScope });
  const outcomes: number[] = [];
  f.sim.spawn("T0", function* (self: Process) {
    for (let i = 0; i < faults; i++) outcomes.push(yield* do_user_addr_fault(f.env, self, 0, f.vma, 1));
  });
  f.sim.spawn("W", function* (self: Process) {
    yield 50;
    yield* mmap_write_lock(f.mm, self, 3);
    if (scheme === "per-vma") yield* vma_start_write(f.mm, f.vma, self, 3);
    else vma_begin_change(f.mm, f.vma, self);
    yield f.tree.mas_store(3);
    yield 200;
    yield* mmap_write_unlock(f.mm, self, 3);
  });
  f.sim.run();
  return { ...f, outcomes, lines: f.sim.trace!.lines((e) => e.who !== "rcu_gp_kthread") };
}

test("per-vma: the writer waits out the fault inside the VMA, the next fault falls back to mmap_lock, the one after uses the VMA lock again", () => {
  const r = faultsAndOneWriter("per-vma");
  assert.deepEqual(r.lines, [
    // lock_vma_under_rcu: walk (1 ns), vm_lock_seq and mm_lock_seq reads (1 + 1), then down_read_trylock: the
    // count's read (1) and the cmpxchg with rwsem_set_reader_owned's two owner accesses on the same line (1 + 2)
    "7 T0 acquired-read vma0.vm_lock",
    "51 W acquired-write mmap_lock",
    "51 W wait-write vma0.vm_lock", // vma_start_write: down_write waits for T0's fault
    "108 T0 set_pte vma0",
    "108 T0 release vma0.vm_lock",
    "108 W acquired-write vma0.vm_lock",
    "109 W vma_start_write vma0", // vm_lock_seq = mm_lock_seq: write-locked until mmap_write_unlock
    "109 W release vma0.vm_lock",
    // T0's up_read queued behind W's down_write on the VMA line (cross-socket, until 251); its next fault reads
    // vm_lock_seq, which W just wrote on cpu3 (another 100 ns), and sees the VMA write-locked
    "353 T0 vma_lock_abort vma0",
    "453 T0 wait-read mmap_lock", // mmap_read_trylock's read (from cpu3) sees the writer; mmap_read_lock sleeps
    "554 W vma_end_write_all mm_lock_seq=1", // mas_store (2 ns) and the 200 ns change came first
    "555 W release mmap_lock",
    "555 T0 acquired-read mmap_lock",
    "755 T0 set_pte vma0", // the walk reads the tree path the writer replaced: one cross-socket transfer
    "756 T0 acquired node0.lru_lock", // the second page fills the 2-page batch
    "767 T0 release node0.lru_lock", // the lruvec line (1) and the batch (10)
    "767 T0 release mmap_lock",
    "1171 T0 acquired-read vma0.vm_lock", // up_read, mm_lock_seq, vm_lock_seq and the VMA line: last written on cpu3
    "1272 T0 set_pte vma0",
    "1272 T0 release vma0.vm_lock",
  ]);
  assert.deepEqual(r.outcomes, [FaultOutcome.VmaLock, FaultOutcome.VmaLockFallback, FaultOutcome.VmaLock]);
});

test("mmap-lock: every fault takes mmap_lock for read, and the writer waits for the fault inside", () => {
  const r = faultsAndOneWriter("mmap-lock", "mm", 2);
  assert.deepEqual(r.lines, [
    "2 T0 acquired-read mmap_lock", // mmap_read_trylock: the count's read (1) and the cmpxchg (1)
    "50 W wait-write mmap_lock",
    "103 T0 set_pte vma0",
    "103 T0 release mmap_lock",
    "103 W acquired-write mmap_lock", // granted at the release; T0's up_read atomic queues behind W's until 250
    "251 T0 wait-read mmap_lock", // the next trylock reads the count (local), sees the writer; down_read sleeps
    "305 W release mmap_lock", // mas_store 2 ns + 200 ns
    "305 T0 acquired-read mmap_lock",
    "505 T0 set_pte vma0", // cold walk (100) + work (100)
    "506 T0 acquired node0.lru_lock",
    "517 T0 release node0.lru_lock",
    "517 T0 release mmap_lock",
  ]);
  assert.deepEqual(r.outcomes, [FaultOutcome.MmapLock, FaultOutcome.MmapLock]);
});

test("rcu-fault, mm-wide sequence: a change during the fault aborts it at the PTE (work discarded), and it is redone under mmap_lock", () => {
  const r = faultsAndOneWriter("rcu-fault", "mm", 2);
  assert.deepEqual(r.lines, [
    "51 W acquired-write mmap_lock", // the writer never waits for speculative faults
    "202 T0 spf_abort vma0", // the re-check at 102 pulls mmap_seq's line from cpu3 (100 ns) and sees it moved
    "255 W release mmap_lock",
    // redone under mmap_lock: mmap_read_trylock reads the count (last written on cpu3, 100 ns), finds it free
    // (W left at 255) and its cmpxchg pulls the line from cpu3 again (100 ns)
    "402 T0 acquired-read mmap_lock",
    "602 T0 set_pte vma0", // cold walk (100) + work (100); the aborted page never reached the LRU
    "602 T0 release mmap_lock",
    "805 T0 set_pte vma0", // second fault, speculative again: seq even, no change
    "806 T0 acquired node0.lru_lock",
    "817 T0 release node0.lru_lock",
  ]);
  assert.deepEqual(r.outcomes, [FaultOutcome.SpeculativeRetry, FaultOutcome.Speculative]);
  assert.equal(r.mm.mmap_seq.sequence, 2);
});

test("rcu-fault, per-VMA sequence: only a change to the faulted VMA aborts the fault", () => {
  const touched = faultsAndOneWriter("rcu-fault", "vma", 1);
  assert.deepEqual(touched.outcomes, [FaultOutcome.SpeculativeRetry]);
  // A writer changing another VMA leaves the fault alone.
  const f = mmFixture("rcu-fault", { seqScope: "vma", vmas: 2 });
  const outcomes: number[] = [];
  f.sim.spawn("T0", function* (self: Process) {
    outcomes.push(yield* do_user_addr_fault(f.env, self, 0, f.vmas[0], 1));
  });
  f.sim.spawn("W", function* (self: Process) {
    yield 50;
    yield* mmap_write_lock(f.mm, self, 3);
    vma_begin_change(f.mm, f.vmas[1], self);
    yield 200;
    yield* mmap_write_unlock(f.mm, self, 3);
  });
  f.sim.run();
  assert.deepEqual(outcomes, [FaultOutcome.Speculative]);
});

test("a speculative fault that would commit on a VMA changed under an unchanged sequence is an invariant violation", () => {
  const f = mmFixture("rcu-fault", { seqScope: "vma" });
  f.sim.spawn("T0", function* (self: Process) {
    yield* do_user_addr_fault(f.env, self, 0, f.vma, 1);
  });
  f.sim.spawn("rogue", function* () {
    yield 50;
    f.vma.changes++; // a change that skipped the sequence: the protocol's bug, which the check must catch
  });
  assert.throws(
    () => f.sim.run(),
    (e: unknown) => e instanceof InvariantViolation && /speculative fault would install a PTE in vma0/.test(e.message),
  );
});

test("a fault under a lock while a writer changes its VMA is an invariant violation", () => {
  const f = mmFixture("per-vma");
  f.sim.spawn("W", function* (self: Process) {
    yield* mmap_write_lock(f.mm, self, 3);
    vma_begin_change(f.mm, f.vma, self); // changes the VMA without vma_start_write: readers are not kept out
    yield 1000;
    yield* mmap_write_unlock(f.mm, self, 3);
  });
  f.sim.spawn("T0", function* (self: Process) {
    yield 10;
    yield* do_user_addr_fault(f.env, self, 0, f.vma, 1);
  });
  assert.throws(
    () => f.sim.run(),
    (e: unknown) =>
      e instanceof InvariantViolation && /got the VMA read lock while 'W' is changing the VMA/.test(e.message),
  );
});

test("rcu-fault-vma-atomic adds atomics on the VMA's line; they serialise across threads sharing the VMA", () => {
  const f = mmFixture("rcu-fault-vma-atomic", { workNs: 100 });
  f.env.vmaAtomics = 2;
  for (const cpu of [0, 2]) {
    f.sim.spawn(`T${cpu}`, function* (self: Process) {
      yield* do_user_addr_fault(f.env, self, cpu, f.vma, 1);
    });
  }
  f.sim.run();
  assert.equal(f.vma.lockLine.atomics, 4);
  assert.equal(f.vma.lockLine.crossSocketTransfers, 3);
});
