/**
 * `mmsim/experiments/lock-contention`: the experiment `lock-contention` (its parameters, observables, detail type and claims), its
 * published numbers and the helpers its notebook uses. Every file of src/experiments/lock-contention/ is re-exported here
 * (test/experiments/faces.test.ts checks it).
 */
export * from "../lock-contention/claims";
export * from "../lock-contention/experiment";
export * from "../lock-contention/model";
export * from "../lock-contention/params";
