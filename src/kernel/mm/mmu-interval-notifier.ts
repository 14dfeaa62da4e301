/**
 * Interval-tree MMU notifiers: the collision-retry scheme amdgpu, nouveau, RDMA ODP and every HMM mirror use to keep a
 * device page table in step with the CPU's. mm/mmu_notifier.c read at torvalds/linux @c2818c9a (5.5+: Jason
 * Gunthorpe's "mm/mmu_notifier: add an interval tree notifier"), functions mn_itree_inv_start_range(),
 * mn_itree_invalidate(), mn_itree_inv_end(), mmu_interval_read_begin(), __mmu_interval_notifier_insert(); the
 * inline helpers mmu_interval_set_seq() / mmu_interval_read_retry() as that file's read_begin comment states them
 * (the stored include/linux/mmu_notifier.h, @94bd217e, predates them).
 * - notifier_subscriptions->invalidate_seq starts at 2 (even: idle); mn_itree_inv_start_range(): under the lock,
 *   active_invalidate_ranges++ and, when some subscription overlaps the range, invalidate_seq |= 1 (odd: writing);
 *   cur_seq = invalidate_seq. mn_itree_invalidate() then calls each overlapping subscription's ops->invalidate(sub,
 *   range, cur_seq): the driver takes its user_lock, mmu_interval_set_seq(sub, cur_seq), and "must complete the
 *   update before the driver callback returns" (Documentation/mm/hmm.rst, torvalds/linux @12117083).
 * - mn_itree_inv_end(): --active_invalidate_ranges; the last one out, if writing, does invalidate_seq++ (even) and
 *   wake_up_all(&subscriptions->wq). Called from __mmu_notifier_invalidate_range_end() before the hlist ops.
 * - mmu_interval_read_begin(sub): seq = sub->invalidate_seq; if seq == subscriptions->invalidate_seq (an
 *   invalidation of this subscription is in progress) wait_event(wq, invalidate_seq != seq); return seq.
 * - mmu_interval_read_retry(sub, seq), under the user_lock: sub->invalidate_seq != seq. The fill path is read_begin,
 *   walk (hmm_range_fault), take the user_lock, read_retry, program the device, unlock (hmm.rst's
 *   driver_populate_range): an invalidation that started after read_begin either set a new seq before the fill took
 *   the lock (retry) or waits for the lock and then removes what the fill installed.
 * Not modelled: non-blockable ranges (mutex_trylock, -EAGAIN), the deferred insert/remove list, seq wrap.
 */
import type { Process, Yielded } from "../../sim/process";
import type { SimEvent } from "../../sim/events";
import type { Simulation } from "../../sim/simulation";
import type { MmuNotifierSubscriber, NotifierBody, NotifierOp } from "./mmu-notifier";

/** struct mmu_interval_notifier_ops: the driver's invalidate and what it costs uncontended. */
export interface MmuIntervalNotifierOps {
  /** ops->invalidate(interval_sub, range, cur_seq) over pages [start, end); must call mmu_interval_set_seq(). */
  invalidate(sub: MmuIntervalNotifier, task: Process<any>, start: number, end: number, curSeq: number): NotifierBody;
  /** Uncontended time of one invalidate over `pages` pages, ns (for scaled runs). */
  invalidateNs(pages: number): number;
}

/** struct mmu_interval_notifier: one subscription to the pages [start, last]. */
export class MmuIntervalNotifier {
  /** interval_sub->invalidate_seq: odd, set by the driver's invalidate to the invalidation's cur_seq. */
  invalidate_seq = 0;

  constructor(
    readonly subscriptions: MmuIntervalSubscriptions,
    readonly name: string,
    /** First page index covered. */
    readonly start: number,
    /** Last page index covered (inclusive, as the interval tree stores it). */
    readonly last: number,
    readonly ops: MmuIntervalNotifierOps,
  ) {}

  overlaps(start: number, end: number): boolean {
    return this.start <= end - 1 && start <= this.last;
  }
}

/**
 * The interval-tree half of struct mmu_notifier_subscriptions (has_itree). Registered as one subscriber of the mm's
 * MmuNotifierSubscriptions, first, as __mmu_notifier_invalidate_range_start() runs mn_itree_invalidate() before the
 * hlist subscribers and __mmu_notifier_invalidate_range_end() runs mn_itree_inv_end() before theirs.
 */
export class MmuIntervalSubscriptions implements MmuNotifierSubscriber {
  readonly name = "itree";
  readonly ops: ReadonlySet<NotifierOp> = new Set<NotifierOp>(["invalidate_range_start", "invalidate_range_end"]);
  /** subscriptions->invalidate_seq: even when idle, odd while an invalidation overlapping a subscription runs. */
  invalidate_seq = 2;
  active_invalidate_ranges = 0;
  readonly itree: MmuIntervalNotifier[] = [];
  /** read_begin calls that slept on the wait queue. */
  readBeginWaits = 0;
  private wq: SimEvent<void> | null = null;

