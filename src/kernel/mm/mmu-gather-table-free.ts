/**
 * Freeing page tables through the mmu_gather: mm/mmu_gather.c (tlb_remove_table, tlb_table_flush,
 * tlb_table_invalidate, tlb_remove_table_free, tlb_remove_table_rcu, tlb_remove_table_one,
 * tlb_remove_table_sync_one) read at torvalds/linux @06d074298583, a 6.9-era copy, older than the 6.14 this models:
 * it has no CONFIG_PT_RECLAIM, so its tlb_remove_table_one() always does tlb_remove_table_sync_one() (IPI) then
 * __tlb_remove_table(). The PT_RECLAIM variant ("rcu-ptdesc") follows Qi Zheng's series as read in its patches:
 * __tlb_remove_table_one() = call_rcu(&ptdesc->pt_rcu_head, __tlb_remove_table_one_rcu), first in x86's asm/tlb.h,
 * later moved to mm/mmu_gather.c; v3 of the series dropped tlb_remove_table_sync_one() under PT_RECLAIM.
 *
 * The ordering rule is: unhook the table (pmd_clear in free_pgtables), invalidate TLBs and paging-structure caches,
 * then free. What "then" must wait for is the whole argument:
 * - "ipi" (no MMU_GATHER_RCU_TABLE_FREE): tlb_remove_table() is tlb_remove_page(); the table rides in the page batch
 *   and is freed in tlb_flush_mmu_free() right after the flush, whose IPIs waited out every interrupts-off walker.
 * - "rcu": tlb_remove_table() puts the table in a batch page (MAX_TABLE_BATCH, about 509 tables per 4 KiB page);
 *   tlb_table_flush() invalidates (tlb_table_invalidate) and hands the batch to call_rcu() (tlb_remove_table_free);
 *   tlb_remove_table_rcu() frees it after a grace period. munmap does not wait; the memory waits.
 * - "rcu-ipi-fallback": as "rcu", but when the GFP_NOWAIT batch page cannot be allocated, tlb_remove_table_one()
 *   flushes, sends tlb_remove_table_sync_one() (an IPI to every other CPU, waited) and frees the table at once.
 * - "rcu-ptdesc": as "rcu", but the fallback is PT_RECLAIM's: call_rcu() on the table's own ptdesc rcu_head, no IPI.
 *
 * In "rcu" the batch page never fails to allocate (the idealised case); the other two draw the failure with
 * `allocFailProbability` per attempt. Each attempt is independent here; real failures cluster under memory
 * pressure, so this understates bursts.
 *
 * Memory "awaiting a grace period" counts from call_rcu() to the free: the tables, plus the batch page itself.
 */
import type { Yielded } from "../../sim/process";
import type { Simulation } from "../../sim/simulation";
import type { RandomStream } from "../../sim/random";
import { Histogram } from "../../sim/stats/histogram";
import { TimeWeighted } from "../../sim/stats/time-weighted";
import type { Cpu } from "../cpu/cpu";
import type { Rcu } from "../rcu/tree";
import type { PageTableWalkers } from "./gup-fast";
import type { TlbShootdown } from "./tlb-shootdown";

export type TableFreeConfig = "ipi" | "rcu" | "rcu-ipi-fallback" | "rcu-ptdesc";
export const TABLE_FREE_CONFIGS: readonly TableFreeConfig[] = ["ipi", "rcu", "rcu-ipi-fallback", "rcu-ptdesc"];

export interface TableFreeOptions {
  config: TableFreeConfig;
  /** Bytes of one page table (PAGE_SIZE on x86-64 and 4K-page arm64). */
  tableBytes: number;
  /** Tables per batch page: MAX_TABLE_BATCH = (PAGE_SIZE - sizeof(struct mmu_table_batch)) / sizeof(void *). */
  maxTableBatch: number;
  /** Probability that __get_free_page(GFP_NOWAIT) for a batch page fails (ignored in "rcu"). */
  allocFailProbability: number;
  /** Test-only, deliberately broken: free each table at unhook, waiting for nothing. */
  brokenNoWait?: boolean;
}

/** One struct mmu_gather, from tlb_gather_mmu() to tlb_finish_mmu(). */
export interface MmuGather {
  cpu: Cpu;
  /** mm_cpumask without this CPU: the targets of a shootdown. */
  mmOthers: Cpu[];
  /** Every other online CPU: the targets of tlb_remove_table_sync_one(). */
  onlineOthers: Cpu[];
  /** Tables in the current batch page; -1 when there is no batch page (tlb->batch == NULL). */
  batchNr: number;
  batchUnhookNs: number;
  /** "ipi": tables gathered as pages, freed after the flush. */
  pagesPending: number;
  pagesUnhookNs: number;
  /** Something was unhooked since the last flush (tlb->end > tlb->start). */
  needsFlush: boolean;
}

export class MmuGatherTableFree {
  /** Tables handed to call_rcu() and not yet freed. */
  readonly tablesAwaitingGp: TimeWeighted;
  /** Their bytes, plus the batch pages that carry them. */
  readonly bytesAwaitingGp: TimeWeighted;
  /** Per table: call_rcu() to free, ns (Little's law's W). */
  readonly tableWaitNs = new Histogram("table wait for grace period ns");
  tablesQueued = 0;
  tablesFreed = 0;
  batchPagesQueued = 0;
  allocFailures = 0;

