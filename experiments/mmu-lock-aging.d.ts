// Types of "mmsim/experiments/mmu-lock-aging" (see mmu-lock-aging.js).
export * from "../dist/src/experiments/faces/mmu-lock-aging";
