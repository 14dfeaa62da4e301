/**
 * Numbers as tooltips show them: rounded to the precision the data supports, with their unit. A mean with a 95% CI
 * is rounded to the CI's second significant digit ("1,235 ± 12 ns"); a value without one keeps four significant
 * digits. Tooltips carry these as ready strings, so no renderer shows "NaN" for a CI that does not exist.
 */

/** `v` rounded at the power of ten `10^exp`, trailing zeros kept (they are significant), thousands grouped. */
function fixedAt(v: number, exp: number): string {
  const decimals = Math.max(0, -exp);
  const rounded = exp > 0 ? Math.round(v / 10 ** exp) * 10 ** exp : v;
  const [int, frac] = Math.abs(rounded).toFixed(Math.min(decimals, 20)).split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${rounded < 0 && Number(rounded.toFixed(decimals)) !== 0 ? "-" : ""}${grouped}${frac ? `.${frac}` : ""}`;
}

/**
 * `v` with `digits` significant digits (integers in full), thousands grouped; exponent form only below 1e-4 and from
 * 1e9 up.
 */
export function formatNumber(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const abs = Math.abs(v);
  if (abs >= 1e9 || abs < 1e-4) return v.toExponential(digits - 1).replace(/\.?0+e/, "e");
  if (Number.isInteger(v)) return fixedAt(v, 0);
  const exp = Math.floor(Math.log10(abs)) - digits + 1;
  return exp >= 0
    ? fixedAt(v, 0)
    : fixedAt(v, exp)
        .replace(/(\.\d*?)0+$/, "$1")
        .replace(/\.$/, "");
}

/**
 * A mean and its 95% CI half-width, both rounded at the CI's second significant digit: "1,235 ± 12". A CI of zero
 * (every replication agreed) gives "1,234.6 ± 0"; a missing CI (undefined or NaN) gives the value alone.
 */
export function formatWithCi(mean: number, ci: number | undefined): string {
  if (ci === undefined || !Number.isFinite(ci)) return formatNumber(mean);
  if (ci === 0) return `${formatNumber(mean)} ± 0`;
  const exp = Math.floor(Math.log10(Math.abs(ci))) - 1;
  if (Math.abs(mean) >= 1e9 || Math.abs(ci) < 1e-4) {
    const digits = Math.max(2, Math.floor(Math.log10(Math.abs(mean) || Math.abs(ci))) - exp + 1);
    return `${mean.toExponential(digits - 1)} ± ${ci.toExponential(1)}`;
  }
  return `${fixedAt(mean, exp)} ± ${fixedAt(ci, exp)}`;
}

/** Appends the unit, if there is one: "12 ns", "0.3 ± 0.01 (share)". */
export function withUnit(text: string, unit: string | undefined): string {
  return unit ? `${text} ${unit}` : text;
}

/**
 * The unit an axis label names in its trailing parentheses ("mean wait (ns)" -> "ns"), if it is short enough to be
 * a unit rather than a remark.
 */
export function unitOfLabel(label: string | undefined): string | undefined {
  if (!label) return undefined;
  const m = /\(([^()]{1,12})\)\s*$/.exec(label);
  return m ? m[1].trim() : undefined;
}
