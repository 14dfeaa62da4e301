/**
 * One pft-like run: `threads` threads fault anonymous pages as fast as they can (Lee Schermerhorn's pft as mmtests
 * runs it, from memory: threads touch their own parts of anonymous memory), each in its own VMA or all in one, while
 * a writer thread changes the address space at a Poisson rate. The scheme decides how a fault finds and pins its
 * VMA (src/kernel/mm/fault.ts); everything else is shared: the fault's work, the per-node lru_lock, the machine.
 */
import { Simulation } from "../../sim/simulation";
import { RandomStreams } from "../../sim/random";
import { Histogram } from "../../sim/stats/histogram";
import type { Process } from "../../sim/process";
import { Topology } from "../../kernel/cpu/topology";
import { Cpu } from "../../kernel/cpu/cpu";
import type { CacheLine, CacheLineCosts, LineModel } from "../../kernel/cpu/cacheline";
import { Rcu } from "../../kernel/rcu/tree";
import { MapleTree } from "../../kernel/mm/maple-tree";
import { MmStruct, mmap_write_lock, mmap_write_unlock } from "../../kernel/mm/mmap-lock";
import { VmAreaStruct, vma_begin_change, vma_start_write } from "../../kernel/mm/vma-lock";
import { LruAddBatches } from "../../kernel/mm/pagevec-lru-add";
import { PcpLists } from "../../kernel/mm/page-alloc-pcplist";
import {
  do_user_addr_fault,
  FaultOutcome,
  type FaultEnv,
  type FaultScheme,
  type SeqScope,
} from "../../kernel/mm/fault";
import {
  checkMachine,
  cpuOfThread,
  smtSlowdowns,
  threadCpus as placeThreads,
  turboSlowdowns,
  type Machine,
} from "./placement";
import { meanGapNsOfRate, msToNs, nsToS, roundNs } from "../../sim/time";

export interface PftParams extends Machine {
  scheme: FaultScheme;
  layout: "per-thread-vma" | "one-huge-vma" | "shared-vmas";
  threads: number;
  threadsPerVma: number;
  writerRatePerSec: number;
  writerHoldNs: number;
  writerVmas: number;
  vmaAtomics: number;
  otherVmas: number;
  seqScope: SeqScope;
  durationMs: number;
  warmupMs: number;
  faultWorkNs: number;
  faultWorkCv: number;
  lineModel: LineModel;
  prefetchMmapLock: boolean;
  faultEntryNs: number;
  lineLocalNs: number;
  lineSameSocketNs: number;
  lineCrossSocketNs: number;
  lruBatchPages: number;
  lruPageNs: number;
  pcpBatchPages: number;
  zoneLockPageNs: number;
  turboAllCoreRatio: number;
  numaMoveIntervalMs: number;
  mapleFanout: number;
  mapleNodeReadNs: number;
}

export interface PftResult {
  /** Faults completed in the measured window. */
  faults: number;
  faultsPerSec: number;
  /**
   * The fault rate of the slowest kind of thread, per thread: threads on the same socket with the same SMT sharing
   * are alike, so a kind's rate is the mean of its threads' counts (the minimum of single threads' counts over a
   * few-ms window would add its own noise). pft gives every thread the same share and times the last to finish.
   */
  slowestThreadFaultsPerSec: number;
  /** Completed faults by FaultOutcome. */
  outcomes: number[];
  /** Faults each thread began in the window (pft gives every thread the same share: the slowest sets the elapsed). */
  faultsByThread: number[];
  /** The CPU each thread ran on. */
  threadCpus: number[];
  /** Faults that ran (or were redone) under mmap_lock because the fast path failed, over all faults. */
  fallbackRate: number;
  /** Speculative attempts discarded because a sequence changed, over all faults. */
  retryRate: number;
  /** Changes that arrived after the warm-up and completed by the end. */
  writerOps: number;
  /** Completed changes per second (below writerRatePerSec when writers cannot keep up). */
  writerOpsPerSec: number;
  writerLatencyNs: Histogram;
  faultLatencyNs: Histogram;
  /** Share of the measured time mmap_lock's line was busy with atomics. */
  mmapLockLineUtilization: number;
  /** mmap_lock line transfers per completed fault. */
  mmapLockTransfersPerFault: number;
  /** Failed cmpxchg attempts on the fault path's lock lines (mmap_lock's and the VMA locks'), per completed fault. */
  cmpxchgRetriesPerFault: number;
  /** Mean wait of a request queued at those lines before its transfer began, ns. */
  lineQueueMeanNs: number;
  events: number;
}

/** RCU timing for the grace periods that free replaced maple nodes (src/kernel/rcu/tree.ts). */
const RCU_TIMING = {
  fqsIntervalNs: 3_000_000, // 3 jiffies at HZ=1000
  qsIntervalNs: msToNs(1), // a busy user-mode CPU is seen quiescent at the scheduler tick (HZ=1000)
  gpStartDelayNs: 10_000, // assumption: the GP kthread's wake-up
  gpCleanupNs: 10_000, // assumption
};

