/**
 * `mmsim/experiments/pt-free`: the experiment `pt-free` (its parameters, observables, detail type and claims), its
 * published numbers and the helpers its notebook uses. Every file of src/experiments/pt-free/ is re-exported here
 * (test/experiments/faces.test.ts checks it).
 */
export * from "../pt-free/claims";
export * from "../pt-free/experiment";
export * from "../pt-free/grace-period-profiles";
export * from "../pt-free/model";
export * from "../pt-free/params";
