/**
 * mmsim's public API, as notebooks and scripts import it: `import * as mm from "mmsim"`.
 *
 * - The engine (src/sim): `Simulation`, processes, `RandomStreams`, distributions, `Histogram`, `Trace`, time units;
 *   also as the namespace `sim` (`mm.sim.Simulation`).
 * - Experiments: `defineExperiment`, parameter builders (`integer`, `real`, `choice`, `flag`), `runExperiment`,
 *   the typed registry (`findExperiment("spinlock-convoy")`), published numbers (`loadPublished`, and beside the
 *   model row by row: `comparePublished`, `agreementCounts`).
 * - Results: `ResultSet` (rows with `<name>Ci95`, `<name>N`, `<name>Samples`; `stat`, `difference`, `samples`).
 * - Claims: the vocabulary (`defineClaim`, `pairedRatio`, `atLeast`, `within`, `overCases`, `crossover`, ...),
 *   `evaluateClaims`, and the report forms (`claimsText`, `claimsMarkdown`, `claimsReport`).
 *
 * Kernel pieces are in "mmsim/kernel", the notebook toolkit in "mmsim/notebook", each built-in experiment's own
 * helpers and published numbers in "mmsim/experiments/<id>".
 */
export * as sim from "./sim";
export * from "./sim";
export * from "./experiments/experiment";
export * from "./experiments/params";
export * from "./experiments/results";
export * from "./experiments/runner";
export * from "./experiments/claims";
// Two names the engine and the experiments share: the experiments' win here; the engine's stay in `sim` (and
// `SimulationRunOptions`). pairedDifference is the claim vocabulary's measure; sim.pairedDifference the MeanCi.
export type { RunOptions } from "./experiments/runner";
export { pairedDifference } from "./experiments/claims/measures";
export type { RunOptions as SimulationRunOptions } from "./sim";
export {
  experiments,
  findExperiment,
  builtinExperiments,
  type BuiltinExperiments,
  type ExperimentId,
} from "./experiments/registry";
export { loadExperiment } from "./experiments/module-loader";
export {
  runLockModel,
  finiteSourceMeanWaitNs,
  type LockModelParams,
  type LockModelResult,
} from "./experiments/lock-contention/model";
export * from "./experiments/published";
export * from "./experiments/published-compare";
export { buildInfo, describeBuild, type BuildInfo } from "./experiments/build-info";
export {
  comparePublished,
  agreementCounts,
  agreementOf,
  type PublishedResult,
  type Agreement,
  type PublishedRole,
  type ComparePublishedOptions,
} from "./experiments/published-compare";
