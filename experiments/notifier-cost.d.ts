// Types of "mmsim/experiments/notifier-cost" (see notifier-cost.js).
export * from "../dist/src/experiments/faces/notifier-cost";
