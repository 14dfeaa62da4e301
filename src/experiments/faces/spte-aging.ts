/**
 * `mmsim/experiments/spte-aging`: the experiment `spte-aging` (its parameters, observables, detail type and claims), its
 * published numbers and the helpers its notebook uses. Every file of src/experiments/spte-aging/ is re-exported here
 * (test/experiments/faces.test.ts checks it).
 */
export * from "../spte-aging/claims";
export * from "../spte-aging/experiment";
export * from "../spte-aging/layout";
export * from "../spte-aging/magnitude-recorded";
export * from "../spte-aging/magnitude-search";
export * from "../spte-aging/metrics";
export * from "../spte-aging/model";
export * from "../spte-aging/params";
export * from "../spte-aging/published";
export * from "../spte-aging/scenario";
