/**
 * MMU-notifier call sites: how the primary MMU tells secondary MMUs (KVM, device TLBs such as SGI's GRU) that
 * translations are going away.
 *
 * Follows mm/mmu_notifier.c read at torvalds/linux @0980bd9cd32d (a 2.6.32-era copy: __mmu_notifier_invalidate_page,
 * __mmu_notifier_invalidate_range_start/_end, each calling every registered mmu_notifier whose op is non-NULL, under
 * rcu_read_lock); the 5.5+ form is cited in mmu-interval-notifier.ts (@c2818c9a). The callback set across versions is
 * in ../shared/reference/mechanisms-notifiers-vma-rcu.md:
 * - invalidate_range_start / invalidate_range_end (merged in 2.6.27, still the main pair in 6.x): bracket an
 *   unmap; `__mmu_notifier_invalidate_range_start()` calls every subscription that registers the op.
 * - invalidate_page (2.6.27 to 4.12): one address, called per cleared PTE; removed by Jérôme Glisse in 2017.
 * - invalidate_pages (Andrea Arcangeli's #v5, never merged): once per page-table page on zap.
 * - invalidate_range (about 3.19 to 6.5; `arch_invalidate_secondary_tlbs` since 6.6): for secondary TLBs that
 *   share the CPU page tables; called from tlb_flush_mmu_tlbonly() at every mmu_gather flush, before pages are freed
 *   (since 6.6 from the arch TLB flush instead; see mmu-gather-pages.ts).
 * Subscribers are called in registration order; the kernel adds each with hlist_add_head, so it calls the newest
 * first (irrelevant with one subscriber, the usual case here).
 *
 * Addresses are page indexes within the mapping (4 KiB pages): a range is [start, end).
 */
import type { Process, Yielded } from "../../sim/process";
import type { Simulation } from "../../sim/simulation";

/** The callbacks a driver may register (members of struct mmu_notifier_ops; a NULL member is an op not listed). */
export type NotifierOp =
  "invalidate_range_start" | "invalidate_range_end" | "invalidate_range" | "invalidate_page" | "invalidate_pages";

export const NOTIFIER_OPS: readonly NotifierOp[] = [
  "invalidate_range_start",
  "invalidate_range_end",
  "invalidate_range",
  "invalidate_page",
  "invalidate_pages",
];

/** What a callback body yields: delays, lock operations, events. */
export type NotifierBody = Generator<Yielded, void, unknown>;

/** One registered secondary MMU: a struct mmu_notifier with its ops. */
export interface MmuNotifierSubscriber {
  readonly name: string;
  /** The ops this driver registers; the call sites skip the others, as the kernel skips NULL members. */
  readonly ops: ReadonlySet<NotifierOp>;
  /** Runs one callback on pages [start, end) (for invalidate_page, end = start + 1). */
  callout(op: NotifierOp, task: Process<any>, start: number, end: number): NotifierBody;
  /**
   * Uncontended time of one callback covering `pages` pages, ns. Scaled runs (an event per page-table-lock section,
   * not per PTE) add these up instead of stepping through each call; it must equal what `callout` spends when
   * nothing contends.
   */
  calloutNs(op: NotifierOp, pages: number): number;
}

/** mm->notifier_subscriptions: the registered subscribers, and counts of what the call sites did. */
export class MmuNotifierSubscriptions {
  readonly subscribers: MmuNotifierSubscriber[] = [];
  /** Callbacks that reached a driver. */
  callouts = 0;
  /** Time spent inside driver callbacks (including their lock waits), ns. */
  calloutTimeNs = 0;
  /** Callbacks per op. */
  readonly calloutsByOp: Record<NotifierOp, number> = {
    invalidate_range_start: 0,
    invalidate_range_end: 0,
    invalidate_range: 0,
    invalidate_page: 0,
    invalidate_pages: 0,
  };

  constructor(readonly sim: Simulation) {}

  /** mmu_notifier_register(). */
  register(sub: MmuNotifierSubscriber): void {
    this.subscribers.push(sub);
  }

  /** True when some subscriber registers `op` (mm_has_notifiers() and a non-NULL member). */
  has(op: NotifierOp): boolean {
    for (const s of this.subscribers) if (s.ops.has(op)) return true;
    return false;
  }

  /** Calls `op` on every subscriber that registers it, in registration order. */
  *call(op: NotifierOp, task: Process<any>, start: number, end: number): NotifierBody {
    for (const s of this.subscribers) {
      if (!s.ops.has(op)) continue;
      this.callouts++;
      this.calloutsByOp[op]++;
      const t0 = this.sim.now;
      if (this.sim.trace) this.sim.record(task.name, op, `${s.name} [${start},${end})`);
      yield* s.callout(op, task, start, end);
      this.calloutTimeNs += this.sim.now - t0;
    }
  }

  /**
   * The scaled form of `calls` successive calls of `op`, each covering `pagesPerCall` pages: counts them and returns
   * their total uncontended time, ns, for the caller to spend in one step.
   */
  scaled(op: NotifierOp, calls: number, pagesPerCall: number): number {
    let ns = 0;
    for (const s of this.subscribers) {
      if (!s.ops.has(op)) continue;
      this.callouts += calls;
      this.calloutsByOp[op] += calls;
      ns += calls * s.calloutNs(op, pagesPerCall);
    }
    this.calloutTimeNs += ns;
    return ns;
  }

  /** mmu_notifier_invalidate_range_start(). */
  invalidate_range_start(task: Process<any>, start: number, end: number): NotifierBody {
    return this.call("invalidate_range_start", task, start, end);
  }

  /** mmu_notifier_invalidate_range_end(). */
  invalidate_range_end(task: Process<any>, start: number, end: number): NotifierBody {
    return this.call("invalidate_range_end", task, start, end);
  }

  /** mmu_notifier_invalidate_range() (arch_invalidate_secondary_tlbs() since 6.6). */
  invalidate_range(task: Process<any>, start: number, end: number): NotifierBody {
    return this.call("invalidate_range", task, start, end);
  }

  /** mmu_notifier_invalidate_page() (2.6.27 to 4.12). */
  invalidate_page(task: Process<any>, addr: number): NotifierBody {
    return this.call("invalidate_page", task, addr, addr + 1);
  }

  /** Andrea Arcangeli's #v5 invalidate_pages(), once per page-table page on zap. */
  invalidate_pages(task: Process<any>, start: number, end: number): NotifierBody {
    return this.call("invalidate_pages", task, start, end);
  }
}
