/** A small mm for exact-trace tests: 4 CPUs on 2 sockets, round line costs, constant fault work. */
import { Simulation } from "../../../src/sim/simulation";
import { RandomStreams } from "../../../src/sim/random";
import { Topology } from "../../../src/kernel/cpu/topology";
import { Cpu } from "../../../src/kernel/cpu/cpu";
import { Rcu } from "../../../src/kernel/rcu/tree";
import { MapleTree } from "../../../src/kernel/mm/maple-tree";
import { MmStruct } from "../../../src/kernel/mm/mmap-lock";
import { VmAreaStruct } from "../../../src/kernel/mm/vma-lock";
import { LruAddBatches } from "../../../src/kernel/mm/pagevec-lru-add";
import type { FaultEnv, FaultScheme, SeqScope } from "../../../src/kernel/mm/fault";

export const COSTS = { localNs: 1, sameSocketNs: 10, crossSocketNs: 100 };

export function mmFixture(
  scheme: FaultScheme,
  options: { seqScope?: SeqScope; workNs?: number; batchPages?: number; vmas?: number } = {},
) {
  const sim = new Simulation({ trace: true });
  const topology = new Topology({ cpus: 4, cpusPerSocket: 2 });
  const cpus = [0, 1, 2, 3].map((i) => new Cpu(sim, i));
  const rs = new RandomStreams(1);
  const rcu = new Rcu(
    sim,
    cpus,
    cpus.map((c) => rs.stream("qs", c.id)),
    rs.stream("gp"),
    { fqsIntervalNs: 1e6, qsIntervalNs: 1e5, gpStartDelayNs: 10, gpCleanupNs: 0, irqOffIsReader: false },
  );
  const tree = new MapleTree(sim, "mt", topology, COSTS, { entries: 10, fanout: 10, nodeReadNs: 1 }, rcu);
  const speculative = scheme === "rcu-fault" || scheme === "rcu-fault-vma-atomic";
  const seqScope = options.seqScope ?? "mm";
  const mm = new MmStruct(sim, topology, COSTS, tree, {
    perVmaLock: scheme === "per-vma",
    spfMmapSeq: speculative && seqScope === "mm",
  });
  const vmas = Array.from({ length: options.vmas ?? 1 }, (_, i) => new VmAreaStruct(sim, i, topology, COSTS));
  const lru = new LruAddBatches(sim, topology, COSTS, { batchPages: options.batchPages ?? 2, perPageNs: 5 });
  const work = options.workNs ?? 100;
  const env: FaultEnv = { sim, mm, rcu, lru, scheme, seqScope, workNs: () => work };
  return { sim, topology, rcu, tree, mm, vmas, vma: vmas[0], lru, env };
}
