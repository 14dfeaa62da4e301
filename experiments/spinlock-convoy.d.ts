// Types of "mmsim/experiments/spinlock-convoy" (see spinlock-convoy.js).
export * from "../dist/src/experiments/faces/spinlock-convoy";
