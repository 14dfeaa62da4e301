/**
 * A device that mirrors the process's page table through an interval notifier, as amdgpu (amdgpu_hmm.c), nouveau
 * (nouveau_svm.c) and the HMM test driver do: Documentation/mm/hmm.rst read at torvalds/linux @12117083
 * ("Address space mirroring implementation and API": mmu_interval_notifier_insert, ops->invalidate, the
 * driver_populate_range pattern), with mm/mmu_notifier.c @c2818c9a for the sequence (see
 * ../mm/mmu-interval-notifier.ts).
 * - invalidate (the driver's mmu_interval_notifier_ops->invalidate): take driver->update (a mutex in amdgpu and
 *   nouveau), mmu_interval_set_seq(sub, cur_seq), remove the range from the device page table and wait for the
 *   device ("The device must complete the update before the driver callback returns"), release.
 * - fill (driver_populate_range): seq = mmu_interval_read_begin(); hmm_range_fault() walks the CPU page table
 *   (a pte_none entry goes through handle_mm_fault, then the walk repeats unless mmu_interval_check_retry() says the
 *   range was invalidated meanwhile: -EBUSY, start again); take driver->update; if mmu_interval_read_retry(), release
 *   and start again; else program the device page table and release.
 * The hmm.rst copy read is newer than 6.6: hmm_range_fault_unlocked_timeout() does the read_begin inside and takes
 * mmap_read_lock itself; 5.5-6.x callers call mmu_interval_read_begin() and take mmap_read_lock around
 * hmm_range_fault(). Neither changes the protocol; mmap_lock is not modelled here (MADV_DONTNEED holds it for read,
 * like the fill). The device TLB is not drained by hardware (drainOnFlush false): the protocol closes the race alone.
 */
import { Rwsem } from "../locking/rwsem";
import type { Process, Yielded } from "../../sim/process";
import type { Simulation } from "../../sim/simulation";
import {
  mmu_interval_check_retry,
  mmu_interval_read_begin,
  mmu_interval_read_retry,
  mmu_interval_set_seq,
  type MmuIntervalNotifier,
  type MmuIntervalSubscriptions,
} from "../mm/mmu-interval-notifier";
import type { NotifierBody } from "../mm/mmu-notifier";
import type { SecondaryFaultContext } from "../mm/secondary-fault";
import type { SecondaryTlb } from "../mm/secondary-tlb";

export interface HmmMirrorOptions {
  /** Removing a range from the device page table and waiting for the device, ns (one per invalidate). */
  invalidateNs: number;
  /** The device page table. */
  tlb: SecondaryTlb;
}

/** The driver's per-mm state: its interval subscription over the whole mapping and driver->update. */
export class HmmMirror {
  readonly sub: MmuIntervalNotifier;
  /** driver->update: a sleeping lock held by invalidate and by the fill's check-and-program step. */
  readonly update: Rwsem;
  /** Invalidate callbacks run. */
  invalidates = 0;

  constructor(
    readonly sim: Simulation,
    subscriptions: MmuIntervalSubscriptions,
    pages: number,
    readonly options: HmmMirrorOptions,
  ) {
    this.update = new Rwsem(sim, "driver->update");
    this.sub = subscriptions.mmu_interval_notifier_insert("hmm mirror", 0, pages, {
      invalidate: (sub, task, start, end, curSeq) => this.invalidate(sub, task, start, end, curSeq),
      invalidateNs: () => options.invalidateNs,
    });
  }

  /** ops->invalidate(): under driver->update, set the seq, then remove the range from the device and wait for it. */
  *invalidate(sub: MmuIntervalNotifier, task: Process<any>, start: number, end: number, curSeq: number): NotifierBody {
    yield this.update.down_write(task);
    mmu_interval_set_seq(sub, curSeq);
    this.invalidates++;
    this.options.tlb.invalidateRange(start, end);
    if (this.sim.trace) this.sim.record(task.name, "mirror_invalidate", `[${start},${end}) seq${curSeq}`);
    if (this.options.invalidateNs > 0) yield this.options.invalidateNs;
    yield this.update.up_write(task);
  }
}

export interface HmmMirrorFaultContext extends SecondaryFaultContext {
  mirror: HmmMirror;
  tlb: SecondaryTlb;
}

/** driver_populate_range() for a device miss at page index `addr`: returns once the device page table maps it. */
export function* hmm_mirror_fault(
  ctx: HmmMirrorFaultContext,
  task: Process<any>,
  addr: number,
): Generator<Yielded, void, unknown> {
  const { mirror, tlb, mm, timing, stats } = ctx;
  const sim = mm.sim;
  const sub = mirror.sub;
  const t0 = sim.now;
  stats.faults++;
  if (sim.trace) sim.record(task.name, "miss", `${addr}`);
  yield timing.preWalkNs;
  again: for (;;) {
    const waitsBefore = sub.subscriptions.readBeginWaits;
    const seq = yield* mmu_interval_read_begin(sub, task);
    if (sub.subscriptions.readBeginWaits !== waitsBefore) {
      stats.retries++;
      stats.heldOff++;
    }
    // hmm_range_fault(): walk; a pte_none entry is faulted in and walked again unless the range was invalidated.
    let page = mm.pte[addr];
    while (page === 0) {
      stats.cpuFaults++;
      if (sim.trace) sim.record(task.name, "pte_none", `${addr}`);
      yield* mm.handle_mm_fault(task, addr, timing.cpuFaultNs);
      if (mmu_interval_check_retry(sub, seq)) {
        stats.retries++;
        if (sim.trace) sim.record(task.name, "EBUSY", `${addr}`);
        continue again;
      }
      page = mm.pte[addr];
    }
    if (sim.trace) sim.record(task.name, "walk", `${addr}=p${page} seq${seq}`);
    yield timing.walkToInsertNs;
    yield mirror.update.down_write(task);
    if (mmu_interval_read_retry(sub, seq)) {
      yield mirror.update.up_write(task);
      stats.retries++;
      if (sim.trace) sim.record(task.name, "read_retry", `${addr}`);
      continue;
    }
    tlb.insert(addr, page);
    if (sim.trace) sim.record(task.name, "program_device", `${addr}=p${page}`);
    mm.checkInsert(tlb, addr, page);
    yield mirror.update.up_write(task);
    break;
  }
  stats.latencyNs.record(sim.now - t0);
}
