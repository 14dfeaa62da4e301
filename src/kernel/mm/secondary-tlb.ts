/**
 * The translations a secondary MMU holds for one mm: a device TLB (the GRU's, filled on demand from the Linux page
 * tables) or KVM's shadow/TDP page table (sptes). Keyed by page index within the mapping; each entry records which
 * page (by id) the translation points at, so a translation that outlives its page can be recognised.
 * Follows no single kernel file: it is the device-side state that the driver models fill and purge (the GRU's
 * drivers/misc/sgi-gru/grufault.c @07c7b547 and grutlbpurge.c @1913c7f3 at torvalds/linux, cited in full in
 * ../drivers/sgi-gru/; KVM's in ../kvm/).
 *
 * A device TLB has a finite number of entries; a fill into a full TLB evicts a random victim (hardware TLBs use
 * pseudo-random or not-recently-used replacement; which one does not matter for the race). KVM's sptes are a page
 * table, modelled as a TLB as large as the mapping.
 *
 * Fills in flight: a fill reads the PTE, then inserts some time later. `drainOnFlush` says what an invalidation
 * does to fills in flight in its range: with it, they are dropped and must walk again (the guarantee PCIe ATS
 * invalidation-completion gives, and that a driver gets by running its check, walk and insert under the lock its
 * invalidate takes: Christoph Lameter's rw-spinlock proposal); without it, such a fill inserts what it read before
 * the flush.
 */
import type { RandomStream } from "../../sim/random";

/** A fill between its page-table walk and its insert. */
export interface FillInFlight {
  readonly addr: number;
  /** Set when an invalidation covering `addr` ran while the fill was in flight (with drainOnFlush). */
  aborted: boolean;
}

export class SecondaryTlb {
  /** Slot holding each page index's translation, or -1. */
  private readonly slotOf: Int32Array;
  private readonly slotAddr: Int32Array;
  private readonly slotPage: Int32Array;
  private used = 0;
  private readonly inFlight: FillInFlight[] = [];
  /** Translations inserted, and removed by invalidations or evictions. */
  inserts = 0;
  invalidated = 0;
  evictions = 0;

  constructor(
    readonly name: string,
    /** Pages in the mapping (valid page indexes are 0..pages-1). */
    readonly pages: number,
    /** Entries the TLB holds. */
    readonly capacity: number,
    private readonly victim: RandomStream,
    readonly drainOnFlush: boolean,
  ) {
    if (!(capacity >= 1)) throw new RangeError(`${name}: capacity must be >= 1, got ${capacity}`);
    this.slotOf = new Int32Array(pages).fill(-1);
    this.slotAddr = new Int32Array(capacity);
    this.slotPage = new Int32Array(capacity);
  }

  /** Entries in use. */
  get size(): number {
    return this.used;
  }

  /** The page id the TLB translates `addr` to, or 0 when it holds no translation for it. */
  lookup(addr: number): number {
    const s = this.slotOf[addr];
    return s < 0 ? 0 : this.slotPage[s];
  }

  /** Caches addr -> page, evicting a random entry when full. */
  insert(addr: number, page: number): void {
    this.inserts++;
    let s = this.slotOf[addr];
    if (s < 0) {
      if (this.used < this.capacity) {
        s = this.used++;
      } else {
        s = this.victim.integer(this.capacity);
        this.slotOf[this.slotAddr[s]] = -1;
        this.evictions++;
      }
      this.slotOf[addr] = s;
      this.slotAddr[s] = addr;
    }
    this.slotPage[s] = page;
  }

  /** Drops every translation in [start, end) and, with drainOnFlush, every fill in flight there; returns how many entries went. */
  invalidateRange(start: number, end: number): number {
    let n = 0;
    if (end - start <= this.used) {
      for (let a = start; a < end; a++) if (this.slotOf[a] >= 0) n += this.remove(a);
    } else {
      for (let s = this.used - 1; s >= 0; s--) {
        const a = this.slotAddr[s];
        if (a >= start && a < end) n += this.remove(a);
      }
    }
    this.invalidated += n;
    if (this.drainOnFlush) for (const f of this.inFlight) if (f.addr >= start && f.addr < end) f.aborted = true;
    return n;
  }

  /** A fill is about to walk the page table for `addr`; call endFill() when it inserts or gives up. */
  beginFill(addr: number): FillInFlight {
    const f: FillInFlight = { addr, aborted: false };
    this.inFlight.push(f);
    return f;
  }

  endFill(f: FillInFlight): void {
    const i = this.inFlight.indexOf(f);
    if (i >= 0) {
      this.inFlight[i] = this.inFlight[this.inFlight.length - 1];
      this.inFlight.pop();
    }
  }

  /** Fills between walk and insert now. */
  get fillsInFlight(): number {
    return this.inFlight.length;
  }

  /** Removes addr's entry, moving the last slot into the hole so slots 0..used-1 stay dense. */
  private remove(addr: number): number {
    const s = this.slotOf[addr];
    if (s < 0) return 0;
    const last = --this.used;
    if (s !== last) {
      const a = this.slotAddr[last];
      this.slotAddr[s] = a;
      this.slotPage[s] = this.slotPage[last];
      this.slotOf[a] = s;
    }
    this.slotOf[addr] = -1;
    return 1;
  }
}
