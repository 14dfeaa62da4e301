/** Every experiment the CLI, the workers and the notebooks know by id. */
import type { Experiment } from "./experiment";
import { lockContention } from "./lock-contention/experiment";
import { vmaLock } from "./vma-lock/experiment";

export const experiments: Array<Experiment<any, any>> = [lockContention, vmaLock];

export function findExperiment(id: string): Experiment<any, any> | undefined {
  return experiments.find((e) => e.id === id);
}
