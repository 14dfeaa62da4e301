/**
 * TLB shootdown on munmap: flush_tlb_mm_range() (arch/x86/mm/tlb.c, Linux 6.6).
 *
 * Two ways to invalidate other CPUs' TLBs, kept apart because the thread's argument turns on them:
 * - "ipi": x86 native before INVLPGB. The local TLB is flushed (flush_tlb_func on this CPU), then
 *   native_flush_tlb_multi() calls on_each_cpu_cond_mask(..., wait=true) for the other CPUs in mm_cpumask, which is
 *   smp_call_function_many() underneath: the sender spins in csd_lock_wait() until every target ran the handler,
 *   and a target with interrupts off runs it only when it re-enables them. That wait is what keeps GUP-fast safe
 *   when tables are freed right after the flush.
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
import { smp_call_function_many, type Cpu } from "../cpu/cpu";

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
  flushes = 0;
  /** Time from sending a shootdown's IPIs to the last target's ack, ns. */
  readonly remoteWaitNs = new Histogram("shootdown remote wait ns");

  constructor(
    readonly sim: Simulation,
    readonly costs: TlbShootdownCosts,
  ) {}

  /**
   * flush_tlb_mm_range(): flush locally, then the other CPUs of the mm (`others` = mm_cpumask minus this CPU), by
   * IPI or by broadcast. The calling process yields* this.
   */
  *flush_tlb_mm_range(self: Cpu, others: Cpu[]): Generator<Yielded, void, unknown> {
    this.flushes++;
    const c = this.costs;
    if (c.method === "broadcast") {
      if (this.sim.trace) this.sim.record(self.name, "flush-broadcast");
      yield c.broadcastFlushNs;
      return;
    }
    yield c.localFlushNs;
    if (others.length === 0) return;
    yield* this.callAndWait(self, others, c.localFlushNs, "flush-ipi");
  }

  /**
   * tlb_remove_table_sync_one(): smp_call_function(tlb_remove_table_smp_sync, NULL, 1), an empty handler on every
   * other online CPU. Waits out every interrupts-off section; it is not a grace period.
   */
  *tlb_remove_table_sync_one(self: Cpu, othersOnline: Cpu[]): Generator<Yielded, void, unknown> {
    yield* this.callAndWait(self, othersOnline, 0, "sync-ipi");
  }

  private *callAndWait(self: Cpu, targets: Cpu[], handlerNs: number, what: string): Generator<Yielded, void, unknown> {
    this.ipisSent += targets.length;
    if (this.sim.trace) this.sim.record(self.name, what, `${targets.length} cpus`);
    const c = this.costs;
    const waited = (yield smp_call_function_many(this.sim, targets, {
      latencyNs: c.ipiLatencyNs,
      perTargetNs: c.ipiPerTargetNs,
      handlerNs,
    })) as number;
    this.remoteWaitNs.record(waited);
  }
}
