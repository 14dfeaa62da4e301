/** Every experiment the CLI, the workers and the notebooks know by id. */
import type { Experiment } from "./experiment";
import { lockContention } from "./lock-contention/experiment";

export const experiments: Array<Experiment<any, any>> = [lockContention];
experiments.push(require("./mmu-lock-aging/experiment").mmuLockAging); // 000: KVM mmu_lock, aging readers vs eviction writers
experiments.push(require("./pt-free/experiment").ptFree, require("./spinlock-convoy/experiment").spinlockConvoy); // 004: page-table freeing by IPI or RCU; the spinlock convoy

export function findExperiment(id: string): Experiment<any, any> | undefined {
  return experiments.find((e) => e.id === id);
}
