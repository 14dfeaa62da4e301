// Types of "mmsim/kernel" (see kernel.js).
export * from "./dist/src/kernel/index";