  constructor(
    readonly sim: Simulation,
    readonly rcu: Rcu,
    readonly walkers: PageTableWalkers,
    readonly shootdown: TlbShootdown,
    private readonly allocStream: RandomStream,
    readonly options: TableFreeOptions,
  ) {
    this.tablesAwaitingGp = new TimeWeighted("tables awaiting gp", sim.now);
    this.bytesAwaitingGp = new TimeWeighted("bytes awaiting gp", sim.now);
  }

  tlb_gather_mmu(cpu: Cpu, mmOthers: Cpu[], onlineOthers: Cpu[]): MmuGather {
    return {
      cpu,
      mmOthers,
      onlineOthers,
      batchNr: -1,
      batchUnhookNs: 0,
      pagesPending: 0,
      pagesUnhookNs: 0,
      needsFlush: false,
    };
  }

  /** pte_free_tlb() -> tlb_remove_table(): one table, just unhooked by free_pgtables(). */
  *tlb_remove_table(tlb: MmuGather): Generator<Yielded, void, unknown> {
    const now = this.sim.now;
    tlb.needsFlush = true;
    const o = this.options;
    if (o.brokenNoWait) {
      this.free(now, 1, "at unhook, waiting for nothing");
      return;
    }
    if (o.config === "ipi") {
      tlb.pagesPending++;
      tlb.pagesUnhookNs = now;
      return;
    }
    // One draw per table in every RCU config, used only when a batch page is needed: the configs then consume the
    // stream identically and share their draws (common random numbers).
    const failed = this.allocStream.bernoulli(o.allocFailProbability);
    if (tlb.batchNr < 0) {
      if (failed && o.config !== "rcu") {
        this.allocFailures++;
        yield* this.tlb_table_invalidate(tlb);
        yield* this.tlb_remove_table_one(tlb, now);
        return;
      }
      tlb.batchNr = 0;
    }
    tlb.batchNr++;
    tlb.batchUnhookNs = now;
    if (tlb.batchNr === o.maxTableBatch) yield* this.tlb_table_flush(tlb);
  }

  /** tlb_finish_mmu() -> tlb_flush_mmu(): flush the TLB range, then tlb_flush_mmu_free(). */
  *tlb_finish_mmu(tlb: MmuGather): Generator<Yielded, void, unknown> {
    yield* this.tlb_table_invalidate(tlb);
    yield* this.tlb_table_flush(tlb);
    if (tlb.pagesPending > 0) {
      this.free(tlb.pagesUnhookNs, tlb.pagesPending, "after the TLB shootdown");
      tlb.pagesPending = 0;
    }
  }

  /** tlb_flush_mmu_tlbonly(): flush_tlb_mm_range() if anything was unhooked since the last flush. */
  private *tlb_table_invalidate(tlb: MmuGather): Generator<Yielded, void, unknown> {
    if (!tlb.needsFlush) return;
    tlb.needsFlush = false;
    yield* this.shootdown.flush_tlb_mm_range(tlb.cpu, tlb.mmOthers);
  }

  /** tlb_table_flush(): invalidate, then tlb_remove_table_free(): call_rcu() on the batch page. */
  private *tlb_table_flush(tlb: MmuGather): Generator<Yielded, void, unknown> {
    if (tlb.batchNr < 0) return;
    yield* this.tlb_table_invalidate(tlb);
    const n = tlb.batchNr;
    tlb.batchNr = -1;
    if (n > 0) this.queueForGracePeriod(n, 1, tlb.batchUnhookNs);
  }

  /** The batch page could not be allocated: free this one table without it. */
  private *tlb_remove_table_one(tlb: MmuGather, unhookNs: number): Generator<Yielded, void, unknown> {
    if (this.options.config === "rcu-ptdesc") {
      // PT_RECLAIM: __tlb_remove_table_one() -> call_rcu(&ptdesc->pt_rcu_head, ...); no batch page, no IPI.
      this.queueForGracePeriod(1, 0, unhookNs);
      return;
    }
    yield* this.shootdown.tlb_remove_table_sync_one(tlb.cpu, tlb.onlineOthers);
    this.free(unhookNs, 1, "after tlb_remove_table_sync_one");
  }

  private queueForGracePeriod(tables: number, batchPages: number, unhookNs: number): void {
    const queuedNs = this.sim.now;
    const bytes = (tables + batchPages) * this.options.tableBytes;
    this.tablesQueued += tables;
    this.batchPagesQueued += batchPages;
    this.tablesAwaitingGp.add(queuedNs, tables);
    this.bytesAwaitingGp.add(queuedNs, bytes);
    // tlb_remove_table_rcu() / __tlb_remove_table_one_rcu()
    this.rcu.call_rcu(() => {
      const now = this.sim.now;
      this.tableWaitNs.recordMany(now - queuedNs, tables);
      this.tablesAwaitingGp.add(now, -tables);
      this.bytesAwaitingGp.add(now, -bytes);
      this.free(unhookNs, tables, "after a grace period");
    });
  }

  private free(unhookNs: number, tables: number, how: string): void {
    this.walkers.checkFree(unhookNs, tables, how);
    this.tablesFreed += tables;
    if (this.sim.trace) this.sim.record("mmu_gather", "free", `${tables} table(s) ${how}`);
  }

  /** Forget statistics gathered so far (end of warm-up), keeping what is in flight. */
  resetStats(nowNs: number): void {
    this.tablesAwaitingGp.reset(nowNs);
    this.bytesAwaitingGp.reset(nowNs);
    this.tableWaitNs.reset();
    this.tablesQueued = 0;
    this.tablesFreed = 0;
    this.batchPagesQueued = 0;
    this.allocFailures = 0;
  }
}
