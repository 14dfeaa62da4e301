/**
 * What a secondary MMU's fault path costs and records, shared by the GRU's TLB dropin and KVM's page fault so that
 * the protocols are compared on the same fill timing. Follows no single kernel file: a timing and statistics record
 * shared by ../drivers/sgi-gru/grufault.ts (gru_try_dropin; drivers/misc/sgi-gru/grufault.c at torvalds/linux
 * @07c7b547) and the KVM fault models in ../kvm/ (virt/kvm/kvm_main.c @00116795aa87), which cite theirs in full.
 *
 * A fill (device fault service) takes `preWalkNs` to get going (the device's miss interrupt or the VM exit, the
 * handler's entry), walks the Linux page table reading the PTE, and inserts the translation `walkToInsertNs` after
 * the read. A pte_none PTE sends the fill through the CPU fault path (handle_mm_fault, `cpuFaultNs`) and back to
 * the walk.
 */
import { Histogram } from "../../sim/stats/histogram";
import type { AnonAddressSpace } from "./anon-address-space";

export interface SecondaryFaultTiming {
  preWalkNs: number;
  walkToInsertNs: number;
  cpuFaultNs: number;
}

export class SecondaryFaultStats {
  /** From the miss to the translation being usable, ns. */
  readonly latencyNs = new Histogram("device fault latency ns");
  /** Faults served. */
  faults = 0;
  /** Every extra pass through the fault path: RET_PF_RETRY, a hold-off wait, a fill dropped by an invalidation. */
  retries = 0;
  /** Fills that found an invalidation in progress and waited or retried because of it. */
  heldOff = 0;
  /** Fills dropped between walk and insert by an invalidation (drainOnFlush). */
  aborted = 0;
  /** Walks that found pte_none and went through handle_mm_fault. */
  cpuFaults = 0;
}

/** What every secondary-MMU fault path needs: the mm it walks, its timing, where it records. */
export interface SecondaryFaultContext {
  mm: AnonAddressSpace;
  timing: SecondaryFaultTiming;
  stats: SecondaryFaultStats;
}
