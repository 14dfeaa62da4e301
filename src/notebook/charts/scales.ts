/**
 * Axis scales decided in TypeScript rather than left to vega-lite's defaults, so that every vega-lite 5.x draws the
 * same domain and ticks, and so that:
 *
 * - a log axis ends at the data: its domain runs from the 1-2-5 value at or below the smallest value to the one at
 *   or above the largest (not on to the next power of ten), with ticks on 1-2-5 values, so the top series is always
 *   inside the plot and below a labelled tick;
 * - a log axis over data that include 0 becomes a symmetric-log axis (linear near 0, logarithmic beyond the smallest
 *   non-zero value), with explicit ticks, since d3's symlog ticks are linear;
 * - the domain covers every whisker and band as well as the points, so no CI is cut at the axis edge.
 */

/** An axis: which field it shows and how to label it. */
export interface AxisOptions {
  /**
   * Axis title; the field name when omitted. Put the unit in it, in trailing parentheses: "mean wait (ns)". The
   * unit is then shown with every number in the tooltips.
   * @example {label: "writer wait p99 (ns)"}
   */
  label?: string;
  /**
   * Logarithmic scale. When the data include 0 it becomes a symmetric-log scale (linear up to the smallest non-zero
   * value, logarithmic beyond), so no point is dropped.
   * @example {label: "threads", log: true}
   */
  log?: boolean;
  /**
   * The unit shown with numbers in tooltips; by default the label's trailing parentheses ("(ns)" gives "ns").
   * @example {label: "share of faults", unit: "%"}
   */
  unit?: string;
  /**
   * Where the ticks go: "data" puts one at every distinct data value (a sweep's points), an array gives them
   * exactly, "auto" (the default) lets the scale decide, except that log and symlog x axes with at most 12 distinct
   * values get ticks at the data.
   * @example {label: "threads", log: true, ticks: "data"}
   */
  ticks?: "auto" | "data" | ReadonlyArray<number>;
  /**
   * The quantity cannot be negative (a wait, a rate, a count): whiskers stop at 0 rather than below it, and a linear
   * axis starts at 0. Default: true when every value is at least 0. Pass false for differences whose CI may cross 0.
   * @example {label: "wait change (ns)", nonNegative: false}
   */
  nonNegative?: boolean;
}

export type ScaleKind = "linear" | "log" | "symlog";

/** What an axis resolved to: vega-lite scale and axis properties. */
export interface ResolvedAxis {
  kind: ScaleKind;
  scale: Record<string, unknown>;
  axis: Record<string, unknown>;
}

/**
 * Stops the whiskers (`lo`) of a non-negative quantity at 0: a t-interval reaching below 0 is an artefact of few
 * replications, not a possible value. Returns how many were stopped (the caption says so).
 */
export function clampWhiskersAtZero(points: ReadonlyArray<Record<string, unknown>>): number {
  let clamped = 0;
  for (const p of points)
    if (typeof p.lo === "number" && p.lo < 0) {
      p.lo = 0;
      clamped++;
    }
  return clamped;
}

/** Whether a value axis holds a non-negative quantity: as the options say, else when no point is below 0. */
export function isNonNegative(options: AxisOptions | undefined, points: ReadonlyArray<number>): boolean {
  return options?.nonNegative ?? points.every((v) => !(v < 0));
}

const STEPS = [1, 2, 5];

/** The largest 1-2-5 value (1, 2, 5 times a power of ten) at or below `v` (> 0). */
export function floor125(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (let i = STEPS.length - 1; i >= 0; i--) if (STEPS[i] * p <= v * (1 + 1e-12)) return STEPS[i] * p;
  return p;
}

/** The smallest 1-2-5 value at or above `v` (> 0). */
export function ceil125(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const s of STEPS) if (s * p >= v * (1 - 1e-12)) return s * p;
  return 10 * p;
}

/** Rounds away binary noise: 0.30000000000000004 -> 0.3. */
function clean(v: number): number {
  return Number(v.toPrecision(12));
}

/** Every 1-2-5 value from `lo` to `hi`. */
function steps125(lo: number, hi: number): number[] {
  const all: number[] = [];
  for (let e = Math.floor(Math.log10(lo)) - 1; e <= Math.ceil(Math.log10(hi)); e++)
    for (const s of STEPS) {
      const v = clean(s * 10 ** e);
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) all.push(v);
    }
  return all;
}

/**
 * The domain and ticks of a log axis over [min, max] (both > 0) with room for `budget` labels: from the 1-2-5 value at
 * or below `min` to the one at or above `max`, a tick at each 1-2-5 value, when they fit; otherwise from power of ten
 * to power of ten, a tick every decade (or every few). Either way the top of the axis is a labelled tick at or above
 * the largest value.
 */
