/** Every experiment the CLI, the workers and the notebooks know by id. */
import type { Experiment } from "./experiment";
import { lockContention } from "./lock-contention/experiment";
import { notifierCost } from "./notifier-cost/experiment";
import { notifierRace } from "./notifier-race/experiment";

export const experiments: Array<Experiment<any, any>> = [lockContention, notifierCost, notifierRace];

export function findExperiment(id: string): Experiment<any, any> | undefined {
  return experiments.find((e) => e.id === id);
}
