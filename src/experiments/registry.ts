/** Every experiment the CLI, the workers and the notebooks know by id, in thread order. */
import type { Experiment } from "./experiment";
import { lockContention } from "./lock-contention/experiment";
import { mmuLockAging } from "./mmu-lock-aging/experiment";
import { notifierCost } from "./notifier-cost/experiment";
import { notifierRace } from "./notifier-race/experiment";
import { ptFree } from "./pt-free/experiment";
import { spinlockConvoy } from "./spinlock-convoy/experiment";
import { spteAging } from "./spte-aging/experiment";
import { vmaLock } from "./vma-lock/experiment";

export const experiments: Array<Experiment<any, any>> = [
  lockContention, // the engine's reference model
  mmuLockAging, // 000: KVM mmu_lock, aging readers vs eviction writers
  spteAging, // 001: MGLRU aging frequency vs SPTE youth
  notifierCost, // 002: per-page vs per-PT vs range MMU-notifier callouts
  notifierRace, // 002: the device-TLB race that start/end closes
  vmaLock, // 003: mmap_lock vs per-VMA locks vs the fault under RCU
  ptFree, // 004: freeing page tables after an IPI or after an RCU grace period
  spinlockConvoy, // 004: a cache miss under a spinlock and the pile-up
];

export function findExperiment(id: string): Experiment<any, any> | undefined {
  return experiments.find((e) => e.id === id);
}
