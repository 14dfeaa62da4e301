/** Plain-text tables: the terminal's (src/cli) and a notebook's text/plain form of a table (src/notebook/table.ts). */
import type { Row } from "./results";

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return "-";
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e15) return String(v);
  if (a >= 1e4 && a < 1e12) return String(Math.round(v));
  if (a !== 0 && (a >= 1e12 || a < 1e-3)) return v.toExponential(3);
  return v.toPrecision(a >= 100 ? Math.max(4, Math.ceil(Math.log10(a)) + 1) : 4);
}

export function formatTable(rows: Row[], columns: string[]): string {
  const cells = rows.map((r) =>
    columns.map((c) => (typeof r[c] === "number" ? formatNumber(r[c] as number) : String(r[c] ?? ""))),
  );
  const widths = columns.map((c, j) => Math.max(c.length, ...cells.map((row) => row[j].length)));
  const line = (vals: string[]) => vals.map((v, j) => v.padStart(widths[j])).join("  ");
  return [line(columns), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n") + "\n";
}
