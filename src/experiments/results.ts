/**
 * Results as columns: a row per sweep point with every parameter, each observable's mean over seeds and its 95%
 * confidence half-width (`<name>Ci95`). Raw per-seed values are kept for paired comparisons across variants.
 * Converts to CSV, JSON and danfojs DataFrames at the edge; the simulation itself never touches a DataFrame.
 *
 * Two more columns say how much stands behind a number:
 * - `<name>N`, only on rows where fewer replications than asked gave a finite value (a quantile of an empty
 *   histogram is NaN): the mean is over that many seeds, and tables and charts flag the point. No `<name>N` means
 *   every seed gave a value.
 * - `<name>Samples`, for observables that declare `samples` (quantiles): the fewest samples behind any
 *   replication's value at that point.
 */
import type { ObservableSpec } from "./experiment";
import { closest, type ParamSpecs, type ParamValues, type SweepPlan } from "./params";
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

/** Parameter values that pick sweep points: any subset of the parameters. */
export type PointMatch<S extends ParamSpecs> = Partial<ParamValues<S>>;

/**
 * The results of one run of an experiment: `S` its parameters, `D` its chart detail, `O` its observable names (a
 * misspelt observable is a compile error where `O` is known, and a run-time error naming the allowed ones anyway).
 */
export class ResultSet<S extends ParamSpecs = ParamSpecs, D = unknown, O extends string = string> {
  /** One row per sweep point: parameters, then each observable's mean, `<name>Ci95`, `<name>N`, `<name>Samples`. */
  readonly rows: Row[];
  /** Replications of each sweep point, in seed order. */
  private readonly byPoint: Array<Array<Replication<S, D>>>;

  constructor(
    readonly experiment: string,
    readonly plan: SweepPlan<S>,
    readonly points: Array<ParamValues<S>>,
    readonly seeds: number[],
    readonly observables: { readonly [K in O]: ObservableSpec },
    readonly replications: Array<Replication<S, D>>,
    readonly wallMs: number,
  ) {
    // One pass over the replications (a filter per point made this quadratic in the point count).
    this.byPoint = points.map(() => []);
    for (const r of replications) {
      const bucket = this.byPoint[r.point];
      if (bucket === undefined)
        throw new RangeError(`${experiment}: replication of point ${r.point}, but the run has ${points.length} points`);
      bucket.push(r);
    }
    // Column names made once, and one scratch array for every point's values (all points have one per seed).
    const keys = (Object.entries(observables) as Array<[string, ObservableSpec]>).map(([name, spec]) => ({
      name,
      ci: `${name}Ci95`,
      n: `${name}N`,
      samples: spec.samples,
      samplesKey: `${name}Samples`,
    }));
    let scratch = new Float64Array(seeds.length);
    const paramNames = Object.keys(plan);
    this.rows = points.map((params, i) => {
      // Copied key by key: `{ ...params }` followed by added keys is ten times slower in V8 (measured).
      const row: Row = {};
      for (const k of paramNames) row[k] = (params as Record<string, Cell>)[k];
      const reps = this.byPoint[i];
      if (scratch.length !== reps.length) scratch = new Float64Array(reps.length);
      for (const key of keys) {
        for (let k = 0; k < reps.length; k++) scratch[k] = reps[k].values[key.name];
        const s = meanCi95(scratch);
        row[key.name] = s.mean;
        row[key.ci] = s.ci95;
        if (s.n < seeds.length) row[key.n] = s.n;
        if (key.samples !== undefined) {
          let fewest = Infinity;
          for (const r of reps) {
            const c = r.values[key.samples];
            if (Number.isFinite(c) && c < fewest) fewest = c;
          }
          row[key.samplesKey] = Number.isFinite(fewest) ? fewest : NaN;
        }
      }
      return row;
    });
  }

  /**
   * Column names in order: parameters, then each observable followed by its Ci95, its N (when some row has one)
   * and its Samples (when it declares them).
   */
  get columns(): string[] {
    const out = [...Object.keys(this.plan)];
    for (const [name, spec] of Object.entries(this.observables) as Array<[string, ObservableSpec]>) {
      out.push(name, `${name}Ci95`);
      if (this.rows.some((r) => `${name}N` in r)) out.push(`${name}N`);
      if (spec.samples !== undefined) out.push(`${name}Samples`);
    }
    return out;
  }

