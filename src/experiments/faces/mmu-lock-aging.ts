/**
 * `mmsim/experiments/mmu-lock-aging`: the experiment `mmu-lock-aging` (its parameters, observables, detail type and claims), its
 * published numbers and the helpers its notebook uses. Every file of src/experiments/mmu-lock-aging/ is re-exported here
 * (test/experiments/faces.test.ts checks it).
 */
export * from "../mmu-lock-aging/calibration";
export * from "../mmu-lock-aging/claims";
export * from "../mmu-lock-aging/experiment";
export * from "../mmu-lock-aging/model";
export * from "../mmu-lock-aging/observe";
export * from "../mmu-lock-aging/params";
export * from "../mmu-lock-aging/published";
export * from "../mmu-lock-aging/timeline";
