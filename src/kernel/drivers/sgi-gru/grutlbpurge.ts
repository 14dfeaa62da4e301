/**
 * The SGI GRU's MMU-notifier side: drivers/misc/sgi-gru/grutlbpurge.c, read at torvalds/linux @1913c7f3 (a 5.x/6.x
 * copy: gru_mmuops has only invalidate_range_start/end; 2.6.28's invalidate_page op left in 4.13), functions
 * gru_flush_tlb_range(), gru_invalidate_range_start(), gru_invalidate_range_end().
 *
 * The GRU keeps no page references: its TLB is filled on demand from the Linux page tables (grufault.c), so every
 * invalidation must purge the device TLB before the page can be freed.
 * - gru_flush_tlb_range(gms, start, len): num = min(pages, GRUMAXINVAL); under ms_asid_lock, for each GRU in
 *   ms_asidmap: ONE tgh_invalidate(tgh, start, ~0, asid, grupagesize, 0, num - 1, ctxbitmap) when the ASID has active
 *   contexts, else the ASID is dropped (mt_asid = 0: the next load takes a fresh ASID, a full flush). So a call costs
 *   one TGH invalidate per GRU whatever the range's size ("normally a few usec", the file's comment), not
 *   ceil(pages / 1024) (the mechanisms file's arithmetic, which this model followed before: review D9). The model has
 *   one GRU with a loaded, active context; its device TLB (SecondaryTlb) loses the whole range. Whether one TGH with num
 *   capped at 1024 reaches entries past the first 1024 pages is the hardware's business (the source does not say).
 * - gru_invalidate_range_start(): atomic_inc(&gms->ms_range_active), then flush the range.
 * - gru_invalidate_range_end(): atomic_dec_and_test(&gms->ms_range_active), wake_up_all(&gms->ms_wait_queue).
 * - gru_invalidate_page() (2.6.28 to 4.12): flush one page.
 *
 * Variants the experiments need, each a choice of registered ops and of whether the active count holds fills off:
 * `holdOff` false gives "flush at start" (fills not held off); registering only invalidate_range gives a device
 * that relies on the per-flush call under the PT lock; invalidate_pages is Andrea Arcangeli's #v5 per-PT call.
 */
import type { Process } from "../../../sim/process";
import type { SimEvent } from "../../../sim/events";
import type { Simulation } from "../../../sim/simulation";
import type { MmuNotifierSubscriber, NotifierBody, NotifierOp } from "../../mm/mmu-notifier";
import type { SecondaryTlb } from "../../mm/secondary-tlb";

/** gru_flush_tlb_range()'s cap on a TGH invalidate's page count, num = min(pages, GRUMAXINVAL) (grutables.h). */
export const GRUMAXINVAL = 1024;

export interface GruOptions {
  /** The ops this driver build registers. */
  ops: readonly NotifierOp[];
  /** ms_range_active holds dropins off between range_start and range_end. */
  holdOff: boolean;
  /** One TGH invalidate, ns. */
  invalidateNs: number;
  /** The device TLB, or null when only costs matter. */
  tlb: SecondaryTlb | null;
}

/** struct gru_mm_struct: the GRU's per-mm notifier state. */
export class GruMmStruct implements MmuNotifierSubscriber {
  readonly name: string;
  readonly ops: ReadonlySet<NotifierOp>;
  /** gms->ms_range_active: invalidations between start and end. */
  ms_range_active = 0;
  /** TGH invalidates issued. */
  tghInvalidates = 0;
  private waitQueue: SimEvent<void> | null = null;

  constructor(
    readonly sim: Simulation,
    name: string,
    readonly options: GruOptions,
  ) {
    this.name = name;
    this.ops = new Set(options.ops);
  }

  get holdOff(): boolean {
    return this.options.holdOff;
  }

  /** TGH invalidates one gru_flush_tlb_range() call over `pages` pages issues: one per GRU (the model has one). */
  static invalidatesFor(pages: number): number {
    return pages > 0 ? 1 : 0;
  }

  calloutNs(op: NotifierOp, pages: number): number {
    return op === "invalidate_range_end" ? 0 : GruMmStruct.invalidatesFor(pages) * this.options.invalidateNs;
  }

  callout(op: NotifierOp, task: Process<any>, start: number, end: number): NotifierBody {
    switch (op) {
      case "invalidate_range_start":
        return this.gru_invalidate_range_start(task, start, end);
      case "invalidate_range_end":
        return this.gru_invalidate_range_end(task, start, end);
      case "invalidate_page":
      case "invalidate_pages":
      case "invalidate_range":
        return this.gru_flush_tlb_range(task, start, end);
    }
  }

  /** gru_flush_tlb_range(): purge [start, end) from the device TLB; the TGH invalidates take their time. */
  *gru_flush_tlb_range(task: Process<any>, start: number, end: number): NotifierBody {
    const n = GruMmStruct.invalidatesFor(end - start);
    this.tghInvalidates += n;
    this.options.tlb?.invalidateRange(start, end);
    if (this.sim.trace) this.sim.record(task.name, "gru_flush_tlb_range", `[${start},${end})`);
    yield n * this.options.invalidateNs;
  }

  *gru_invalidate_range_start(task: Process<any>, start: number, end: number): NotifierBody {
    if (this.options.holdOff) this.ms_range_active++;
    yield* this.gru_flush_tlb_range(task, start, end);
  }

  // eslint-disable-next-line require-yield -- a notifier callback body; the GRU's end does not sleep
  *gru_invalidate_range_end(_task: Process<any>, _start: number, _end: number): NotifierBody {
    if (this.options.holdOff) {
      this.ms_range_active--;
      if (this.ms_range_active < 0)
        throw new Error(`${this.name}: ms_range_active went negative at t=${this.sim.now} ns`);
      this.wake_up_all();
    }
  }

  /** The event a dropin waits on: wait_event(gms->ms_wait_queue, ms_range_active == 0) re-checks after it fires. */
  ms_wait_queue(): SimEvent<void> {
    return (this.waitQueue ??= this.sim.event<void>(`${this.name} ms_wait_queue`));
  }

  private wake_up_all(): void {
    const q = this.waitQueue;
    this.waitQueue = null;
    q?.succeed();
  }
}
