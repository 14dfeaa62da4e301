import { test } from "node:test";
import assert from "node:assert/strict";
import type { Process } from "../../../src/sim/process";
import { Simulation } from "../../../src/sim/simulation";
import { Topology } from "../../../src/kernel/cpu/topology";
import { PcpLists } from "../../../src/kernel/mm/page-alloc-pcplist";
import { COSTS } from "./mm-fixture";

function pcpFixture(perPageNs: number) {
  const sim = new Simulation({ trace: true });
  const topology = new Topology({ cpus: 4, cpusPerSocket: 2 });
  const pcp = new PcpLists(sim, topology, COSTS, { batchPages: 3, perPageNs });
  return { sim, pcp };
}

test("rmqueue_pcplist refills a CPU's list under its node's zone->lock once per batchPages pages; CPUs of one node queue FIFO, other nodes do not", () => {
  const f = pcpFixture(5);
  for (const cpu of [0, 1, 2]) {
    f.sim.spawn(`T${cpu}`, function* (self: Process) {
      for (let i = 0; i < 4; i++) yield* f.pcp.rmqueue_pcplist(self, cpu);
    });
  }
  f.sim.run();
  assert.deepEqual(f.sim.trace!.lines(), [
    "1 T0 acquired node0.zone_lock", // the lock word's atomic: 1 ns, the line is new
    "1 T2 acquired node1.zone_lock", // another node, another zone
    "11 T1 wait node0.zone_lock", // its atomic queued behind T0's and moved the line within the socket (10 ns)
    "17 T0 release node0.zone_lock", // the free-area line (1 ns, new) + 3 pages x 5 ns
    "27 T1 acquired node0.zone_lock", // hand-off within the socket: 10 ns
    "17 T2 release node1.zone_lock",
    // pages 2 and 3 come off each CPU's own list at no cost; the 4th finds it empty and refills again
    "18 T2 acquired node1.zone_lock", // alone on node 1: its own lock line (1 ns)
    "27 T0 wait node0.zone_lock", // the lock line is T1's now (10 ns)
    "34 T2 release node1.zone_lock", // its own free-area line (1 ns) + 15 ns
    "52 T1 release node0.zone_lock", // the free-area line last written by T0 (10 ns) + 15 ns
    "62 T0 acquired node0.zone_lock", // FIFO: T0 queued before T1's second refill
    "62 T1 wait node0.zone_lock",
    "87 T0 release node0.zone_lock",
    "97 T1 acquired node0.zone_lock",
    "122 T1 release node0.zone_lock",
  ]);
  assert.equal(f.pcp.refills, 6, "4 pages from a 3-page batch: two refills per CPU");
});

test("a page given back (a discarded speculative fault) is taken again without a refill; perPageNs 0 leaves zone->lock out", () => {
  const f = pcpFixture(5);
  f.sim.spawn("T0", function* (self: Process) {
    for (let i = 0; i < 3; i++) yield* f.pcp.rmqueue_pcplist(self, 0);
    f.pcp.free_unref_page(0);
    yield* f.pcp.rmqueue_pcplist(self, 0);
  });
  f.sim.run();
  assert.equal(f.pcp.refills, 1);
  const off = pcpFixture(0);
  assert.equal(off.pcp.enabled, false);
});
