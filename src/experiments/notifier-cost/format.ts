/** Number formatting for claim details (both notifier experiments). */

/** Three significant digits, with thousands separators for large values. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString("en-US");
  return Number(x.toPrecision(3)).toString();
}

/** "12.3 ± 0.4" from a mean and its 95% CI half-width. */
export function pm(mean: number, ci95: number): string {
  return Number.isFinite(ci95) ? `${num(mean)} ± ${num(ci95)}` : num(mean);
}
