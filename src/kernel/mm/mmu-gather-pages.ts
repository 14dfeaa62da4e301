/**
 * mmu_gather for data pages: the batching between clearing PTEs and freeing the pages they mapped (mm/mmu_gather.c
 * read at torvalds/linux @06d074298583, include/asm-generic/tlb.h at @0758cd830494). The model follows Linux 6.6;
 * mmu_gather.c's copy is newer (6.9-era: folio_remove_rmap_pte in tlb_flush_rmap_batch), the batching is the same;
 * tlb.h's copy is older (5.0-era: HAVE_RCU_TABLE_FREE, tlb_flush_mmu_tlbonly still calls
 * mmu_notifier_invalidate_range). Page-table pages are not modelled here (experiment 004 models their freeing).
 *
 * - __tlb_remove_page() adds a page to the active batch. The bundled local batch holds MMU_GATHER_BUNDLE (8) pages;
 *   tlb_next_batch() chains batch pages of MAX_GATHER_BATCH (510) pointers, at most MAX_GATHER_BATCH_COUNT
 *   (10000 / 510 = 19) of them. When the active batch is full and no other may be added, it returns true: the
 *   caller must flush (zap_pte_range's force_flush). So a forced flush comes every 8 + 19 x 510 = 9,698 pages, the
 *   "about 10,000" of the mechanisms file. (tlb_next_batch also refuses a new batch while delayed rmaps are pending
 *   outside the local batch; not modelled.)
 * - tlb_flush_mmu_tlbonly(): flush the CPU TLB for [tlb->start, tlb->end) (tlb_flush), then the secondary TLBs:
 *   mmu_notifier_invalidate_range() right after tlb_flush() in 4.14..6.5; since 6.6 that call is gone from tlb.h and
 *   the arch flush itself ends with mmu_notifier_arch_invalidate_secondary_tlbs() (x86 flush_tlb_mm_range). Same
 *   point in the sequence. zap_pte_range calls it with the PT lock held on a forced flush.
 * - tlb_flush_mmu_free() (tlb_table_flush, then tlb_batch_pages_flush(): free_pages_and_swap_cache in chunks of 512
 *   with cond_resched()): free the gathered pages; after the PT lock is dropped.
 * - tlb_finish_mmu(): tlb_flush_mmu() of whatever is left.
 *
 * With an AnonAddressSpace the gather tracks each page and frees it for real (page-lifetime and stale-translation
 * checks); without one it only counts, for scaled runs.
 */
import type { Process, Yielded } from "../../sim/process";
import type { AnonAddressSpace } from "./anon-address-space";
import type { MmuNotifierSubscriptions } from "./mmu-notifier";

export const MMU_GATHER_BUNDLE = 8;
/** (PAGE_SIZE - sizeof(struct mmu_gather_batch)) / sizeof(void *) with 4 KiB pages and 64-bit pointers. */
export const MAX_GATHER_BATCH = 510;
export const MAX_GATHER_BATCH_COUNT = Math.floor(10000 / MAX_GATHER_BATCH);
/** Pages gathered before __tlb_remove_page() asks for a flush: 9,698. */
export const GATHER_PAGES_PER_FLUSH = MMU_GATHER_BUNDLE + MAX_GATHER_BATCH_COUNT * MAX_GATHER_BATCH;

export interface MmuGatherCosts {
  /** CPU TLB flush of the gathered range (flush_tlb_mm_range), ns. */
  tlbFlushNs: number;
  /** Freeing one gathered page (free_pages_and_swap_cache: refcount, memcg uncharge, buddy free), ns. */
  freePageNs: number;
}

export type GatherBody = Generator<Yielded, void, unknown>;

export class MmuGatherPages {
  /** Pages gathered since the last free. */
  nr = 0;
  /** tlb->start / tlb->end: the range whose TLB entries need flushing (empty when start >= end). */
  start = Infinity;
  end = -Infinity;
  /** Flushes done (tlb_flush_mmu_tlbonly calls that flushed something), and how many were forced by a full batch. */
  flushes = 0;
  forcedFlushes = 0;
  private readonly addrs: Int32Array;
  private readonly ids: Int32Array;

  constructor(
    readonly notifiers: MmuNotifierSubscriptions,
    /** Tracks and frees real pages when set; counts only when null. */
    readonly mm: AnonAddressSpace | null,
    /** Pages gathered before a forced flush (GATHER_PAGES_PER_FLUSH in the kernel). */
    readonly batchPages: number,
    readonly costs: MmuGatherCosts,
  ) {
    if (!(batchPages >= 1)) throw new RangeError(`mmu_gather: batchPages must be >= 1, got ${batchPages}`);
    this.addrs = new Int32Array(mm ? batchPages : 0);
    this.ids = new Int32Array(mm ? batchPages : 0);
  }

  /** Pages that fit before the batch is full. */
  get room(): number {
    return this.batchPages - this.nr;
  }

  /** tlb_remove_tlb_entry() + __tlb_remove_page(): gathers the page; true when the batch is now full (flush). */
  __tlb_remove_page(addr: number, page: number): boolean {
    if (this.mm) {
      this.addrs[this.nr] = addr;
      this.ids[this.nr] = page;
    }
    this.nr++;
    if (addr < this.start) this.start = addr;
    if (addr + 1 > this.end) this.end = addr + 1;
    return this.nr >= this.batchPages;
  }

  /** The scaled form of gathering pages [addr, addr + n) that are all present: true when the batch is now full. */
  gatherRange(addr: number, n: number): boolean {
    if (this.mm) throw new Error("gatherRange is for scaled runs without an address space");
    if (n > this.room) throw new RangeError(`gatherRange: ${n} pages do not fit in ${this.room}`);
    this.nr += n;
    if (addr < this.start) this.start = addr;
    if (addr + n > this.end) this.end = addr + n;
    return this.nr >= this.batchPages;
  }

  /** tlb_flush_mmu_tlbonly(): CPU TLB flush and the secondary-TLB call site, then reset the range. */
  *tlb_flush_mmu_tlbonly(task: Process<any>): GatherBody {
    if (this.start >= this.end) return;
    const start = this.start;
    const end = this.end;
    this.start = Infinity;
    this.end = -Infinity;
    this.flushes++;
    if (this.nr >= this.batchPages) this.forcedFlushes++;
    if (this.notifiers.sim.trace) this.notifiers.sim.record(task.name, "tlb_flush", `[${start},${end})`);
    yield this.costs.tlbFlushNs;
    yield* this.notifiers.invalidate_range(task, start, end);
  }

  /** tlb_flush_mmu_free(): frees the gathered pages, freePageNs each. */
  *tlb_flush_mmu_free(task: Process<any>): GatherBody {
    const n = this.nr;
    if (n === 0) return;
    this.nr = 0;
    if (this.notifiers.sim.trace) this.notifiers.sim.record(task.name, "free_pages", `${n}`);
    // Every page counts as freed when the batch flush begins: the earliest moment, so a stale translation is never
    // missed for being freed a little later; the time is spent after.
    const mm = this.mm;
    if (mm !== null) for (let i = 0; i < n; i++) mm.freeGathered(this.addrs[i], this.ids[i]);
    yield n * this.costs.freePageNs;
  }

  /** tlb_flush_mmu(). */
  *tlb_flush_mmu(task: Process<any>): GatherBody {
    yield* this.tlb_flush_mmu_tlbonly(task);
    yield* this.tlb_flush_mmu_free(task);
  }

  /** tlb_finish_mmu(). */
  tlb_finish_mmu(task: Process<any>): GatherBody {
    return this.tlb_flush_mmu(task);
  }
}
