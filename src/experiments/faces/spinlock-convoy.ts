/**
 * `mmsim/experiments/spinlock-convoy`: the experiment `spinlock-convoy` (its parameters, observables, detail type and claims), its
 * published numbers and the helpers its notebook uses. Every file of src/experiments/spinlock-convoy/ is re-exported here
 * (test/experiments/faces.test.ts checks it).
 */
export * from "../spinlock-convoy/claims";
export * from "../spinlock-convoy/experiment";
export * from "../spinlock-convoy/model";
export * from "../spinlock-convoy/params";
