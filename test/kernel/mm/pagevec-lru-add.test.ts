import { test } from "node:test";
import assert from "node:assert/strict";
import type { Process } from "../../../src/sim/process";
import { mmFixture } from "./mm-fixture";

test("folio_add_lru drains every batchPages-th page under the node's lru_lock; CPUs of one node queue FIFO, other nodes do not", () => {
  const f = mmFixture("per-vma", { batchPages: 3 });
  for (const cpu of [0, 1, 2]) {
    f.sim.spawn(`T${cpu}`, function* (self: Process) {
      for (let i = 0; i < 3; i++) yield* f.lru.folio_add_lru(self, cpu);
    });
  }
  f.sim.run();
  assert.deepEqual(f.sim.trace!.lines(), [
    "1 T0 acquired node0.lru_lock", // the lock word's atomic: 1 ns, the line is new
    "1 T2 acquired node1.lru_lock", // another node, another lock
    "11 T1 wait node0.lru_lock", // its atomic queued behind T0's and moved the line within the socket (10 ns)
    "17 T0 release node0.lru_lock", // the lruvec line (1 ns, new) + 3 pages x 5 ns
    "27 T1 acquired node0.lru_lock", // hand-off within the socket: 10 ns (recorded at the release)
    "17 T2 release node1.lru_lock",
    "52 T1 release node0.lru_lock", // the lruvec line last written by T0 (10 ns) + 15 ns
  ]);
  assert.equal(f.lru.drains, 3);
});