  /**
   * Rows where some observable's mean rests on fewer seeds than asked, with the observables concerned.
   *
   * @example
   * for (const f of rs.incomplete()) console.log(f.row, f.observables); // e.g. ["writerWaitMaxNs"]
   */
  incomplete(): Array<{ row: Row; observables: O[] }> {
    const names = Object.keys(this.observables) as O[];
    return this.rows
      .map((row) => ({ row, observables: names.filter((n) => `${n}N` in row) }))
      .filter((x) => x.observables.length > 0);
  }

  /** One column's values, row order. */
  column(name: string): Cell[] {
    if (!this.columns.includes(name)) throw this.unknown("column", name, this.columns);
    return this.rows.map((r) => r[name]);
  }

  private unknown(what: string, name: string, allowed: string[]): Error {
    const hint = closest(name, allowed);
    return new RangeError(
      `${this.experiment}: unknown ${what} '${name}'${hint ? ` (did you mean '${hint}'?)` : ""}; ${what}s: ${allowed.join(", ")}`,
    );
  }

  private checkMatch(match: Record<string, unknown>): void {
    for (const k of Object.keys(match))
      if (!(k in this.plan)) throw this.unknown("parameter", k, Object.keys(this.plan));
  }

  private matches(p: unknown, match: Record<string, unknown>): boolean {
    for (const k in match) if ((p as Record<string, unknown>)[k] !== match[k]) return false;
    return true;
  }

  /** The index of the one sweep point `match` picks; throws if it picks none or several. */
  private pointOf(match: PointMatch<S>): number {
    const m = match as Record<string, unknown>;
    this.checkMatch(m);
    let found = -1;
    let count = 0;
    for (let i = 0; i < this.points.length; i++) {
      if (!this.matches(this.points[i], m)) continue;
      if (count++ === 0) found = i;
    }
    if (count === 1) return found;
    const swept = Object.keys(this.plan).filter((k) => (this.plan[k] as unknown[]).length > 1);
    throw new RangeError(
      count === 0
        ? `${this.experiment}: no sweep point matches ${JSON.stringify(match)}`
        : `${this.experiment}: ${count} sweep points match ${JSON.stringify(match)}; name one value of each swept parameter (${swept.join(", ")})`,
    );
  }

  private checkObservable(name: string): void {
    if (!Object.prototype.hasOwnProperty.call(this.observables, name))
      throw this.unknown("observable", name, Object.keys(this.observables));
  }

  /** Rows whose parameters match every given value. */
  where(match: PointMatch<S>): Row[] {
    this.checkMatch(match as Record<string, unknown>);
    return this.rows.filter((r) => this.matches(r, match as Record<string, unknown>));
  }

  /**
   * The single row matching `match`; throws if none or several match.
   *
   * @example
   * rs.one({ threads: 8 }).meanWaitNs;
   */
  one(match: PointMatch<S>): Row {
    const rows = this.where(match);
    if (rows.length !== 1)
      throw new Error(`${this.experiment}: ${rows.length} rows match ${JSON.stringify(match)}, expected 1`);
    return rows[0];
  }

  /**
   * Per-seed values of an observable at the one sweep point `match` picks, in seed order (NaN where a replication
   * gave none). An unknown observable or parameter, or a match of several points, is an error.
   *
   * @example
   * rs.samples("meanWaitNs", { threads: 8 }); // [109.2, 108.7, ...]
   */
  samples(observable: O, match: PointMatch<S>): number[] {
    this.checkObservable(observable);
    return this.byPoint[this.pointOf(match)].map((r) => r.values[observable]);
  }

  /**
   * Mean and 95% CI of an observable at one point (`n` says how many seeds gave a value).
   *
   * @example
   * const { mean, ci95, n } = rs.stat("meanWaitNs", { threads: 8 });
   */
  stat(observable: O, match: PointMatch<S>): MeanCi {
    return meanCi95(this.samples(observable, match));
  }

  /**
   * Paired difference a - b of an observable between two points run on the same seeds (common random numbers),
   * with its 95% CI: the comparison to use between policy variants.
   *
   * @example
   * rs.difference("lockWaitMeanNs", { missPlacement: "inside" }, { missPlacement: "outside" });
   */
  difference(observable: O, a: PointMatch<S>, b: PointMatch<S>): MeanCi {
    return pairedDifference(this.samples(observable, a), this.samples(observable, b));
  }

  /**
   * Detail objects of the replications at a point (collected only when run with `detail: true`), in seed order.
   *
   * @example
   * const cdfs = rs.details({ threads: 8 }).map((d) => d.cdf);
   */
  details(match: PointMatch<S> = {}): D[] {
    return this.byPoint[this.pointOf(match)].filter((r) => r.detail !== undefined).map((r) => r.detail as D);
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
