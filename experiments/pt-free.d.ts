// Types of "mmsim/experiments/pt-free" (see pt-free.js).
export * from "../dist/src/experiments/faces/pt-free";