  constructor(readonly sim: Simulation) {}

  /** mmu_interval_notifier_insert() outside any invalidation: the subscription's seq starts at invalidate_seq - 1. */
  mmu_interval_notifier_insert(name: string, start: number, length: number, ops: MmuIntervalNotifierOps) {
    if (this.active_invalidate_ranges > 0)
      throw new Error(`${name}: insert during an invalidation (the deferred list) is not modelled`);
    const sub = new MmuIntervalNotifier(this, name, start, start + length - 1, ops);
    sub.invalidate_seq = this.invalidate_seq - 1;
    this.itree.push(sub);
    return sub;
  }

  mn_itree_is_invalidating(): boolean {
    return (this.invalidate_seq & 1) === 1;
  }

  /** mn_itree_inv_start_range(): returns cur_seq and the overlapping subscriptions. */
  mn_itree_inv_start_range(start: number, end: number): { curSeq: number; subs: MmuIntervalNotifier[] } {
    this.active_invalidate_ranges++;
    const subs = this.itree.filter((s) => s.overlaps(start, end));
    if (subs.length > 0) this.invalidate_seq |= 1;
    return { curSeq: this.invalidate_seq, subs };
  }

  /** mn_itree_invalidate(): every overlapping subscription's invalidate, with cur_seq. */
  *mn_itree_invalidate(task: Process<any>, start: number, end: number): NotifierBody {
    const { curSeq, subs } = this.mn_itree_inv_start_range(start, end);
    if (this.sim.trace) this.sim.record(task.name, "mn_itree_inv_start_range", `seq${curSeq}`);
    for (const sub of subs) yield* sub.ops.invalidate(sub, task, start, end, curSeq);
  }

  /** mn_itree_inv_end(): the last invalidation out makes the seq even and wakes read_begin's sleepers. */
  mn_itree_inv_end(task: Process<any>): void {
    this.active_invalidate_ranges--;
    if (this.active_invalidate_ranges < 0)
      throw new Error(`itree: active_invalidate_ranges went negative at t=${this.sim.now} ns`);
    if (this.active_invalidate_ranges > 0 || !this.mn_itree_is_invalidating()) return;
    this.invalidate_seq++;
    if (this.sim.trace) this.sim.record(task.name, "mn_itree_inv_end", `seq${this.invalidate_seq}`);
    const q = this.wq;
    this.wq = null;
    q?.succeed();
  }

  callout(op: NotifierOp, task: Process<any>, start: number, end: number): NotifierBody {
    if (op === "invalidate_range_start") return this.mn_itree_invalidate(task, start, end);
    return this.invEndBody(task);
  }

  calloutNs(op: NotifierOp, pages: number): number {
    if (op !== "invalidate_range_start") return 0;
    let ns = 0;
    for (const s of this.itree) ns += s.ops.invalidateNs(pages);
    return ns;
  }

  /** The event read_begin sleeps on: wait_event(subscriptions->wq, ...) re-checks after it fires. */
  waitQueue(): SimEvent<void> {
    return (this.wq ??= this.sim.event<void>("itree wq"));
  }

  // eslint-disable-next-line require-yield -- a notifier callback body; inv_end does not sleep
  private *invEndBody(task: Process<any>): NotifierBody {
    this.mn_itree_inv_end(task);
  }
}

/**
 * mmu_interval_read_begin(): the caller yields* it; sleeps while an invalidation of `sub` is in progress. `task`
 * only names the sleeper in the trace.
 */
export function* mmu_interval_read_begin(
  sub: MmuIntervalNotifier,
  task?: Process<any>,
): Generator<Yielded, number, unknown> {
  const subs = sub.subscriptions;
  const seq = sub.invalidate_seq;
  if (seq === subs.invalidate_seq) {
    subs.readBeginWaits++;
    if (subs.sim.trace && task) subs.sim.record(task.name, "read_begin_wait", `seq${seq}`);
    while (subs.invalidate_seq === seq) yield subs.waitQueue();
  }
  return seq;
}

/** mmu_interval_set_seq(): the driver's invalidate, under its user_lock. */
export function mmu_interval_set_seq(sub: MmuIntervalNotifier, curSeq: number): void {
  sub.invalidate_seq = curSeq;
}

/** mmu_interval_read_retry(): under the user_lock, true when an invalidation collided with the read section. */
export function mmu_interval_read_retry(sub: MmuIntervalNotifier, seq: number): boolean {
  return sub.invalidate_seq !== seq;
}

/** mmu_interval_check_retry(): the same test without the lock (hmm_range_fault's early exit, -EBUSY). */
export function mmu_interval_check_retry(sub: MmuIntervalNotifier, seq: number): boolean {
  return sub.invalidate_seq !== seq;
}
