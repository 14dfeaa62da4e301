// Types of "mmsim/experiments/vma-lock" (see vma-lock.js).
export * from "../dist/src/experiments/faces/vma-lock";
