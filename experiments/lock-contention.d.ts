// Types of "mmsim/experiments/lock-contention" (see lock-contention.js).
export * from "../dist/src/experiments/faces/lock-contention";
