/**
 * The GRU's TLB fill: drivers/misc/sgi-gru/grufault.c, read at torvalds/linux @07c7b547 (gru_try_dropin,
 * gru_user_dropin, gru_intr; the 2.6.28 copy looks up with find_vma + atomic_pte_lookup where this one calls gru_vtop).
 *
 * gru_try_dropin(): after rmb() "TFH must be cache resident before reading ms_range_active", if an invalidation is
 * active (atomic_read(&gts->ts_gms->ms_range_active)) the dropin fails ("failactive")
 * and gru_user_dropin() sleeps in wait_event(gms->ms_wait_queue, ms_range_active == 0) before trying again;
 * otherwise gru_vtop() walks the Linux page table without locks (atomic_pte_lookup(), like GUP-fast) and
 * tfh_write_restart() loads the translation into the TLB. A pte_none PTE goes to the CPU fault path (we send it
 * through handle_mm_fault and walk again; the driver fails the dropin and the user's retry faults the page in).
 *
 * The hold-off check applies only when the driver build holds fills off (`gms.holdOff`); without it, this is the
 * "flush at start" device of the thread. Whether an invalidation drops a fill between its walk and its insert is the
 * device TLB's `drainOnFlush`: the file's "magic hardware that eliminates races between TLB invalidates and TLB
 * dropins. If an invalidate occurs in the window between reading the TFH and the subsequent TLB dropin, the dropin is
 * ignored" (2.6.28's comment above the check). gru_intr()'s mmap_read_trylock (retry in user context) is not modelled.
 */
import type { Process, Yielded } from "../../../sim/process";
import type { SecondaryFaultContext } from "../../mm/secondary-fault";
import type { SecondaryTlb } from "../../mm/secondary-tlb";
import type { GruMmStruct } from "./grutlbpurge";

export interface GruDropinContext extends SecondaryFaultContext {
  gms: GruMmStruct;
  tlb: SecondaryTlb;
}

/** gru_user_dropin() for a TLB miss at page index `addr`: returns once the translation is in the TLB. */
export function* gru_user_dropin(
  ctx: GruDropinContext,
  task: Process<any>,
  addr: number,
): Generator<Yielded, void, unknown> {
  const { gms, tlb, mm, timing, stats } = ctx;
  const sim = mm.sim;
  const t0 = sim.now;
  stats.faults++;
  if (sim.trace) sim.record(task.name, "miss", `${addr}`);
  yield timing.preWalkNs;
  for (;;) {
    if (gms.holdOff && gms.ms_range_active > 0) {
      stats.retries++;
      stats.heldOff++;
      if (sim.trace) sim.record(task.name, "failactive", `${addr}`);
      while (gms.ms_range_active > 0) yield gms.ms_wait_queue();
      continue;
    }
    const fill = tlb.beginFill(addr);
    const page = mm.pte[addr];
    if (page === 0) {
      tlb.endFill(fill);
      stats.cpuFaults++;
      if (sim.trace) sim.record(task.name, "pte_none", `${addr}`);
      yield* mm.handle_mm_fault(task, addr, timing.cpuFaultNs);
      continue;
    }
    if (sim.trace) sim.record(task.name, "walk", `${addr}=p${page}`);
    yield timing.walkToInsertNs;
    tlb.endFill(fill);
    if (fill.aborted) {
      stats.retries++;
      stats.aborted++;
      if (sim.trace) sim.record(task.name, "fill_dropped", `${addr}=p${page}`);
      continue;
    }
    tlb.insert(addr, page);
    if (sim.trace) sim.record(task.name, "tfh_write_restart", `${addr}=p${page}`);
    mm.checkInsert(tlb, addr, page);
    break;
  }
  stats.latencyNs.record(sim.now - t0);
}