export function logAxis(min: number, max: number, budget: number): { domain: [number, number]; ticks: number[] } {
  const lo = floor125(min);
  const hi = ceil125(max);
  const fine = steps125(lo, hi);
  if (fine.length <= Math.max(2, budget)) return { domain: [lo, hi], ticks: fine };
  const first = Math.floor(Math.log10(min) + 1e-9);
  const last = Math.ceil(Math.log10(max) - 1e-9);
  const every = Math.max(1, Math.ceil((last - first + 1) / Math.max(2, budget)));
  const top = first + Math.ceil((last - first) / every) * every;
  const ticks: number[] = [];
  for (let e = first; e <= top; e += every) ticks.push(clean(10 ** e));
  return { domain: [ticks[0], ticks[ticks.length - 1]], ticks };
}

/** Room for tick labels on an axis `px` long: y labels need about 20 px each, x labels about 55. */
export function tickBudget(role: "x" | "y", px: number): number {
  return Math.floor(px / (role === "y" ? 20 : 55));
}

/**
 * The d3 format of tick labels: six significant digits (data ticks such as 16,384 in full), trailing zeros trimmed, thousands grouped ("0.5", "2,000").
 * It reads the same on linear, log and symlog scales; SI prefixes ("~s") are not used because vega re-derives their
 * precision from the tick step on linear and symlog scales ("0k").
 */
export const TICK_FORMAT = ",.6~r";

function distinct(values: ReadonlyArray<number>): number[] {
  return [...new Set(values.map(clean))].sort((a, b) => a - b);
}

export interface AxisData {
  /** Positions of the points (means, published values). */
  points: ReadonlyArray<number>;
  /** Ends of whiskers and bands, already clamped at 0 for non-negative quantities. */
  extents?: ReadonlyArray<number>;
}

/**
 * Decides the scale of the x axis (role "x": the swept parameter, a domain that ends at the data) or a value axis
 * (role "y": nice domain, starts at 0 for non-negative quantities).
 */
export function resolveAxis(
  role: "x" | "y",
  options: AxisOptions | undefined,
  data: AxisData,
  lengthPx: number = role === "y" ? 320 : 560,
): ResolvedAxis {
  const budget = tickBudget(role, lengthPx);
  const points = data.points.filter(Number.isFinite);
  const all = [...points, ...(data.extents ?? []).filter(Number.isFinite)];
  const min = all.length ? Math.min(...all) : 0;
  const max = all.length ? Math.max(...all) : 1;
  const nonNegative = isNonNegative(options, points);
  const requested = options?.ticks ?? "auto";
  const dataTicks = distinct(points);
  const explicit = Array.isArray(requested)
    ? [...(requested as ReadonlyArray<number>)]
    : requested === "data"
      ? dataTicks
      : undefined;
  const axis: Record<string, unknown> = {};
  if (!options?.log) {
    const scale: Record<string, unknown> = role === "y" && nonNegative && min >= 0 ? { zero: true } : { zero: false };
    if (explicit) {
      axis.values = explicit;
      axis.format = TICK_FORMAT;
    }
    return { kind: "linear", scale, axis };
  }
  const positive = all.filter((v) => v > 0);
  const minPositive = positive.length ? Math.min(...positive) : 1;
  const autoData = role === "x" && dataTicks.length <= 12 ? dataTicks : undefined;
  if (min > 0) {
    // A plain log axis: every point, whisker and band end is above 0. An x axis (the swept parameter) runs exactly
    // from the first point to the last; a value axis to labelled 1-2-5 values (or powers of ten) around the data.
    const fitted = logAxis(minPositive, max, budget);
    const domain = role === "x" ? [minPositive, max] : fitted.domain;
    const ticks =
      explicit ?? autoData ?? fitted.ticks.filter((t) => t >= domain[0] * (1 - 1e-9) && t <= domain[1] * (1 + 1e-9));
    axis.values = ticks;
    axis.format = TICK_FORMAT;
    return {
      kind: "log",
      scale: { type: "log", domain, nice: false },
      axis,
    };
  }
  // Zero (or less) among the points or whisker ends: symmetric log, linear within the smallest non-zero magnitude,
  // so that nothing is dropped and a CI reaching 0 is drawn whole.
  const magnitudes = all.filter((v) => v !== 0).map(Math.abs);
  const constant = magnitudes.length ? Math.min(...magnitudes) : 1;
  const upperAxis = max > 0 ? logAxis(constant, max, budget - 1) : undefined;
  const lowerAxis = min < 0 ? logAxis(constant, -min, budget - 1) : undefined;
  const lo = lowerAxis ? -lowerAxis.domain[1] : 0;
  const hi = role === "x" ? max : (upperAxis?.domain[1] ?? 1);
  const upper = upperAxis ? upperAxis.ticks.filter((t) => t <= hi * (1 + 1e-9)) : [];
  const lower = lowerAxis ? lowerAxis.ticks.map((t) => -t) : [];
  const ticks = explicit ?? autoData ?? distinct([...lower, 0, ...upper]);
  axis.values = ticks;
  axis.format = TICK_FORMAT;
  return {
    kind: "symlog",
    scale: { type: "symlog", constant: clean(constant), domain: [lo, hi], nice: false },
    axis,
  };
}
