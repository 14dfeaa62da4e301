/**
 * Results as columns: a row per sweep point with every parameter, each observable's mean over seeds and its 95%
 * confidence half-width (`<name>Ci95`). Raw per-seed values are kept for paired comparisons across variants.
 * Converts to CSV, JSON and danfojs DataFrames at the edge; the simulation itself never touches a DataFrame.
 */
import type { ObservableSpec } from "./experiment";
import type { ParamSpecs, ParamValues, SweepPlan } from "./params";
import { meanCi95, pairedDifference, type MeanCi } from "../sim/stats/replication";

export type Cell = number | string | boolean;
export type Row = Record<string, Cell>;

export interface Replication<S extends ParamSpecs, D = unknown> {
  point: number;
  params: ParamValues<S>;
  seed: number;
  values: Record<string, number>;
  detail?: D;
}

export class ResultSet<S extends ParamSpecs = ParamSpecs, D = unknown> {
  readonly rows: Row[];

  constructor(
    readonly experiment: string,
    readonly plan: SweepPlan<S>,
    readonly points: Array<ParamValues<S>>,
    readonly seeds: number[],
    readonly observables: Record<string, ObservableSpec>,
    readonly replications: Array<Replication<S, D>>,
    readonly wallMs: number,
  ) {
    this.rows = points.map((params, i) => {
      const row: Row = { ...(params as Record<string, Cell>) };
      const reps = replications.filter((r) => r.point === i);
      for (const name of Object.keys(observables)) {
        const s = meanCi95(reps.map((r) => r.values[name]));
        row[name] = s.mean;
        row[`${name}Ci95`] = s.ci95;
      }
      return row;
    });
  }

  /** Column names in order: parameters, then each observable followed by its Ci95. */
  get columns(): string[] {
    return [...Object.keys(this.plan), ...Object.keys(this.observables).flatMap((n) => [n, `${n}Ci95`])];
  }

  /** One column's values, row order. */
  column(name: string): Cell[] {
    return this.rows.map((r) => r[name]);
  }

  /** Rows whose parameters match every given value. */
  where(match: Partial<ParamValues<S>>): Row[] {
    return this.rows.filter((r) => Object.entries(match).every(([k, v]) => r[k] === v));
  }

  /** The single row matching `match`; throws if none or several match. */
  one(match: Partial<ParamValues<S>>): Row {
    const rows = this.where(match);
    if (rows.length !== 1)
      throw new Error(`${this.experiment}: ${rows.length} rows match ${JSON.stringify(match)}, expected 1`);
    return rows[0];
  }

  /** Per-seed values of an observable at the sweep point matching `match`, in seed order. */
  samples(observable: string, match: Partial<ParamValues<S>>): number[] {
    const i = this.points.findIndex((p) =>
      Object.entries(match).every(([k, v]) => (p as Record<string, unknown>)[k] === v),
    );
    if (i < 0) throw new Error(`${this.experiment}: no sweep point matches ${JSON.stringify(match)}`);
    return this.replications.filter((r) => r.point === i).map((r) => r.values[observable]);
  }

  /** Mean and CI of an observable at one point. */
  stat(observable: string, match: Partial<ParamValues<S>>): MeanCi {
    return meanCi95(this.samples(observable, match));
  }

  /**
   * Paired difference a - b of an observable between two points run on the same seeds (common random numbers),
   * with its 95% CI: the comparison to use between policy variants.
   */
  difference(observable: string, a: Partial<ParamValues<S>>, b: Partial<ParamValues<S>>): MeanCi {
    return pairedDifference(this.samples(observable, a), this.samples(observable, b));
  }

  /** Detail objects of the replications at a point (collected only when run with detail). */
  details(match: Partial<ParamValues<S>>): D[] {
    const i = this.points.findIndex((p) =>
      Object.entries(match).every(([k, v]) => (p as Record<string, unknown>)[k] === v),
    );
    return this.replications.filter((r) => r.point === i && r.detail !== undefined).map((r) => r.detail as D);
  }

  toJSON(): { experiment: string; params: Record<string, unknown>; seeds: number[]; rows: Row[] } {
    const params: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.plan)) params[k] = (v as unknown[]).length === 1 ? (v as unknown[])[0] : v;
    return { experiment: this.experiment, params, seeds: this.seeds, rows: this.rows.map(jsonSafeRow) };
  }

  toCSV(): string {
    const cols = this.columns;
    const lines = [cols.join(",")];
    for (const r of this.rows) lines.push(cols.map((c) => csvCell(r[c])).join(","));
    return lines.join("\n") + "\n";
  }

  /** A danfojs DataFrame of the rows (danfojs is loaded on first use: it is large). */
  toDataFrame(): unknown {
    const dfd = require("danfojs-node") as { DataFrame: new (data: unknown, opts?: unknown) => unknown };
    const data: Record<string, Cell[]> = {};
    for (const c of this.columns) data[c] = this.rows.map((r) => r[c]);
    return new dfd.DataFrame(data);
  }
}

/** NaN and infinities are not JSON: they become null. */
function jsonSafeRow(r: Row): Row {
  const out: Record<string, Cell | null> = {};
  for (const [k, v] of Object.entries(r)) out[k] = typeof v === "number" && !Number.isFinite(v) ? null : v;
  return out as Row;
}

function csvCell(v: Cell | undefined): string {
  if (v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
