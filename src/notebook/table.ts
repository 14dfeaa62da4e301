/**
 * Tables in notebooks: ResultSet rows, arrays of records or danfojs DataFrames, shown as one bundle of an HTML table
 * (JupyterLab, the report) and the same table as aligned text (text/plain, for terminals and plain viewers).
 */
import { formatNumber, formatTable } from "../experiments/format";
import type { Row } from "../experiments/results";
import { displayBundle, type MimeBundle } from "./bundle";
import { escapeHtml } from "./html";

/** A danfojs DataFrame, seen structurally so that danfojs need not be loaded to recognise one. */
export interface DataFrameLike {
  columns: string[];
  values: unknown[][];
}

/** What `table` accepts: a ResultSet (or anything with rows and columns), records, or a DataFrame. */
export type TableSource =
  | { readonly rows: ReadonlyArray<Record<string, unknown>>; readonly columns: string[]; readonly seeds?: number[] }
  | ReadonlyArray<Record<string, unknown>>
  | DataFrameLike;

export interface TableOptions {
  /** Columns to show, in order (default: all). */
  columns?: string[];
  /**
   * Show `x` with its `xCi95` (and `xN`) columns as one "x ± ci" cell (default true), "(4 of 5 seeds)" added where
   * fewer seeds than asked gave a value. ResultSets name these columns this way.
   */
  combineCi?: boolean;
  /** A caption above the table. */
  caption?: string;
  /** CSS class on the <table>, for styling and for finding it in tests. */
  className?: string;
}

function isDataFrame(x: unknown): x is DataFrameLike {
  const d = x as DataFrameLike;
  return !Array.isArray(x) && Array.isArray(d.columns) && Array.isArray(d.values);
}

/**
 * Rows and column order of any TableSource.
 *
 * @example
 * tableRows(rs).columns; // ["threads", ..., "meanWaitNs", "meanWaitNsCi95", ...]
 */
export function tableRows(source: TableSource): { rows: Array<Record<string, unknown>>; columns: string[] } {
  if (Array.isArray(source)) {
    const rows = source as Array<Record<string, unknown>>;
    const columns: string[] = [];
    for (const r of rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
    return { rows, columns };
  }
  if ("rows" in source) return { rows: [...source.rows], columns: [...source.columns] };
  if (isDataFrame(source)) {
    const columns = [...source.columns];
    return { rows: source.values.map((vals) => Object.fromEntries(columns.map((c, j) => [c, vals[j]]))), columns };
  }
  throw new TypeError("table: expected a ResultSet, an array of records or a DataFrame");
}

function cellText(v: unknown): string {
  if (typeof v === "number") return formatNumber(v);
  if (v === null || v === undefined) return "";
  return String(v);
}

/** Rows as strings, with CI and seed-count columns folded in when asked; `flagged` marks means over fewer seeds. */
function textCells(
  source: TableSource,
  options: TableOptions,
): { header: string[]; cells: string[][]; numeric: boolean[]; flagged: boolean[][] } {
  const { rows, columns: all } = tableRows(source);
  const seeds = (source as { seeds?: unknown }).seeds;
  const asked = Array.isArray(seeds) ? seeds.length : undefined;
  let columns = options.columns ?? all;
  const combine = options.combineCi ?? true;
  const folded = new Set<string>();
  if (combine) for (const c of columns) if (columns.includes(`${c}Ci95`) || columns.includes(`${c}N`)) folded.add(c);
  columns = columns.filter(
    (c) => !((c.endsWith("Ci95") && folded.has(c.slice(0, -4))) || (c.endsWith("N") && folded.has(c.slice(0, -1)))),
  );
  // A mean over fewer seeds than asked (its row has <name>N) is never shown bare, unless <name>N is a column.
  const seedsBehind = (r: Record<string, unknown>, c: string) => {
    const n = r[`${c}N`];
    return typeof n === "number" && !columns.includes(`${c}N`) ? n : undefined;
  };
  const flagged = rows.map((r) => columns.map((c) => seedsBehind(r, c) !== undefined));
  const cells = rows.map((r) =>
    columns.map((c) => {
      const text = cellText(r[c]);
      const ci = r[`${c}Ci95`];
      const withCi =
        folded.has(c) && typeof ci === "number" && Number.isFinite(ci) && ci !== 0
          ? `${text} ± ${formatNumber(ci)}`
          : text;
      const n = seedsBehind(r, c);
      return n === undefined ? withCi : `${withCi} (${n}${asked === undefined ? "" : ` of ${asked}`} seeds)`;
    }),
  );
  const numeric = columns.map((c) => rows.every((r) => typeof r[c] === "number" || r[c] === undefined));
  return { header: columns, cells, numeric, flagged };
}

/**
 * The HTML of a table (no surrounding document). A mean over fewer seeds than asked (its row has `<name>N`) is
 * shaded and says how many seeds stand behind it.
 *
 * @example
 * const html = tableHtml(rs, { columns: ["threads", "meanWaitNs", "meanWaitNsCi95"] });
 */
export function tableHtml(source: TableSource, options: TableOptions = {}): string {
  const { header, cells, numeric, flagged } = textCells(source, options);
  const cls = ["mmsim-table", options.className].filter(Boolean).join(" ");
  const align = (j: number) => (numeric[j] ? ' style="text-align:right"' : ' style="text-align:left"');
  const td = (i: number, j: number) =>
    flagged[i][j]
      ? `<td class="mmsim-incomplete" title="some seeds gave no value" style="text-align:right;background:#fff8c5">`
      : `<td${align(j)}>`;
  return [
    `<table class="${escapeHtml(cls)}">`,
    options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : "",
    `<thead><tr>${header.map((h, j) => `<th${align(j)}>${escapeHtml(h)}</th>`).join("")}</tr></thead>`,
    `<tbody>${cells.map((row, i) => `<tr>${row.map((c, j) => `${td(i, j)}${escapeHtml(c)}</td>`).join("")}</tr>`).join("")}</tbody>`,
    "</table>",
  ].join("");
}

/**
 * The same table as aligned text.
 *
 * @example
 * console.log(tableText(rs, { columns: ["threads", "meanWaitNs"] }));
 */
export function tableText(source: TableSource, options: TableOptions = {}): string {
  const { header, cells } = textCells(source, options);
  const rows: Row[] = cells.map((r) => Object.fromEntries(header.map((h, j) => [h, r[j]])));
  return (options.caption ? options.caption + "\n" : "") + formatTable(rows, header);
}

/**
 * The HTML and text forms of a table as one display bundle (what `table` shows).
 *
 * @example
 * displayBundle(tableBundle(rs, { columns: ["threads", "meanWaitNs"] }));
 */
export function tableBundle(source: TableSource, options: TableOptions = {}): MimeBundle {
  return { "text/html": tableHtml(source, options), "text/plain": tableText(source, options) };
}

/**
 * Shows a table as one output (HTML and aligned text).
 *
 * @example
 * table(rs, { columns: ["threads", "meanWaitNs", "meanWaitNsCi95"], caption: "Mutex wait" });
 */
export function table(source: TableSource, options: TableOptions = {}): void {
  displayBundle(tableBundle(source, options));
}
