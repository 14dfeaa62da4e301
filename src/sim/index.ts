/** The engine: knows nothing of Linux. */
export * from "./simulation";
export * from "./process";
export * from "./events";
export * from "./event-queue";
export * from "./trace";
export * from "./invariant";
export * from "./random";
export * from "./distributions";
export * from "./time";
export * from "./measurement";
export * from "./stats/histogram";
export * from "./stats/time-weighted";
export * from "./stats/replication";
export * from "./stats/counter";
export * from "./ring-queue";
export * from "./resource";
