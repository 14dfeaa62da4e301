/**
 * `mmsim/experiments/notifier-race`: the experiment `notifier-race` (its parameters, observables, detail type and claims), its
 * published numbers and the helpers its notebook uses. Every file of src/experiments/notifier-race/ is re-exported here
 * (test/experiments/faces.test.ts checks it).
 */
export * from "../notifier-race/claims";
export * from "../notifier-race/experiment";
export * from "../notifier-race/model";
export * from "../notifier-race/params";
export * from "../notifier-race/timeline";
