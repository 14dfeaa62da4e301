/**
 * `mmsim/experiments/vma-lock`: the experiment `vma-lock` (its parameters, observables, detail type and claims), its
 * published numbers and the helpers its notebook uses. Every file of src/experiments/vma-lock/ is re-exported here
 * (test/experiments/faces.test.ts checks it).
 */
export * from "../vma-lock/claims";
export * from "../vma-lock/experiment";
export * from "../vma-lock/model";
export * from "../vma-lock/params";
export * from "../vma-lock/pft-timeline";
export * from "../vma-lock/placement";
export * from "../vma-lock/published";
