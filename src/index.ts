/** mmsim's public API, as notebooks and scripts import it: `import * as mm from "mmsim"`. */
export * as sim from "./sim";
export * from "./experiments/experiment";
export * from "./experiments/params";
export * from "./experiments/results";
export * from "./experiments/runner";
export * from "./experiments/claims";
export { experiments, findExperiment } from "./experiments/registry";
export {
  runLockModel,
  finiteSourceMeanWaitNs,
  type LockModelParams,
  type LockModelResult,
} from "./experiments/lock-contention/model";
export * from "./experiments/published";
export { buildInfo, describeBuild, type BuildInfo } from "./experiments/build-info";
