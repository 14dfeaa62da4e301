/** Every experiment the CLI, the workers and the notebooks know by id. */
import type { Experiment } from "./experiment";
import { lockContention } from "./lock-contention/experiment";

export const experiments: Array<Experiment<any, any>> = [lockContention];
experiments.push(require("./mmu-lock-aging/experiment").mmuLockAging); // 000: KVM mmu_lock, aging readers vs eviction writers

export function findExperiment(id: string): Experiment<any, any> | undefined {
  return experiments.find((e) => e.id === id);
}
