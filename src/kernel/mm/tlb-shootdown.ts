/**
 * TLB shootdown on munmap: flush_tlb_mm_range() (arch/x86/mm/tlb.c, Linux 6.6).
 *
 * Read: torvalds/linux @a501686b (a 4.14-era arch/x86/mm/tlb.c, where flush_tlb_mm_range() flushed locally and then
 * called native_flush_tlb_others() -> smp_call_function_many()); the 6.x order, from Nadav Amit's series merged in
 * 5.13 (4ce94eabac16 "x86/mm/tlb: Flush remote and local TLBs concurrently"; cover letter "first request the remote
 * CPUs to initiate the flush, then run it locally, and finally wait for the remote CPUs"), and kernel/smp.c
 * smp_call_function_many_cond() at gregkh/linux @0b515a28 (src/kernel/cpu/cpu.ts). native_flush_tlb_multi() with
 * info->freed_tables uses on_each_cpu_mask(..., wait=true) over the whole mm_cpumask, lazy CPUs included (the
 * fidelity review's reading of 5.x-6.x patch excerpts; not re-read here).
 *
 * Two ways to invalidate other CPUs' TLBs, kept apart because the thread's argument turns on them:
 * - "ipi": x86 native before INVLPGB. flush_tlb_mm_range() -> flush_tlb_multi() -> native_flush_tlb_multi() ->
 *   smp_call_function_many_cond() with SCF_RUN_LOCAL|SCF_WAIT: the CSDs are queued, the IPIs sent, this CPU's own
 *   flush runs while they travel, and the sender spins in csd_lock_wait() until every target ran the handler; a
 *   target with interrupts off runs it only when it re-enables them. That wait is what keeps GUP-fast safe when
 *   tables are freed right after the flush. With no other CPU in the mm, only the local flush.
 * - "broadcast": a broadcast invalidate with no IPI (arm64 TLBI ...IS + DSB, x86 INVLPGB + TLBSYNC, or a
 *   paravirt flush hypercall). It does not wait for anyone's interrupts-off section, so an interrupts-off walker is
 *   no longer protected by the flush: these are the architectures that need MMU_GATHER_RCU_TABLE_FREE.
 *
 * Also tlb_remove_table_sync_one() (mm/mmu_gather.c): an empty, waited smp_call_function() to every other online
 * CPU, used when a table must be freed at once.
 */
import type { Yielded } from "../../sim/process";
import type { Simulation } from "../../sim/simulation";
import { Histogram } from "../../sim/stats/histogram";
import { smp_call_function_many_cond, type Cpu } from "../cpu/cpu";

export type TlbFlushMethod = "ipi" | "broadcast";

export interface TlbShootdownCosts {
  method: TlbFlushMethod;
  /** Flushing this CPU's own TLB for the range, ns (also the handler's run time on each IPI target). */
  localFlushNs: number;
  /** IPI send latency and per-target cost of smp_call_function_many, ns. */
  ipiLatencyNs: number;
  ipiPerTargetNs: number;
  /** One broadcast invalidate and its completion wait (TLBI+DSB / INVLPGB+TLBSYNC), ns. */
  broadcastFlushNs: number;
}

export class TlbShootdown {
  /** IPIs sent (one per target CPU per call). */
  ipisSent = 0;
  /** Calls that sent IPIs (shootdowns with other CPUs in the mm, and tlb_remove_table_sync_one). */
  ipiCalls = 0;
  flushes = 0;
  /** Per call that sent IPIs: from the call (queueing the CSDs) to the last target's ack, ns. */
  readonly remoteWaitNs = new Histogram("shootdown remote wait ns");

  constructor(
    readonly sim: Simulation,
    readonly costs: TlbShootdownCosts,
  ) {}

  /**
   * flush_tlb_mm_range() for this CPU and the other CPUs of the mm (`others` = mm_cpumask minus this CPU): by IPI
   * (CSDs queued, IPIs sent, the local flush while they travel, then the wait: smp_call_function_many_cond's order)
   * or by one broadcast invalidate. The calling process yields* this.
   */
  *flush_tlb_mm_range(self: Cpu, others: Cpu[]): Generator<Yielded, void, unknown> {
    this.flushes++;
    const c = this.costs;
    if (c.method === "broadcast") {
      if (this.sim.trace) this.sim.record(self.name, "flush-broadcast");
      yield c.broadcastFlushNs;
      return;
    }
    if (others.length === 0) {
      // Nobody else in mm_cpumask: flush_tlb_func() on this CPU only.
      yield c.localFlushNs;
      return;
    }
    yield* this.callAndWait(self, others, c.localFlushNs, "flush-ipi", c.localFlushNs);
  }

  /**
   * tlb_remove_table_sync_one(): smp_call_function(tlb_remove_table_smp_sync, NULL, 1), an empty handler on every
   * other online CPU. Waits out every interrupts-off section; it is not a grace period.
   */
  *tlb_remove_table_sync_one(self: Cpu, othersOnline: Cpu[]): Generator<Yielded, void, unknown> {
    if (othersOnline.length === 0) return;
    yield* this.callAndWait(self, othersOnline, 0, "sync-ipi");
  }

  /** smp_call_function_many_cond(): `localNs` >= 0 runs the function here too (SCF_RUN_LOCAL). */
  private *callAndWait(
    self: Cpu,
    targets: Cpu[],
    handlerNs: number,
    what: string,
    localNs = -1,
  ): Generator<Yielded, void, unknown> {
    this.ipisSent += targets.length;
    this.ipiCalls++;
    if (this.sim.trace) this.sim.record(self.name, what, `${targets.length} cpus`);
    const c = this.costs;
    yield smp_call_function_many_cond(
      this.sim,
      self,
      targets,
      { latencyNs: c.ipiLatencyNs, perTargetNs: c.ipiPerTargetNs, handlerNs },
      localNs,
      (ns) => this.remoteWaitNs.record(ns),
    );
  }
}
