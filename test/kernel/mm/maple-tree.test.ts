import { test } from "node:test";
import assert from "node:assert/strict";
import { mapleDepth } from "../../../src/kernel/mm/maple-tree";
import { mmFixture } from "./mm-fixture";

test("depth: ceil(log_fanout(entries)), at least one level", () => {
  assert.equal(mapleDepth(1, 10), 1);
  assert.equal(mapleDepth(10, 10), 1);
  assert.equal(mapleDepth(11, 10), 2);
  assert.equal(mapleDepth(100, 10), 2);
  assert.equal(mapleDepth(1000, 10), 3);
  assert.equal(mapleDepth(1000, 16), 3);
  assert.throws(() => mapleDepth(0, 10), RangeError);
});

test("walks read cached nodes; after a store the path is cold once per CPU; the old nodes are freed after a grace period", () => {
  const f = mmFixture("per-vma");
  const costs: number[] = [];
  f.sim.spawn("walker", function* () {
    costs.push(f.tree.mas_walk(0)); // never written: local
    yield 10;
    costs.push(f.tree.mas_walk(0)); // the writer on cpu3 (other socket) replaced the path at t=5
    costs.push(f.tree.mas_walk(0)); // cached again
    costs.push(f.tree.mas_walk(2)); // cpu2 is on cpu3's socket
  });
  f.sim.spawn("writer", function* () {
    yield 5;
    yield f.tree.mas_store(3);
  });
  f.sim.run();
  assert.deepEqual(costs, [1, 100, 1, 10]);
  assert.equal(f.tree.stores, 1);
  assert.equal(f.tree.nodesFreed, 1);
  assert.equal(f.tree.nodesPendingFree, 0);
  assert.equal(f.rcu.gracePeriods, 1);
});

test("a replaced node is not freed while a walker that may hold it is inside its RCU read-side section", () => {
  const f = mmFixture("rcu-fault");
  let leftAt = -1;
  f.sim.spawn("walker", function* () {
    f.rcu.rcu_read_lock(0);
    yield f.tree.mas_walk(0);
    yield 500_000; // a long fault under RCU
    leftAt = f.sim.now;
    f.rcu.rcu_read_unlock(0);
  });
  f.sim.spawn("writer", function* () {
    yield 5;
    yield f.tree.mas_store(3);
  });
  f.sim.run();
  assert.ok(leftAt > 0);
  assert.equal(f.tree.nodesFreed, 1);
  assert.ok(
    f.rcu.gpDurationNs.min >= leftAt - 5 - 20,
    `grace period ${f.rcu.gpDurationNs.min} ns ended before the walker left at ${leftAt}`,
  );
});
