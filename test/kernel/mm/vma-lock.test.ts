import { test } from "node:test";
import assert from "node:assert/strict";
import { InvariantViolation } from "../../../src/sim/invariant";
import type { Process } from "../../../src/sim/process";
import { mmap_write_lock, mmap_write_unlock } from "../../../src/kernel/mm/mmap-lock";
import { vma_end_read, vma_is_write_locked, vma_start_read, vma_start_write } from "../../../src/kernel/mm/vma-lock";
import { mmFixture } from "./mm-fixture";

test("write-locked iff vm_lock_seq == mm_lock_seq; one mmap_write_unlock unlocks every VMA the writer locked", () => {
  const f = mmFixture("per-vma", { vmas: 3 });
  const seen: string[] = [];
  f.sim.spawn("W", function* (self: Process) {
    yield* mmap_write_lock(f.mm, self, 1);
    yield* vma_start_write(f.mm, f.vmas[0], self, 1);
    yield* vma_start_write(f.mm, f.vmas[2], self, 1);
    yield* vma_start_write(f.mm, f.vmas[2], self, 1); // already locked: no second down_write
    seen.push(f.vmas.map((v) => (vma_is_write_locked(f.mm, v) ? "L" : "-")).join(""));
    yield* mmap_write_unlock(f.mm, self, 1);
    seen.push(f.vmas.map((v) => (vma_is_write_locked(f.mm, v) ? "L" : "-")).join(""));
  });
  f.sim.run();
  assert.deepEqual(seen, ["L-L", "---"]);
  assert.equal(f.mm.mm_lock_seq, 1);
  assert.equal(f.vmas[2].vm_lock.stats.write.acquisitions, 1);
  assert.equal(f.mm.changing.length, 0);
  assert.equal(f.vmas[0].modifying, null);
});

test("vma_start_read: fails while write-locked (a fallback), and fails when a writer is queued on the VMA's rwsem", () => {
  const f = mmFixture("per-vma");
  const results: Array<[number, string, boolean]> = [];
  f.sim.spawn("R1", function* (self: Process) {
    const ok = yield* vma_start_read(f.mm, f.vma, self, 0);
    results.push([f.sim.now, "R1", ok]);
    yield 1000;
    yield vma_end_read(f.vma, self, 0);
  });
  f.sim.spawn("W", function* (self: Process) {
    yield 100;
    yield* mmap_write_lock(f.mm, self, 1);
    yield* vma_start_write(f.mm, f.vma, self, 1); // waits for R1
    yield 500;
    yield* mmap_write_unlock(f.mm, self, 1);
  });
  f.sim.spawn("R2", function* (self: Process) {
    yield 200; // W is queued on the VMA's rwsem: down_read_trylock fails
    results.push([f.sim.now, "R2", yield* vma_start_read(f.mm, f.vma, self, 2)]);
    yield 1100; // W holds the VMA write-locked (sequence); the failed attempt took a transfer (the trylock reads the count)
    results.push([f.sim.now, "R2", yield* vma_start_read(f.mm, f.vma, self, 2)]);
    yield 1000; // after mmap_write_unlock
    const ok = yield* vma_start_read(f.mm, f.vma, self, 2);
    results.push([f.sim.now, "R2", ok]);
    if (ok) yield vma_end_read(f.vma, self, 2);
  });
  f.sim.run();
  assert.deepEqual(
    results.map(([, who, ok]) => `${who}:${ok}`),
    ["R1:true", "R2:false", "R2:false", "R2:true"],
  );
});

test("locking rules are invariants: vma_start_write needs mmap_lock for write; a writer cannot unlock what it does not hold", () => {
  const a = mmFixture("per-vma");
  a.sim.spawn("W", function* (self: Process) {
    yield* vma_start_write(a.mm, a.vma, self, 0);
  });
  assert.throws(
    () => a.sim.run(),
    (e: unknown) =>
      e instanceof InvariantViolation && /vma_start_write without holding mmap_lock for write/.test(e.message),
  );
  const b = mmFixture("per-vma");
  b.sim.spawn("W", function* (self: Process) {
    yield* mmap_write_unlock(b.mm, self, 0);
  });
  assert.throws(
    () => b.sim.run(),
    (e: unknown) =>
      e instanceof InvariantViolation && /mmap_write_unlock without holding mmap_lock for write/.test(e.message),
  );
});

test("SPF's mmap_seq is odd exactly while mmap_lock is held for write", () => {
  const f = mmFixture("rcu-fault");
  const seqs: number[] = [];
  f.sim.spawn("W", function* (self: Process) {
    seqs.push(f.mm.mmap_seq.sequence);
    yield* mmap_write_lock(f.mm, self, 0);
    seqs.push(f.mm.mmap_seq.sequence);
    yield* mmap_write_unlock(f.mm, self, 0);
    seqs.push(f.mm.mmap_seq.sequence);
  });
  f.sim.run();
  assert.deepEqual(seqs, [0, 1, 2]);
  assert.equal(f.mm.mm_lock_seq, 0, "without per-VMA locks mm_lock_seq is not bumped");
});
