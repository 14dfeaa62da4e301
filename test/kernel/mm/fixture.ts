/** A small machine for the mm tests: 3 CPUs, a deterministic RCU (grace periods end at FQS scans), the walkers. */
import { Simulation } from "../../../src/sim/simulation";
import { RandomStreams } from "../../../src/sim/random";
import { Cpu } from "../../../src/kernel/cpu/cpu";
import { Rcu } from "../../../src/kernel/rcu/tree";
import { PageTableWalkers } from "../../../src/kernel/mm/gup-fast";
import { TlbShootdown, type TlbFlushMethod } from "../../../src/kernel/mm/tlb-shootdown";
import { MmuGatherTableFree, type TableFreeOptions } from "../../../src/kernel/mm/mmu-gather-table-free";

export function mmFixture(method: TlbFlushMethod, options: Partial<TableFreeOptions> = {}, strict = true) {
  const sim = new Simulation({ trace: true });
  const cpus = [0, 1, 2].map((i) => new Cpu(sim, i));
  const rs = new RandomStreams(7);
  // Every CPU dyntick-idle: a grace period ends at the first FQS scan (every 20 ns) that finds no reader inside.
  const rcu = new Rcu(
    sim,
    cpus,
    cpus.map((c) => rs.stream("qs", c.id)),
    rs.stream("gp"),
    {
      fqsIntervalNs: 20,
      qsIntervalNs: 1e9,
      gpStartDelayNs: 1e-9,
      gpCleanupNs: 0,
      idleCpus: new Set([0, 1, 2]),
    },
  );
  const walkers = new PageTableWalkers(sim, rcu, cpus.length, strict);
  // Local flush 4 ns (also the IPI handler), IPI latency 2 + 1 per target, broadcast flush 3 ns.
  const shootdown = new TlbShootdown(sim, {
    method,
    localFlushNs: 4,
    ipiLatencyNs: 2,
    ipiPerTargetNs: 1,
    broadcastFlushNs: 3,
  });
  const tableFree = new MmuGatherTableFree(sim, rcu, walkers, shootdown, rs.stream("alloc"), {
    config: method === "ipi" ? "ipi" : "rcu",
    tableBytes: 4096,
    maxTableBatch: 509,
    allocFailProbability: 0,
    ...options,
  });
  return { sim, cpus, rcu, walkers, shootdown, tableFree };
}

/** munmap on cpu0 at t=5 freeing `tables` tables; returns when it returned. */
export function munmapAt5(f: ReturnType<typeof mmFixture>, tables = 1): { returnedNs: number } {
  const out = { returnedNs: -1 };
  const { sim, cpus, tableFree } = f;
  sim.spawn("munmap", function* () {
    yield 5;
    const tlb = tableFree.tlb_gather_mmu(cpus[0], [cpus[1], cpus[2]], [cpus[1], cpus[2]]);
    for (let k = 0; k < tables; k++) yield* tableFree.tlb_remove_table(tlb);
    yield* tableFree.tlb_finish_mmu(tlb);
    out.returnedNs = sim.now;
  });
  return out;
}

/** A walker of the given kind on cpu1 from t=0 to t=40. */
export function walkerOnCpu1(f: ReturnType<typeof mmFixture>, kind: "irq-off" | "rcu", walkNs = 40): void {
  f.sim.spawn("walker", function* () {
    yield* f.walkers.walk(kind, f.cpus[1], walkNs);
  });
}
