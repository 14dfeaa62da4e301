/**
 * Units of time, one set for the whole project. Simulated time is integer nanoseconds held in a float64 (exact to
 * 2^53 ns, 104 days); parameters and results are in the unit their name carries (holdNs, faultIntervalUs,
 * gracePeriodMs, durationS). Conversions are exact products or quotients, so a mean or a rate keeps its fraction;
 * a value handed to the clock (a delay a process yields, an `until`) goes through `roundNs` once.
 */
export type Ns = number;

export const NS_PER_US = 1e3;
export const NS_PER_MS = 1e6;
export const NS_PER_S = 1e9;

/** Microseconds to nanoseconds. */
export const usToNs = (us: number): number => us * NS_PER_US;
/** Milliseconds to nanoseconds. */
export const msToNs = (ms: number): number => ms * NS_PER_MS;
/** Seconds to nanoseconds. */
export const sToNs = (s: number): number => s * NS_PER_S;

/** Nanoseconds to microseconds. */
export const nsToUs = (ns: number): number => ns / NS_PER_US;
/** Nanoseconds to milliseconds. */
export const nsToMs = (ns: number): number => ns / NS_PER_MS;
/** Nanoseconds to seconds. */
export const nsToS = (ns: number): number => ns / NS_PER_S;
/** Milliseconds to seconds (wall-clock spans from Date.now(), for instance). */
export const msToS = (ms: number): number => ms / 1e3;

/** A time the clock can take: the nearest integer nanosecond. */
export const roundNs = (ns: number): Ns => Math.round(ns);

/** Events per second of simulated time, from a count over a span of `spanNs` (NaN for an empty span). */
export const perSecond = (count: number, spanNs: number): number => (spanNs > 0 ? (count * NS_PER_S) / spanNs : NaN);

/** Mean gap between events of a stream of `ratePerS` events per second, ns (the mean of its exponential gaps). */
export const meanGapNsOfRate = (ratePerS: number): number => NS_PER_S / ratePerS;
