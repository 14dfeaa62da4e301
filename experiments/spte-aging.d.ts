// Types of "mmsim/experiments/spte-aging" (see spte-aging.js).
export * from "../dist/src/experiments/faces/spte-aging";
