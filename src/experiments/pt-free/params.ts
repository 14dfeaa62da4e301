/**
 * Parameters of `pt-free`. Sources: ../shared/reference/mechanisms-notifiers-vma-rcu.md, Argument E (message ids
 * carried here); "assumption" where nothing published backs a value (the notebook sweeps those).
 */
import { choice, flag, integer, real } from "../params";
import { TABLE_FREE_CONFIGS } from "../../kernel/mm/mmu-gather-table-free";
import { GRACE_PERIOD_PROFILES } from "./grace-period-profiles";

const E = "mechanisms-notifiers-vma-rcu.md E";

export const ptFreeParams = {
  config: choice({
    choices: TABLE_FREE_CONFIGS,
    default: "ipi",
    description:
      "How page tables are freed: 'ipi' (shootdown IPIs to the mm's CPUs, waited, then free), 'rcu' (batched call_rcu, the batch page always allocates), " +
      "'rcu-ipi-fallback' (rcu, and on a batch-page allocation failure tlb_remove_table_sync_one then free), 'rcu-ptdesc' (rcu, and on failure call_rcu on the table's own rcu_head).",
    source: `${E}: mm/mmu_gather.c tlb_remove_table, tlb_table_flush, tlb_remove_table_one; PT_RECLAIM (Qi Zheng)`,
  }),
  cpus: integer({
    unit: "count",
    default: 16,
    min: 2,
    max: 512,
    description: "CPUs in the mm (mm_cpumask): one runs the munmap storm, the others run page-table walkers.",
    source: "assumption: a two-socket server's worth (LATR measured on 2 sockets); the notebook sweeps 2-256",
  }),
  irqOffNs: real({
    unit: "ns",
    default: 2000,
    min: 50,
    max: 1e6,
    description: "Mean length of one walker section (interrupts off for 'irq-off' walkers), lognormal.",
    source: `${E}: GUP-fast L_irq 0.5-5 us [assumption]; no published irq-off length`,
  }),
  irqOffCv: real({
    unit: "fraction",
    default: 0.5,
    min: 0.01,
    max: 4,
    description: "Coefficient of variation of a walker section's length.",
    source: "assumption",
  }),
  walkerDuty: real({
    unit: "fraction",
    default: 0.05,
    min: 0,
    max: 0.95,
    description:
      "Fraction of each walker CPU's time spent inside walker sections (walker load); sections start after exponential gaps.",
    source: "assumption",
  }),
  walker: choice({
    choices: ["irq-off", "rcu"] as const,
    default: "irq-off",
    description:
      "Walker protection: 'irq-off' (gup_fast's local_irq_save, SPF v1) or 'rcu' (rcu_read_lock only: SPF v2, pte_offset_map since 6.5).",
    source: `${E}: mm/gup.c gup_fast; lore:20210428145823.GA856@lespinasse.org`,
  }),
  munmapRatePerSec: real({
    unit: "per-s",
    default: 10_000,
    min: 1,
    max: 1e6,
    description:
      "munmap calls per second by the storm thread (exponential pauses between calls; a call's own time adds to the cycle).",
    source: "assumption: a munmap storm",
  }),
  tablesPerMunmap: integer({
    unit: "count",
    default: 1,
    min: 1,
    max: 100_000,
    description: "PTE tables freed per munmap (1 = a 2 MiB region).",
    source: "derived: one PTE table maps 512 x 4 KiB = 2 MiB",
  }),
  munmapWorkNs: real({
    unit: "ns",
    default: 4000,
    min: 0,
    max: 1e9,
    description: "munmap's own work apart from the TLB flush (mmap_lock, VMA split, zap of the PTEs).",
    source:
      "assumption, chosen so the shootdown is about 70% of munmap latency at 16 CPUs under 'ipi' (LATR, ASPLOS'18: -70.8% munmap latency on 2 sockets)",
  }),
  localFlushNs: real({
    unit: "ns",
    default: 425,
    min: 0,
    max: 1e6,
    description: "Flushing one CPU's TLB for the range; also each IPI handler's run time.",
    source: "lore:20140218193017.ECDF1089@viggo.jf.intel.com (1 page: 1,276 cycles) at an assumed 3 GHz",
  }),
  ipiLatencyNs: real({
    unit: "ns",
    default: 1000,
    min: 0,
    max: 1e6,
    description: "Fixed IPI latency a in T_sd(k) = a + b k.",
    source: `${E}: IPI round trip 1-3 us [secondary]`,
  }),
  ipiPerTargetNs: real({
    unit: "ns",
    default: 500,
    min: 0,
    max: 1e6,
    description:
      "Sender's cost per IPI target b in T_sd(k) = a + b k: smp_call_function_many_cond's csd_lock and llist_add onto each target's call_single_queue (a line the target owns), paid before the one IPI send.",
    source:
      "assumption, swept: no primary measurement found. The '1.5 us x CPUs in mm_cpumask' of mech E section 3 is a secondary blog figure for a whole shootdown's round trip, not the per-target send cost; the kernel's per-target work is about one to two cache-line transfers (0.2-0.5 us). 500 ns kept; the model's munmap p99 slope against CPUs equals it",
  }),
  broadcastFlushNs: real({
    unit: "ns",
    default: 1000,
    min: 0,
    max: 1e6,
    description:
      "One broadcast TLB invalidate and its completion (TLBI+DSB, INVLPGB+TLBSYNC), used by the RCU configs when rcuTlbFlush is 'broadcast'.",
    source:
      "assumption (INVLPG is '100s of cycles', lore:20190702235151.4377-1-namit@vmware.com; no published broadcast cost)",
  }),
  rcuTlbFlush: choice({
    choices: ["broadcast", "ipi"] as const,
    default: "broadcast",
    description:
      "How the RCU configs invalidate other CPUs' TLBs: 'broadcast' (no IPI: arm64, INVLPGB, paravirt; why they need RCU table freeing) or 'ipi' (x86 native flush with RCU table freeing, as after a37259732a7d).",
    source: `${E}: a37259732a7d x86/mm: Make MMU_GATHER_RCU_TABLE_FREE unconditional`,
  }),
  gracePeriodProfile: choice({
    choices: GRACE_PERIOD_PROFILES,
    default: "idle",
    description:
      "Grace-period durations calibrated to the published synchronize_rcu() latency: 'idle' (mean 9.75 ms, 32 CPUs) or 'busy' (median 37 ms, 64 CPUs).",
    source: "lore:20260101163417.1065705-7-joelagnelf@nvidia.com",
  }),
  qsIntervalUs: real({
    unit: "us",
    default: 1000,
    min: 1,
    max: 1e6,
    description:
      "Mean time between quiescent points of the mm's CPUs (a tick in user mode at HZ=1000, a context switch).",
    source: "kernel/rcu/tree.c rcu_sched_clock_irq at HZ=1000 (from memory of 6.6); assumption",
  }),
  allocFailProbability: real({
    unit: "fraction",
    default: 1e-4,
    min: 0,
    max: 1,
    description: "Probability that the GFP_NOWAIT batch-page allocation fails (ignored by 'rcu' and 'ipi').",
    source: `${E}: p_allocfail = 1e-4 [assumption]`,
  }),
  maxTableBatch: integer({
    unit: "count",
    default: 509,
    min: 1,
    max: 100_000,
    description: "Tables per batch page (MAX_TABLE_BATCH).",
    source: `${E}: include/asm-generic/tlb.h MAX_TABLE_BATCH about 509`,
  }),
  tableBytes: integer({
    unit: "bytes",
    default: 4096,
    min: 512,
    max: 1 << 20,
    description: "Bytes of one page table, and of one batch page.",
    source: "PAGE_SIZE on x86-64 and 4K-page arm64",
  }),
  durationMs: real({
    unit: "ms",
    default: 300,
    min: 1,
    max: 1e6,
    description: "Simulated time measured, after the warm-up.",
    source: "assumption: about 3,000 munmaps and 25 grace periods at the defaults",
  }),
  warmupMs: real({
    unit: "ms",
    default: 50,
    min: 0,
    max: 1e6,
    description: "Simulated time before measuring (fills the grace-period pipeline).",
    source: "assumption: several grace periods",
  }),
  strict: flag({
    default: false,
    description:
      "Throw InvariantViolation when a table is freed under a walker that began before its unhook (else count it in unsafeFrees).",
    source: "the protocol's safety rule",
  }),
};

export type PtFreeParams = typeof ptFreeParams;
