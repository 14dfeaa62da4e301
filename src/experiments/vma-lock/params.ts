/**
 * Parameters of the `vma-lock` experiment. Sources: ../shared/reference/mechanisms-notifiers-vma-rcu.md, Argument D
 * ("mech D" below); `lore:<id>` is https://lore.kernel.org/r/<id>. Costs nothing publishes are calibrated to Mel
 * Gorman's pft curve (see CALIBRATION) and say so.
 */
import { choice, flag, integer, real } from "../params";
import { LINE_MODELS } from "../../kernel/cpu/cacheline";

const MEL_PFT = "lore:20220223161141.GG4423@techsingularity.net";
const MICHEL_SPF = "lore:20210407014502.24091-1-michel@lespinasse.org";

/**
 * How the unpublished costs were set (one line each; the notebook shows the fit), under the default lineModel
 * "queued" (issue 13; before it, under "fixed", the values were faultWorkNs 2000, lruPageNs 300, pftFaults 14.05e6):
 * 1. lineCrossSocketNs / lineSameSocketNs: kept at 230 / 60 ns, inside the 100-300 ns cross-socket range of mech D
 *    section 4.
 * 2. faultWorkNs: with the line costs fixed, the single-thread fault time that puts mmap-lock's plateau at Mel's
 *    4.13 s at 12 threads (the trylock, prefetchw and up_read accesses per fault on mmap_lock's line).
 * 3. lruPageNs: a lump for every per-node shared cost of a fault (the lru_lock drain, and what the model does not
 *    resolve: zone->lock refills, memcg charges), fitted, as before, to Mel's SPF 2.13 s at 80 threads. The model's
 *    throughput is flat past that per-node limit from about 21 threads; elapsedS follows pft's wall time (the
 *    slowest thread), which puts the 48-thread bump of both of Mel's curves back (SMT-shared cores and the busier
 *    node finish last); SPF still reaches the limit earlier than Mel's: docs/fidelity/003-vma-lock.md, "the SPF
 *    curve".
 * 4. pftFaults: the fault count that turns the calibrated single-thread rate into Mel's 32.66 s.
 * Everything else (the shape between 1 and 80 threads, per-vma, one huge VMA, writers) is a prediction.
 */
export const CALIBRATION = {
  target:
    "Mel Gorman's pft, 5.17-rc3, 2 sockets / 80 hardware threads: baseline 32.66 s at 1 thread, 4.13 s at 12, 4.12 s at 80; SPF 2.13 s at 80",
  source: MEL_PFT,
} as const;

