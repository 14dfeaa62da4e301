/** How claim texts write numbers: three significant digits, CIs with two, no trailing zeros. */
import type { MeasureSummary } from "./measures";

/**
 * A number for claim texts: integers as they are (below a million), others to `digits` significant digits.
 *
 * @example
 * num(7.3149); // "7.31"
 * num(1.0004); // "1.00"
 * num(1048576); // "1.05e+6"
 */
export function num(x: number, digits = 3): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (Number.isInteger(x) && Math.abs(x) < 1e6) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return trimExp(x.toExponential(digits - 1));
  return x.toPrecision(digits);
}

function trimExp(s: string): string {
  return s.replace(/\.?0+e/, "e");
}

/**
 * "7.31 ± 0.41" (the mean and its 95% CI half-width), with the unit when there is one.
 *
 * @example
 * meanCi({ mean: 7.314, ci95: 0.41, ... } as MeasureSummary); // "7.31 ± 0.41"
 */
export function meanCi(s: Pick<MeasureSummary, "mean" | "ci95" | "unit">): string {
  const ci = Number.isFinite(s.ci95) ? ` ± ${num(s.ci95, 2)}` : " ± ?";
  return `${num(s.mean)}${ci}${s.unit && s.unit !== "count" && s.unit !== "fraction" ? ` ${s.unit}` : ""}`;
}
