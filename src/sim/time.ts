/** Simulated time is integer nanoseconds held in a float64 (exact to 2^53 ns, 104 days). */
export type Ns = number;

export const NS_PER_US = 1e3;
export const NS_PER_MS = 1e6;
export const NS_PER_S = 1e9;

export const us = (x: number): Ns => Math.round(x * NS_PER_US);
export const ms = (x: number): Ns => Math.round(x * NS_PER_MS);
export const sec = (x: number): Ns => Math.round(x * NS_PER_S);