export const vmaLockParams = {
  scheme: choice({
    choices: ["mmap-lock", "per-vma", "rcu-fault", "rcu-fault-vma-atomic"] as const,
    default: "per-vma",
    description:
      "mmap-lock: every fault takes mmap_lock for read; per-vma: 6.4's lock_vma_under_rcu with fallback to mmap_lock; rcu-fault: the whole fault under RCU, redone under mmap_lock when a sequence changed; rcu-fault-vma-atomic: rcu-fault plus one atomic on the VMA's line per fault (Michel's check).",
    source: "mechanisms-notifiers-vma-rcu.md D.2; " + MICHEL_SPF,
  }),
  layout: choice({
    choices: ["per-thread-vma", "one-huge-vma", "shared-vmas"] as const,
    default: "per-thread-vma",
    description:
      "per-thread-vma: each faulting thread in its own VMA (many VMAs, the Android case); one-huge-vma: all threads fault in one VMA (Peter Zijlstra's case); shared-vmas: threadsPerVma consecutive threads share each VMA (between the two).",
    source: "lore:YxGz+3TT/J7u6H81@hirez.programming.kicks-ass.net",
  }),
  threads: integer({
    unit: "count",
    default: 48,
    min: 1,
    max: 1024,
    description:
      "Faulting threads; thread i runs on the i-th CPU of the placement order. At most sockets * cpusPerSocket.",
    source: MEL_PFT + " (pft thread counts 1, 4, 12, 21, 48, 80)",
  }),
  threadsPerVma: integer({
    unit: "count",
    default: 4,
    min: 1,
    max: 1024,
    description: "Threads faulting in each VMA, for layout shared-vmas (ignored otherwise).",
    source: "assumption; swept to find where per-VMA locks stop paying",
  }),
  writerRatePerSec: real({
    unit: "per-s",
    default: 0,
    min: 0,
    max: 1e6,
    description:
      "Address-space changes (mmap/munmap/mprotect) per second, Poisson; each takes mmap_lock for write and write-locks the VMAs it touches.",
    source: "assumption (pft has none); swept in the notebook",
  }),
  writerHoldNs: real({
    unit: "ns",
    default: 5000,
    min: 0,
    max: 1e9,
    description:
      "Time a change holds mmap_lock for write after locking its VMAs (tree store, page-table and VMA work).",
    source: "assumption; swept in the notebook",
  }),
  writerVmas: integer({
    unit: "count",
    default: 1,
    min: 0,
    max: 64,
    description: "VMAs each change touches (write-locks), drawn uniformly from all VMAs of the mm.",
    source: "assumption: an mprotect or munmap of one region",
  }),
  vmaAtomics: integer({
    unit: "count",
    default: 1,
    min: 1,
    max: 4,
    description:
      "Atomics per fault on the VMA's line for scheme rcu-fault-vma-atomic: 1 = one read-modify-write, 2 = a reference get and put.",
    source: MICHEL_SPF + ' ("one atomic per VMA"; how many operations is not stated)',
  }),
  otherVmas: integer({
    unit: "count",
    default: 32,
    min: 0,
    max: 1_000_000,
    description:
      "VMAs besides the faulted ones (text, libraries, stacks, heap): they size the maple tree and absorb writers.",
    source: "assumption",
  }),
  seqScope: choice({
    choices: ["mm", "vma"] as const,
    default: "mm",
    description:
      "rcu-fault's sequence: mm-wide (Michel's SPF mmap_seq: any change retries every fault in flight) or per-VMA (Willy's store-free plan).",
    source: "lore:Y/OHC33YLedMXTlD@casper.infradead.org",
  }),
  durationMs: real({
    unit: "ms",
    default: 4,
    min: 0.01,
    max: 10_000,
    description: "Simulated time measured per replication (after the warm-up).",
    source: "assumption: about 1e5 faults at 48 threads",
  }),
  warmupMs: real({
    unit: "ms",
    default: 0.2,
    min: 0,
    max: 10_000,
    description: "Simulated warm-up before measuring.",
    source: "assumption",
  }),
  sockets: integer({
    unit: "count",
    default: 2,
    min: 1,
    max: 16,
    description: "Sockets (NUMA nodes, one lru_lock each).",
    source: MEL_PFT + " (2-socket machine)",
  }),
  cpusPerSocket: integer({
    unit: "count",
    default: 40,
    min: 1,
    max: 1024,
    description: "Hardware threads per socket (Mel's machine: 80 in all; Michel's E5-2690v3: 24).",
    source: MEL_PFT + "; " + MICHEL_SPF,
  }),
  smtWays: integer({
    unit: "count",
    default: 2,
    min: 1,
    max: 8,
    description: "Hardware threads per core; must divide cpusPerSocket.",
    source: MICHEL_SPF + " (24C/48T)",
  }),
  smtThroughput: real({
    unit: "fraction",
    default: 1.25,
    min: 1,
    max: 8,
    description:
      "A core's throughput with all its hardware threads busy, relative to one (a thread's CPU work stretches by smtWays/smtThroughput).",
    source: "assumption (typical Intel Hyper-Threading gain); swept in the notebook",
  }),
  placement: choice({
    choices: ["spread", "packed", "numa-5.17"] as const,
    default: "spread",
    description:
      "spread: threads alternate sockets and take a whole core each before SMT siblings (the load balancer's spreading); packed: fill socket 0 first; numa-5.17: where 5.11-5.17's NUMA rules put pft's threads (kept on the main thread's node at fork while under a quarter of the machine's CPUs run, a 2-task imbalance tolerated while the busier node runs under a quarter of its CPUs: 4 threads 4/0, 12 threads 12/0 settling at 8/4, 21 threads 20/1 settling at 11/10), cores before siblings in each node.",
    source:
      "assumption for spread and packed; numa-5.17: kernel/sched/fair.c find_idlest_group / calculate_imbalance / adjust_numa_imbalance as of 5.11-5.17 (src/kernel/sched/numa-imbalance.ts)",
  }),
  numaMoveIntervalMs: real({
    unit: "ms",
    default: 400,
    min: 0,
    max: 1e5,
    description:
      "For placement numa-5.17: time between two moves of a running thread by the balancer (a busy thread alone on its CPU moves only by active balancing). 0: the placement has settled before the faults start. Otherwise the moves begin when the threads are created, pft's main thread waits 0.5 ms before the go (pft.c launch()), and elapsedS follows every thread's progress through the moves; the other observables are those of the settled placement.",
    source:
      "estimate from source (no published rate): 5 failed NUMA-level attempts 80 ms apart before active balancing moves a running thread (kernel/sched/fair.c need_active_balance, kernel/sched/topology.c sd_init; src/kernel/sched/numa-imbalance.ts), 0.32-0.48 s; swept in the notebook",
  }),
  faultWorkNs: real({
    unit: "ns",
    default: 2200,
    min: 1,
    max: 1e9,
    description:
      "Mean CPU work of one fault outside the locks (exception, page allocation, clear_page, PTE), lognormal.",
    source: "calibrated: sets mmap-lock's 12-thread time at Mel's 4.13 s (CALIBRATION 2)",
  }),
  faultWorkCv: real({
    unit: "fraction",
    default: 0.3,
    min: 0.01,
    max: 5,
    description: "Coefficient of variation of the fault work.",
    source: "assumption",
  }),
  lineModel: choice({
    choices: LINE_MODELS,
    default: "queued",
    description:
      "How a contended cache line costs: 'queued' (a server with a FIFO queue of requests; reads pull it shared, each write invalidates the sharers, a cmpxchg fails when another CPU changed the line since its read and retries) or 'fixed' (each transfer a fixed cost, atomics serialised, reads free of the queue, cmpxchg never fails: the model before issue 13).",
    source:
      "issue 13; kernel/locking/rwsem.c __down_read_trylock (read + try_cmpxchg loop); src/kernel/cpu/cacheline.ts",
  }),
  prefetchMmapLock: flag({
    default: true,
    description:
      "exc_page_fault() starts with prefetchw(&current->mm->mmap_lock): every fault asks for mmap_lock's line exclusive without waiting (x86 up to 2025). Has no effect under lineModel 'fixed'.",
    source:
      "arch/x86/mm/fault.c exc_page_fault (torvalds/linux @fd5439e0); removed by lore:20250401143520.1113572-1-mjguzik@gmail.com",
  }),
  faultEntryNs: real({
    unit: "ns",
    default: 200,
    min: 0,
    max: 1e6,
    description:
      "Part of faultWorkNs spent between the exception and the first lock access (entry, irqentry_enter, do_user_addr_fault's checks): the time the prefetchw has to land before the trylock. " +
      "Under lineModel queued, values up to lineLocalNs are degenerate: a thread's up_read and its next fault's trylock then fall in one merge window (as if it never left the kernel), one transfer serves both, and mmap-lock scales to the LRU limit (15x at 48 threads at 0 ns, 8.6x from 10 ns up).",
    source:
      "assumption (no published split of the fault's work); swept in the notebook; 100-400 ns give the same plateau (7.9-8.0x at 12 threads)",
  }),
  lineLocalNs: real({
    unit: "ns",
    default: 5,
    min: 0,
    max: 1e6,
    description: "An atomic on a line this CPU owns.",
    source: "src/kernel/cpu/cacheline.ts default",
  }),
  lineSameSocketNs: real({
    unit: "ns",
    default: 60,
    min: 0,
    max: 1e6,
    description: "Moving a line between CPUs of one socket.",
    source: "src/kernel/cpu/cacheline.ts default",
  }),
  lineCrossSocketNs: real({
    unit: "ns",
    default: 230,
    min: 0,
    max: 1e6,
    description: "Moving a line between sockets.",
    source: "calibrated within mechanisms-notifiers-vma-rcu.md D.4: 100-300 ns (CALIBRATION 1)",
  }),
  lruBatchPages: integer({
    unit: "pages",
    default: 15,
    min: 1,
    max: 4096,
    description: "Pages per per-CPU LRU batch (PAGEVEC_SIZE).",
    source: "include/linux/pagevec.h (5.17, 6.4)",
  }),
  lruPageNs: real({
    unit: "ns",
    default: 325,
    min: 0,
    max: 1e6,
    description:
      "Time under the node's lru_lock per page: a lump for the fault's per-node shared costs (lru_lock drain, and the page-allocator and memcg work the model does not resolve).",
    source: "calibrated: Mel's SPF 2.13 s at 80 threads (CALIBRATION 3)",
  }),
  pcpBatchPages: integer({
    unit: "pages",
    default: 63,
    min: 1,
    max: 4096,
    description:
      "Pages per refill of a CPU's page list from the buddy lists under the node's zone->lock (pcp->batch; rmqueue_bulk).",
    source:
      "mm/page_alloc.c zone_batchsize() and __rmqueue_pcplist() (torvalds/linux @dac22531): 63 for zones of 1 GiB or more",
  }),
  zoneLockPageNs: real({
    unit: "ns",
    default: 0,
    min: 0,
    max: 1e6,
    description:
      "Time under the node's zone->lock per page a refill moves (__rmqueue and the pcp list add); 0 leaves zone->lock out (its cost is then inside lruPageNs' lump).",
    source: "assumption (no published cost); swept in the notebook",
  }),
  turboAllCoreRatio: real({
    unit: "fraction",
    default: 1,
    min: 0.5,
    max: 1,
    description:
      "A core's clock with every core of its socket busy, relative to one busy core (turbo bins by active cores); in between, linear in the socket's busy cores. Stretches the fault's CPU work, not the time under the per-node locks or line transfers. 1: no turbo.",
    source:
      "assumption (Mel's CPU and its turbo bins are not stated; Intel documents turbo bins by active cores: intel.com support article 000056901); swept in the notebook",
  }),
  mapleFanout: integer({
    unit: "count",
    default: 10,
    min: 2,
    max: 64,
    description: "Effective maple-tree fan-out per level.",
    source: "mechanisms-notifiers-vma-rcu.md D.2 (10 internal, 16 leaf)",
  }),
  mapleNodeReadNs: real({
    unit: "ns",
    default: 5,
    min: 0,
    max: 1e6,
    description: "Reading one cached maple node.",
    source: "assumption (an L1/L2 hit)",
  }),
  pftFaults: real({
    unit: "count",
    default: 12.77e6,
    min: 1,
    max: 1e15,
    description:
      "Faults in one published pft run (its -m size in 4 KiB pages): elapsedS = (pftFaults / threads) / the slowest thread's rate; at 1 thread pftFaults / faultsPerSec.",
    source: "calibrated: 32.66 s at 1 thread with the defaults (CALIBRATION 4)",
  }),
};

