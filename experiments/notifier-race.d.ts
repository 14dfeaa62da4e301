// Types of "mmsim/experiments/notifier-race" (see notifier-race.js).
export * from "../dist/src/experiments/faces/notifier-race";
