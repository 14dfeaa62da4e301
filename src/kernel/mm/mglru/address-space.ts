/**
 * Processes' address spaces as MGLRU's walkers see them: mm_structs, their VMAs, and one PTE per 4 KiB page, stored
 * as columns indexed by PTE slot. Each VMA starts on a PTE-table (2 MiB) boundary, so slot >> 9 is the PTE table, the
 * unit walk_pmd_range tests against the Bloom filter and lru_gen_look_around stays inside.
 * (After mm/vmscan.c walk_mm / should_skip_vma and include/linux/mm_types.h, Linux 6.6; read in the 6.6.8 tree of
 * syslab-CAU/ScaleSwap @83341de3. should_skip_vma walks anon VMAs when swap is possible and file VMAs whose mapping
 * can read_folio; both kinds here qualify.)
 *
 * Simplification: every page is mapped by at most one PTE (no sharing, no THP), so the folio is named by its slot.
 * Three kinds of range: anon VMAs (heaps, guest RAM), file VMAs (mmap'd files: code, fonts, resources, accessed
 * through page tables), and page-cache ranges with no mapping at all (files read with read(), accessed through file
 * descriptors): the latter are not VMAs in the kernel, so walks never visit them and they never have a PTE.
 * An mm with notifiers (mm_has_notifiers) carries a secondary MMU: KVM's SPTEs for the VMM's guest-memory VMA.
 */
import { PTRS_PER_PTE } from "./constants";

/** The secondary-MMU side of include/linux/mmu_notifier.h that aging reaches (KVM implements it). */
export interface SecondaryMmu {
  /** mmu_notifier_clear_young for one page: test and clear the secondary A bit, no TLB flush. */
  clear_young(slot: number): boolean;
  /** mmu_notifier_clear_flush_young for one page: the same, flushing the secondary TLB if it was young. */
  clear_flush_young(slot: number): boolean;
  /** mmu_notifier_invalidate_range_start for one page (try_to_unmap before swap-out): drop the secondary mapping. */
  invalidate(slot: number): void;
}

export interface MmStruct {
  readonly id: number;
  readonly name: string;
  /** The secondary MMU registered on this mm (KVM on the VMM), or null: mm_has_notifiers(mm) is its presence. */
  readonly notifier: SecondaryMmu | null;
  /** VMA ids, in address order. */
  readonly vmas: number[];
  /**
   * mm->lru_gen.bitmap: set when the mm's threads ran since the last walk (lru_gen_switch_mm on context switch);
   * iterate_mm_list skips an mm that has not run (should_skip_mm).
   */
  ranSinceWalk: boolean;
  /** Resident pages (get_mm_counter MM_ANONPAGES + MM_SHMEMPAGES): should_skip_mm skips an mm below MIN_LRU_BATCH. */
  rss: number;
}

/** What backs a range: anonymous memory, a mapped file, or page cache reached only through read(). */
export type VmaKind = "anon" | "file" | "pagecache";

export interface Vma {
  readonly id: number;
  readonly mm: number;
  readonly kind: VmaKind;
  /** First slot. */
  readonly start: number;
  /** One past the last slot. */
  readonly end: number;
}

export class AddressSpace {
  readonly mms: MmStruct[] = [];
  readonly vmas: Vma[] = [];
  /** Slots allocated so far (always a multiple of PTRS_PER_PTE once a VMA is added). */
  private used = 0;
  /** pte_present per slot. */
  present: Uint8Array;
  /** pte_young (the host Accessed bit) per slot. */
  young: Uint8Array;
  /** The VMA a slot belongs to, -1 for a hole (pte_none past a VMA's end inside its last table). */
  vmaOf: Int32Array;

  constructor(capacitySlots: number) {
    this.present = new Uint8Array(capacitySlots);
    this.young = new Uint8Array(capacitySlots);
    this.vmaOf = new Int32Array(capacitySlots).fill(-1);
  }

  /** Slots in use (the index space of every per-page column). */
  get slots(): number {
    return this.used;
  }

  /** Number of PTE tables in use. */
  get tables(): number {
    return this.used / PTRS_PER_PTE;
  }

  addMm(name: string, notifier: SecondaryMmu | null = null): MmStruct {
    const mm: MmStruct = { id: this.mms.length, name, notifier, vmas: [], ranSinceWalk: true, rss: 0 };
    this.mms.push(mm);
    return mm;
  }

  /**
   * Maps a VMA of `pages` pages at the next PTE-table boundary (all PTEs start not present). Kind "pagecache"
   * reserves folio slots for a file's unmapped page cache (no PTE will ever be installed there).
   */
  addVma(mm: MmStruct, pages: number, kind: VmaKind = "anon"): Vma {
    if (!(pages >= 1) || !Number.isInteger(pages))
      throw new RangeError(`addVma: pages must be a positive integer, got ${pages}`);
    const start = this.used;
    const end = start + pages;
    const tablesNeeded = Math.ceil(pages / PTRS_PER_PTE);
    const next = start + tablesNeeded * PTRS_PER_PTE;
    if (next > this.vmaOf.length)
      throw new RangeError(`addVma: ${next} slots exceed the capacity ${this.vmaOf.length}`);
    const vma: Vma = { id: this.vmas.length, mm: mm.id, kind, start, end };
    this.vmas.push(vma);
    mm.vmas.push(vma.id);
    this.vmaOf.fill(vma.id, start, end);
    this.used = next;
    return vma;
  }

  /** The kind of range a slot belongs to. */
  kindOf(slot: number): VmaKind {
    return this.vmas[this.vmaOf[slot]].kind;
  }

  /**
   * Installs the PTE at a fault (do_anonymous_page, do_swap_page, shmem_fault). New user PTEs are born young: x86's
   * and arm64's user protections include _PAGE_ACCESSED / PTE_AF.
   */
  mapPte(slot: number): void {
    if (this.present[slot] === 1) return;
    this.present[slot] = 1;
    this.young[slot] = 1;
    this.mmOf(slot).rss++;
  }

  /** try_to_unmap for swap-out: the PTE becomes a swap entry (not present, no A bit). */
  unmapPte(slot: number): void {
    if (this.present[slot] === 0) return;
    this.present[slot] = 0;
    this.young[slot] = 0;
    this.mmOf(slot).rss--;
  }

  /** The mm that maps a slot. */
  mmOf(slot: number): MmStruct {
    return this.mms[this.vmas[this.vmaOf[slot]].mm];
  }

  /** Slots needed for VMAs of the given sizes, each rounded up to whole PTE tables. */
  static slotsFor(vmaPages: ArrayLike<number>): number {
    let n = 0;
    for (let i = 0; i < vmaPages.length; i++) n += Math.ceil(vmaPages[i] / PTRS_PER_PTE) * PTRS_PER_PTE;
    return n;
  }
}