export type VmaLockParamSpecs = typeof vmaLockParams;

/**
 * Michel Lespinasse's machine for his SPF numbers (2-socket E5-2690v3, 24 cores / 48 threads), with the two costs
 * recalibrated to his two published figures at 48 threads: SPF at 24x one thread (lruPageNs) and 3.7x the baseline
 * (lineCrossSocketNs, still inside 100-300 ns). His third figure, the cost of one atomic per VMA, is then a
 * prediction (claim michel-one-atomic).
 */
export const MICHEL_MACHINE = {
  sockets: 2,
  cpusPerSocket: 24,
  smtWays: 2,
  lineCrossSocketNs: 295,
  lruPageNs: 193,
} as const;

/** The thread counts of Mel's pft table. */
export const PFT_THREADS = [1, 4, 12, 21, 48, 80] as const;

// (Imported here, beside its one use, to keep this addition to the file in one piece.)
import { paramRules } from "../rules";

/** Rules between the parameters, checked on every sweep point before anything runs (../rules.ts). */
export const vmaLockRules = paramRules(vmaLockParams, [
  {
    params: ["threads", "sockets", "cpusPerSocket"],
    holds: (p) => p.threads <= p.sockets * p.cpusPerSocket,
    rule: "threads must be at most sockets x cpusPerSocket: each faulting thread runs on a CPU of its own",
  },
  {
    params: ["cpusPerSocket", "smtWays"],
    holds: (p) => p.cpusPerSocket % p.smtWays === 0,
    rule: "smtWays must divide cpusPerSocket: every core of a socket has smtWays hardware threads",
  },
]);
