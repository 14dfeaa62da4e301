/** Every experiment the CLI, the workers and the notebooks know by id, in thread order. */
import type { Experiment } from "./experiment";
import { lockContention } from "./lock-contention/experiment";
import { mmuLockAging } from "./mmu-lock-aging/experiment";
import { spteAging } from "./spte-aging/experiment";
import { vmaLock } from "./vma-lock/experiment";

export const experiments: Array<Experiment<any, any>> = [
  lockContention, // the engine's reference model
  mmuLockAging, // 000: KVM mmu_lock, aging readers vs eviction writers
  spteAging, // 001: MGLRU aging vs KVM SPTE Accessed bits
  vmaLock, // 003: mmap_lock vs per-VMA locks vs the fault under RCU
];

export function findExperiment(id: string): Experiment<any, any> | undefined {
  return experiments.find((e) => e.id === id);
}
