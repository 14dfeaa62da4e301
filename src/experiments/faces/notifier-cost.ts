/**
 * `mmsim/experiments/notifier-cost`: the experiment `notifier-cost` (its parameters, observables, detail type and claims), its
 * published numbers and the helpers its notebook uses. Every file of src/experiments/notifier-cost/ is re-exported here
 * (test/experiments/faces.test.ts checks it).
 */
export * from "../notifier-cost/claims";
export * from "../notifier-cost/experiment";
export * from "../notifier-cost/format";
export * from "../notifier-cost/model";
export * from "../notifier-cost/params";
