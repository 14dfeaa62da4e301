/**
 * An anonymous mapping's pages, their PTEs and page-table locks, and the lifetime of each page, so that a page freed
 * while a secondary MMU still translates to it can be caught. Mostly bookkeeping (ids, pins, staleness checks: no
 * kernel counterpart); handle_mm_fault() follows do_anonymous_page() in mm/memory.c, read at
 * GrapheneOS/kernel_common-6.6 @55dbf85d9283 (torvalds/linux's stored mm/memory.c @0014bd990e69 is a 2.6.3x copy).
 *
 * - Page indexes 0..pages-1 are the mapping's 4 KiB pages; PTRS_PER_PTE (512) of them share one page-table page and
 *   its split PT lock (pte_lockptr(), a spinlock per PTE page with USE_SPLIT_PTE_PTLOCKS).
 * - Each allocated page gets a fresh id (never reused), so "the page this translation points at" is exact.
 * - A page is live while a PTE maps it, while an mmu_gather holds it between the PTE clear and the free, or while
 *   someone pins it (get_user_pages(), as KVM's fault path does); put_page() of the last reference frees it.
 * - A fault allocates and zeroes the page outside the PT lock (alloc_anon_folio), then takes the lock
 *   (pte_offset_map_lock) and installs it only if the PTE is still none (vmf_pte_changed: else the page is released).
 * - A stale translation: a secondary MMU caching a page that has been freed (a device DMA-ing into memory the kernel
 *   has reused). Counted at the free, and at an insert of a page already freed. With `strict`, it is an invariant
 *   violation instead: for protocols that must never leave one.
 */
import { InvariantViolation } from "../../sim/invariant";
import type { Process, Yielded } from "../../sim/process";
import type { Simulation } from "../../sim/simulation";
import { QueuedSpinlock } from "../locking/qspinlock";
import type { SecondaryTlb } from "./secondary-tlb";

/** PTEs per page-table page on x86-64 and arm64 with 4 KiB pages. */
export const PTRS_PER_PTE = 512;

/** One stale translation, as reported to `onStale`. */
export interface StaleTranslation {
  timeNs: number;
  cache: string;
  addr: number;
  page: number;
  /** "free": the page was freed while cached; "insert": a fill cached a page already freed. */
  when: "free" | "insert";
}

export class AnonAddressSpace {
  /** The page id each PTE maps, 0 for pte_none. */
  readonly pte: Int32Array;
  /** A page cleared from its PTE and held by an mmu_gather until the free, per index (0: none). */
  readonly gathered: Int32Array;
  /** split PT locks, one per page-table page. */
  readonly ptl: QueuedSpinlock[];
  readonly secondary: SecondaryTlb[] = [];
  private nextPageId = 1;
  private readonly pins = new Map<number, number>();
  /** Pages whose mapping reference is gone but a pin keeps alive: id -> index. */
  private readonly pinnedFree = new Map<number, number>();
  pagesFreed = 0;
  staleTranslations = 0;
  /** Throw InvariantViolation on a stale translation. */
  strict = false;
  onStale: ((s: StaleTranslation) => void) | null = null;

  constructor(
    readonly sim: Simulation,
    readonly name: string,
    readonly pages: number,
  ) {
    this.pte = new Int32Array(pages);
    this.gathered = new Int32Array(pages);
    const tables = Math.ceil(pages / PTRS_PER_PTE);
    this.ptl = Array.from({ length: tables }, (_, i) => new QueuedSpinlock(sim, `ptl${i}`));
  }

  /** The PT lock covering page index `addr` (pte_lockptr()). */
  pte_lockptr(addr: number): QueuedSpinlock {
    return this.ptl[Math.floor(addr / PTRS_PER_PTE)];
  }

  /** Maps a fresh page at every pte_none index (the application touching its whole buffer). */
  populate(): number {
    let n = 0;
    for (let a = 0; a < this.pages; a++) {
      if (this.pte[a] === 0) {
        this.pte[a] = this.nextPageId++;
        n++;
      }
    }
    return n;
  }

  /** Maps a fresh page at `addr` if it is pte_none (do_anonymous_page's set_pte_at under the PT lock). */
  mapNewPage(addr: number): number {
    if (this.pte[addr] === 0) this.pte[addr] = this.nextPageId++;
    return this.pte[addr];
  }

  /**
   * handle_mm_fault() on a pte_none anonymous address (do_anonymous_page(), mm/memory.c): allocate and zero a page
   * outside the lock (`allocNs`), then take the PT lock to install it unless someone else did.
   */
  *handle_mm_fault(task: Process<any>, addr: number, allocNs: number): Generator<Yielded, number, unknown> {
    yield allocNs;
    const ptl = this.pte_lockptr(addr);
    yield ptl.queued_spin_lock(task);
    const page = this.mapNewPage(addr);
    ptl.queued_spin_unlock(task);
    return page;
  }

  /** ptep_get_and_clear(): clears the PTE; the page now belongs to the caller's mmu_gather. Returns its id or 0. */
  ptep_get_and_clear(addr: number): number {
    const page = this.pte[addr];
    if (page === 0) return 0;
    this.pte[addr] = 0;
    this.gathered[addr] = page;
    return page;
  }

  /** get_page() from get_user_pages(): the page stays allocated until unpin(). */
  pin(page: number): void {
    this.pins.set(page, (this.pins.get(page) ?? 0) + 1);
  }

  /** put_page() of a pin; frees the page if its mapping reference already went. */
  unpin(page: number): void {
    const n = this.pins.get(page);
    if (n === undefined)
      throw new InvariantViolation(this.name, this.sim.now, `unpin of page ${page}, which is not pinned`);
    if (n > 1) {
      this.pins.set(page, n - 1);
      return;
    }
    this.pins.delete(page);
    const addr = this.pinnedFree.get(page);
    if (addr !== undefined) {
      this.pinnedFree.delete(page);
      this.release(addr, page);
    }
  }

  /** The mmu_gather drops its reference (free_pages_and_swap_cache()); the page is freed unless pinned. */
  freeGathered(addr: number, page: number): void {
    if (this.gathered[addr] === page) this.gathered[addr] = 0;
    if (this.pins.has(page)) this.pinnedFree.set(page, addr);
    else this.release(addr, page);
  }

  /** True once `page`, which was mapped at `addr`, has been freed. */
  isFreed(addr: number, page: number): boolean {
    return page !== 0 && page !== this.pte[addr] && page !== this.gathered[addr] && !this.pins.has(page);
  }

  /** A secondary MMU inserted addr -> page: a stale translation if the page is already gone. */
  checkInsert(cache: SecondaryTlb, addr: number, page: number): void {
    if (this.isFreed(addr, page)) this.stale(cache, addr, page, "insert");
  }

  private release(addr: number, page: number): void {
    this.pagesFreed++;
    for (const c of this.secondary) if (c.lookup(addr) === page) this.stale(c, addr, page, "free");
  }

  private stale(cache: SecondaryTlb, addr: number, page: number, when: "free" | "insert"): void {
    this.staleTranslations++;
    this.onStale?.({ timeNs: this.sim.now, cache: cache.name, addr, page, when });
    if (this.strict) {
      const what =
        when === "free"
          ? `page ${page} at index ${addr} freed while ${cache.name} still translates to it`
          : `${cache.name} cached page ${page} at index ${addr} after it was freed`;
      throw new InvariantViolation(`${this.name} secondary MMU`, this.sim.now, what);
    }
  }
}
