import { test } from "node:test";
import assert from "node:assert/strict";
import {
  adjust_numa_imbalance,
  allow_numa_imbalance,
  calculate_imbalance_numa,
  find_idlest_group_numa,
  numaPlacement,
} from "../../../src/kernel/sched/numa-imbalance";

test("allow_numa_imbalance: fewer than a quarter of the CPUs running; adjust_numa_imbalance drops an imbalance of 2 or less only then", () => {
  assert.equal(allow_numa_imbalance(19, 80), true);
  assert.equal(allow_numa_imbalance(20, 80), false);
  assert.equal(allow_numa_imbalance(9, 40), true);
  assert.equal(allow_numa_imbalance(10, 40), false);
  assert.equal(adjust_numa_imbalance(2, 9, 40), 0);
  assert.equal(adjust_numa_imbalance(3, 9, 40), 3);
  assert.equal(adjust_numa_imbalance(2, 10, 40), 2, "busy node: every imbalance counts");
});

test("find_idlest_group at fork: local while the local node runs under a quarter of the domain, then the idlest node, a tie local", () => {
  assert.equal(find_idlest_group_numa([19, 0], 40, 0), 0);
  assert.equal(find_idlest_group_numa([20, 0], 40, 0), 1);
  assert.equal(find_idlest_group_numa([20, 20], 40, 0), 0, "equal idle CPUs keep it local");
  assert.equal(find_idlest_group_numa([21, 20], 40, 0), 1);
});

test("calculate_imbalance: half the running difference, left alone when small on a lightly loaded node", () => {
  assert.deepEqual(calculate_imbalance_numa([12, 0], 40), { from: 0, to: 1, imbalance: 6 });
  assert.deepEqual(calculate_imbalance_numa([9, 3], 40), { from: 0, to: 1, imbalance: 3 });
  assert.deepEqual(calculate_imbalance_numa([8, 4], 40), { from: 0, to: 1, imbalance: 0 });
  assert.deepEqual(calculate_imbalance_numa([11, 10], 40).imbalance, 0);
});

test("pft's threads on Mel's 2 x 40 CPUs: where fork puts them and where the balancer leaves them", () => {
  const at = (n: number) => numaPlacement(n, 2, 40);
  assert.deepEqual(at(1), { atFork: [1, 0], moves: [], settled: [1, 0] });
  assert.deepEqual(
    [at(4).atFork, at(4).settled],
    [
      [4, 0],
      [4, 0],
    ],
    "4 threads: one node, a tolerated imbalance",
  );
  assert.deepEqual([at(12).atFork, at(12).settled, at(12).moves.length], [[12, 0], [8, 4], 4]);
  assert.deepEqual([at(21).atFork, at(21).settled, at(21).moves.length], [[20, 1], [11, 10], 9]);
  assert.deepEqual([at(48).atFork, at(48).settled, at(48).moves.length], [[24, 24], [24, 24], 0]);
  assert.deepEqual(
    [at(80).atFork, at(80).settled],
    [
      [40, 40],
      [40, 40],
    ],
  );
  assert.throws(() => numaPlacement(81, 2, 40), /81 threads exceed 2 x 40 CPUs/);
});
