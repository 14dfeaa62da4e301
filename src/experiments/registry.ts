/** Every experiment the CLI, the workers and the notebooks know by id. */
import type { Experiment } from "./experiment";
import { lockContention } from "./lock-contention/experiment";

export const experiments: Array<Experiment<any, any>> = [lockContention];
experiments.push(require("./spte-aging/experiment").spteAging); // 001: MGLRU aging vs KVM SPTE Accessed bits

export function findExperiment(id: string): Experiment<any, any> | undefined {
  return experiments.find((e) => e.id === id);
}