export function runPft(
  p: PftParams,
  seed: number,
  options: {
    trace?: boolean;
    /** numa-5.17: threads per node instead of where the balancer settles. */ nodeThreads?: readonly number[];
  } = {},
): PftResult & { sim: Simulation } {
  checkMachine(p, p.threads);
  const sim = new Simulation({ trace: options.trace });
  const rs = new RandomStreams(seed);
  const topology = new Topology({ cpus: p.sockets * p.cpusPerSocket, cpusPerSocket: p.cpusPerSocket });
  const costs: CacheLineCosts = {
    localNs: p.lineLocalNs,
    sameSocketNs: p.lineSameSocketNs,
    crossSocketNs: p.lineCrossSocketNs,
  };

  const threadCpus = placeThreads(p, p.threads, options.nodeThreads);
  const slow = smtSlowdowns(p, threadCpus);
  const turbo = turboSlowdowns(p, threadCpus, p.turboAllCoreRatio);
  for (let i = 0; i < slow.length; i++) slow[i] *= turbo[i];
  // The writer is the process's next thread: the next CPU in placement order (shared when every CPU is taken).
  const writerCpu = cpuOfThread(p, p.threads % topology.cpus);

  const cpus = Array.from({ length: topology.cpus }, (_, c) => new Cpu(sim, c));
  const busy = new Set<number>([...threadCpus, writerCpu]);
  const idleCpus = new Set<number>(cpus.map((c) => c.id).filter((c) => !busy.has(c)));
  const rcu = new Rcu(
    sim,
    cpus,
    cpus.map((c) => rs.stream("cpu", c.id, "rcu-qs")),
    rs.stream("rcu", "gp"),
    { ...RCU_TIMING, idleCpus, irqOffIsReader: false },
  );

  const perVmaThreads =
    p.layout === "per-thread-vma" ? 1 : p.layout === "one-huge-vma" ? p.threads : Math.min(p.threadsPerVma, p.threads);
  const faultedVmas = Math.ceil(p.threads / perVmaThreads);
  const totalVmas = faultedVmas + p.otherVmas;
  const tree = new MapleTree(
    sim,
    "mm_mt",
    topology,
    costs,
    { entries: totalVmas, fanout: p.mapleFanout, nodeReadNs: p.mapleNodeReadNs, lineModel: p.lineModel },
    rcu,
  );
  const perVma = p.scheme === "per-vma";
  const speculative = p.scheme === "rcu-fault" || p.scheme === "rcu-fault-vma-atomic";
  const mm = new MmStruct(sim, topology, costs, tree, {
    perVmaLock: perVma,
    spfMmapSeq: speculative && p.seqScope === "mm",
    lineModel: p.lineModel,
  });
  const vmas = Array.from({ length: faultedVmas }, (_, v) => new VmAreaStruct(sim, v, topology, costs, 0, p.lineModel));
  // VMAs nobody faults in exist only once a writer touches one (they are many and mostly idle).
  const others = new Map<number, VmAreaStruct>();
  const vmaById = (id: number): VmAreaStruct => {
    if (id < faultedVmas) return vmas[id];
    let v = others.get(id);
    if (!v) others.set(id, (v = new VmAreaStruct(sim, id, topology, costs, 0, p.lineModel)));
    return v;
  };

  const lru = new LruAddBatches(sim, topology, costs, {
    batchPages: p.lruBatchPages,
    perPageNs: p.lruPageNs,
    lineModel: p.lineModel,
  });
  const pcp = new PcpLists(sim, topology, costs, {
    batchPages: p.pcpBatchPages,
    perPageNs: p.zoneLockPageNs,
    lineModel: p.lineModel,
  });
  const warmupNs = roundNs(msToNs(p.warmupMs));
  const durationNs = roundNs(msToNs(p.durationMs));
  const outcomes = [0, 0, 0, 0, 0];
  const faultsByThread = new Array<number>(p.threads).fill(0);
  const faultLatencyNs = new Histogram("fault latency ns");
  const writerLatencyNs = new Histogram("writer latency ns");
  let writerOps = 0;

  for (let i = 0; i < p.threads; i++) {
    const work = rs.stream("thread", i, "work");
    const env: FaultEnv = {
      sim,
      mm,
      rcu,
      lru,
      pcp,
      scheme: p.scheme,
      seqScope: p.seqScope,
      vmaAtomics: p.vmaAtomics,
      workNs: () => work.lognormal(p.faultWorkNs, p.faultWorkCv),
      prefetchMmapLock: p.prefetchMmapLock,
      entryNs: p.faultEntryNs,
    };
    const cpu = threadCpus[i];
    const vma = vmas[Math.floor(i / perVmaThreads)];
    const s = slow[i];
    sim.spawn(`thread${i}`, function* pft(self: Process) {
      for (;;) {
        const t0 = sim.now;
        const outcome = yield* do_user_addr_fault(env, self, cpu, vma, s);
        if (sim.window.contains(t0)) {
          outcomes[outcome]++;
          faultsByThread[i]++;
          faultLatencyNs.record(sim.now - t0);
        }
      }
    });
  }

  if (p.writerRatePerSec > 0) {
    const arrivals = rs.stream("writer", "arrivals");
    const pick = rs.stream("writer", "vmas");
    const meanGapNs = meanGapNsOfRate(p.writerRatePerSec);
    const change = function* (self: Process) {
      const arrived = sim.now;
      yield* mmap_write_lock(mm, self, writerCpu);
      for (let k = 0; k < p.writerVmas; k++) {
        const vma = vmaById(pick.integer(totalVmas));
        if (perVma) yield* vma_start_write(mm, vma, self, writerCpu);
        else vma_begin_change(mm, vma, self);
      }
      yield tree.mas_store(writerCpu);
      if (p.writerHoldNs > 0) yield Math.round(p.writerHoldNs);
      yield* mmap_write_unlock(mm, self, writerCpu);
      if (sim.window.contains(arrived)) {
        writerOps++;
        writerLatencyNs.record(sim.now - arrived);
      }
    };
    sim.spawn("writer-arrivals", function* () {
      for (;;) {
        yield Math.max(1, Math.round(arrivals.exponential(meanGapNs)));
        sim.spawn("mmap_writer", change);
      }
    });
  }

  // The fault path's lock lines: mmap_lock's and the faulted VMAs' lock lines.
  const lockLines: CacheLine[] = [mm.mmapLockLine, ...vmas.map((v) => v.lockLine)];
  const lineTotals = () => {
    let failures = 0;
    let queued = 0;
    let waitNs = 0;
    for (const l of lockLines) {
      failures += l.cmpxchgFailures;
      queued += l.queuedRequests;
      waitNs += l.queueWaitNsTotal;
    }
    return { failures, queued, waitNs };
  };
  // One measurement window (sim.runMeasured): faults and writer changes count by their start inside it; the lines'
  // monotone counters by their growth since it opened.
  const lineBusy = sim.window.since(() => mm.mmapLockLine.busyNsTotal);
  const transfers = sim.window.since(() => mm.mmapLockLine.transfers);
  const failures = sim.window.since(() => lineTotals().failures);
  const queued = sim.window.since(() => lineTotals().queued);
  const queueWaitNs = sim.window.since(() => lineTotals().waitNs);
  const window = sim.runMeasured({ warmupNs, durationNs });
  const queuedRequests = queued.value;

  const faults = outcomes.reduce((a, b) => a + b, 0);
  const measuredS = nsToS(window.durationNs);
  const fallbacks = outcomes[FaultOutcome.VmaLockFallback] + outcomes[FaultOutcome.SpeculativeRetry];
  return {
    faults,
    faultsPerSec: faults / measuredS,
    slowestThreadFaultsPerSec: slowestKindRate(p, threadCpus, slow, faultsByThread) / measuredS,
    outcomes,
    faultsByThread,
    threadCpus,
    fallbackRate: faults > 0 ? fallbacks / faults : 0,
    retryRate: faults > 0 ? outcomes[FaultOutcome.SpeculativeRetry] / faults : 0,
    writerOps,
    writerOpsPerSec: writerOps / measuredS,
    writerLatencyNs,
    faultLatencyNs,
    mmapLockLineUtilization: lineBusy.value / window.durationNs,
    mmapLockTransfersPerFault: faults > 0 ? transfers.value / faults : 0,
    cmpxchgRetriesPerFault: faults > 0 ? failures.value / faults : 0,
    lineQueueMeanNs: queuedRequests > 0 ? queueWaitNs.value / queuedRequests : 0,
    events: sim.eventCount,
    sim,
  };
}

/** Mean faults per thread of the slowest kind of thread (same socket, same SMT slowdown); see slowestThreadFaultsPerSec. */
function slowestKindRate(p: PftParams, cpus: number[], slow: Float64Array, counts: number[]): number {
  const kinds = new Map<string, { n: number; sum: number }>();
  cpus.forEach((cpu, i) => {
    const key = `${Math.floor(cpu / p.cpusPerSocket)}:${slow[i]}`;
    const k = kinds.get(key) ?? { n: 0, sum: 0 };
    k.n++;
    k.sum += counts[i];
    kinds.set(key, k);
  });
  let min = Infinity;
  for (const k of kinds.values()) min = Math.min(min, k.sum / k.n);
  return min;
}
