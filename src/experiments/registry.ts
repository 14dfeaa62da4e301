/** Every experiment the CLI, the workers and the notebooks know by id. */
import type { Experiment } from "./experiment";
import { lockContention } from "./lock-contention/experiment";
import { ptFree } from "./pt-free/experiment";
import { spinlockConvoy } from "./spinlock-convoy/experiment";

export const experiments: Array<Experiment<any, any>> = [lockContention, ptFree, spinlockConvoy];

export function findExperiment(id: string): Experiment<any, any> | undefined {
  return experiments.find((e) => e.id === id);
}
