/**
 * Sweep chart: observables across a swept parameter, as lines with points and their 95% confidence intervals (error
 * bars or shaded bands), from long-format rows with encodings by column, as Altair and Observable Plot do:
 *
 * ```ts
 * sweepChart({ rows: sweep, x: "reclaimers", y: "writerWaitP99Ns", color: "agingLock", errors: "band" })
 * ```
 *
 * draws one line per value of `agingLock`, each with the band of `writerWaitP99NsCi95` (CI columns are found by the
 * `<y>Ci95` convention a ResultSet follows). `strokeDash` and `facet` (row, column) take columns the same way, so a
 * factorial sweep needs no reshaping. Several y columns are folded into a `"measure"` pseudo-column that any channel
 * can name (`y: ["writerWaitMaxNs", "writerWaitP99Ns"], strokeDash: "measure"`). Exact curves (closed forms) are
 * dashed and have no points; points whose mean is over fewer seeds than asked, because some replications yielded
 * NaN (a ResultSet's `<y>N` column, present on just those rows; or a boolean `<y>Flag`), are drawn as open circles.
 *
 * The older form, `series: [{y, ci, label, dashed}]` with an optional `groupBy`, still works and maps onto the same
 * grammar (groupBy becomes color; several series become strokeDash).
 */
import type { VegaLiteChart } from "../chart";
import type { VegaLiteSpec } from "../vega-render";
import {
  chartSpec,
  colorScale,
  DASHES,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  distinctLabels,
  EXACT_DASH,
  PALETTE,
  REFERENCE_MARK,
  requireColumns,
  rowsOf,
  type ChartOptions,
  type ReferencePoints,
  type RowSource,
} from "./common";
import { formatNumber, formatWithCi, unitOfLabel, withUnit } from "./format";
import { legendLayout } from "./legend";
import { clampWhiskersAtZero, isNonNegative, resolveAxis, type AxisOptions } from "./scales";
import { axisTitle, widestText } from "./text";

/** The pseudo-column holding which y column a point comes from, when `y` names several. */
export const MEASURE = "measure";

/**
 * One y column and how to draw it.
 * @example {y: "exactMeanWaitNs", label: "mean, exact", dashed: true}
 */
export interface Measure {
  /** Column holding the value (a mean over seeds). */
  y: string;
  /** Column holding its 95% CI half-width. Default: `<y>Ci95` when the rows have it; null draws no CI. */
  ci?: string | null;
  /**
   * Column marking points some of whose replications yielded NaN, drawn as open circles: a count of the seeds
   * behind the mean (a ResultSet's `<y>N`, set only on such rows) or a boolean. Default: `<y>N`, else `<y>Flag`,
   * when the rows have it; null for none.
   * @example flag: "writerWaitP99NsN"
   */
  flag?: string | null;
  /** Name in legends, tooltips and the caption (default: the column name). */
  label?: string;
  /** An exact curve (a closed form): dashed, without points or CI. */
  dashed?: boolean;
}

/**
 * A column an encoding is driven by, with an optional title for its legend or panel headers.
 * @example {field: "agingLock", title: "aging lock"}
 */
export interface ChannelColumn {
  field: string;
  title?: string;
}

/** A series of the older `series` form: one y column (with its CI column, if any). */
export interface SweepSeries {
  /** Column holding the value (a mean over seeds). */
  y: string;
  /** Column holding the 95% CI half-width (ResultSet names it `<y>Ci95`); omit for exact curves. */
  ci?: string;
  /** Legend entry (default: the column name). */
  label?: string;
  /** Dashed line without points: for closed forms and other exact curves. */
  dashed?: boolean;
}

export interface SweepChartOptions extends ChartOptions {
  /**
   * Long-format rows: a ResultSet or an array of records, one per sweep point.
   * @example rows: dSweep
   */
  rows: RowSource;
  /**
   * Column of the swept parameter (x axis).
   * @example x: "reclaimers"
   */
  x: string;
  /**
   * The y column, or several (folded into the "measure" pseudo-column). CI columns default to `<y>Ci95`.
   * @example y: "writerWaitP99Ns"
   * @example y: [{y: "writerWaitMaxNs", label: "max"}, {y: "writerWaitP99Ns", label: "p99"}]
   */
  y?: string | Measure | ReadonlyArray<string | Measure>;
  /**
   * Column whose values get one color (and legend entry) each; "measure" colors by y column.
   * @example color: "agingLock"
   */
  color?: string | ChannelColumn;
  /**
   * Column whose values get one dash pattern each; "measure" dashes by y column.
   * @example strokeDash: "measure"
   */
  strokeDash?: string | ChannelColumn;
  /**
   * Small multiples: one panel per value of `row` (stacked) and of `column` (side by side), sharing axes.
   * @example facet: {column: "lockKind"}
   */
  facet?: { row?: string | ChannelColumn; column?: string | ChannelColumn };
  /**
   * The x axis: label (with the unit in parentheses), log, ticks.
   * @example xAxis: {label: "threads (K)", log: true}
   */
  xAxis?: AxisOptions;
  /**
   * The y axis: label (with the unit in parentheses), log, ticks, nonNegative.
   * @example yAxis: {label: "writer wait p99 (ns)", log: true}
   */
  yAxis?: AxisOptions;
  /**
   * How to draw the 95% CI: "bars" (error bars, default), "band" (shaded area) or "none".
   * @example errors: "band"
   */
  errors?: "bars" | "band" | "none";
  /**
   * Published points to overlay, in the color legend under their label.
   * @example reference: {label: "published", points: [{x: 32, y: 1661, source: "..."}]}
   */
  reference?: ReferencePoints;
  /**
   * Older form: the y columns as series (use `y` instead).
   * @example series: [{y: "meanWaitNs", ci: "meanWaitNsCi95", label: "mean"}]
   */
  series?: ReadonlyArray<SweepSeries>;
  /**
   * Older form: a column that splits every series into one line per value (use `color` instead).
   * @example groupBy: "holdNs"
   */
  groupBy?: string;
}

interface ResolvedMeasure {
  y: string;
  ci?: string;
  flag?: string;
  label: string;
  exact: boolean;
}

interface Channel {
  field: string;
  title: string | null;
}

type Datum = Record<string, unknown>;

const CHANNELS = ["color", "dash", "frow", "fcol"] as const;
type ChannelName = (typeof CHANNELS)[number];

function channelOf(c: string | ChannelColumn | undefined): Channel | undefined {
  if (c === undefined) return undefined;
  return typeof c === "string"
    ? { field: c, title: c === MEASURE ? null : c }
    : { field: c.field, title: c.title ?? c.field };
}

/** Whether a flag cell marks its point: a seed count (`<y>N` exists only where seeds were missing) or true. */
function isFlagged(v: unknown): boolean {
  return v === true || v === "true" || (typeof v === "number" && Number.isFinite(v));
}

/** The default flag column of `y`: `<y>N` (a ResultSet's), else `<y>Flag`. */
function flagColumn(y: string, columns: Set<string>): string | undefined {
  return columns.has(`${y}N`) ? `${y}N` : columns.has(`${y}Flag`) ? `${y}Flag` : undefined;
}

function measuresOf(options: SweepChartOptions, columns: Set<string>): ResolvedMeasure[] {
  if (options.series) {
    if (options.y !== undefined) throw new RangeError("sweepChart: give either y or series, not both");
    if (options.series.length === 0) throw new RangeError("sweepChart: series is empty; give at least one {y, ci?}");
    return options.series.map((s) => ({
      y: s.y,
      ci: s.dashed ? undefined : s.ci,
      flag: s.dashed ? undefined : flagColumn(s.y, columns),
      label: s.label ?? s.y,
      exact: s.dashed === true,
    }));
  }
  if (options.y === undefined) throw new RangeError('sweepChart: no y; give y: "<column>" (or several)');
  const list = (Array.isArray(options.y) ? options.y : [options.y]) as ReadonlyArray<string | Measure>;
  if (list.length === 0) throw new RangeError("sweepChart: y is empty; give at least one column");
  return list.map((m) => {
    const spec: Measure = typeof m === "string" ? { y: m } : m;
    const exact = spec.dashed === true;
    const ci =
      spec.ci === null || exact ? undefined : (spec.ci ?? (columns.has(`${spec.y}Ci95`) ? `${spec.y}Ci95` : undefined));
    const flag = spec.flag === null || exact ? undefined : (spec.flag ?? flagColumn(spec.y, columns));
    return { y: spec.y, ci, flag, label: spec.label ?? spec.y, exact };
  });
}

/**
 * Builds a sweep chart from long-format rows.
 * @example sweepChart({rows: sweep, x: "reclaimers", y: "writerWaitP99Ns", color: "agingLock", errors: "band"})
 */
export function sweepChart(options: SweepChartOptions): VegaLiteChart {
  const rows = rowsOf(options.rows);
  const columns = new Set(rows.flatMap((r) => Object.keys(r)));
  const measures = measuresOf(options, columns);
  if (new Set(measures.map((m) => m.label)).size !== measures.length)
    throw new RangeError(`sweepChart: two y columns share a label: ${measures.map((m) => m.label).join(", ")}`);

  // Channels: by column, the older groupBy as color, and the measure wherever several y columns need telling apart.
  let color = channelOf(options.color ?? options.groupBy);
  let dash = channelOf(options.strokeDash);
  const frow = channelOf(options.facet?.row);
  const fcol = channelOf(options.facet?.column);
  const drawn = measures.filter((m) => !m.exact);
  const taken = () => [color, dash, frow, fcol].some((c) => c?.field === MEASURE);
  if (measures.length > 1 && !taken()) {
    if (!color) color = channelOf(MEASURE);
    else if (!dash && (drawn.length > 1 || options.series === undefined)) dash = channelOf(MEASURE);
    else if (!dash) {
      // The older form's groupBy with one series and exact curves: the exact ones are told apart by their dash.
    } else
      throw new RangeError(
        `sweepChart: several y columns (${measures.map((m) => m.label).join(", ")}) need "measure" on color, strokeDash or facet`,
      );
  }
  if (!color && options.reference) color = channelOf(MEASURE);
  const byChannel: Record<ChannelName, Channel | undefined> = { color, dash, frow, fcol };
  requireColumns("sweepChart", rows, [
    options.x,
    ...measures.flatMap((m) => [m.y, m.ci, m.flag]),
    ...CHANNELS.map((c) => byChannel[c]?.field).filter((f) => f !== MEASURE),
  ]);

  const xTitle = options.xAxis?.label ?? options.x;
  const yTitle = options.yAxis?.label ?? measures.map((m) => m.label).join(", ");
  const xUnit = options.xAxis?.unit ?? unitOfLabel(options.xAxis?.label);
  const yUnit = options.yAxis?.unit ?? unitOfLabel(options.yAxis?.label);
  const width = options.width ?? DEFAULT_WIDTH;
  const height = options.height ?? DEFAULT_HEIGHT;

  // Long-format data, one datum per (row, measure).
  const valueOf = (c: Channel, r: Record<string, unknown>, m: ResolvedMeasure) =>
    c.field === MEASURE ? m.label : String(r[c.field]);
  let missing = 0;
  const notes: string[] = [];
  const data: Datum[] = [];
  const sources = new Map<string, Record<string, unknown>>();
  const duplicates: Array<[Record<string, unknown>, Record<string, unknown>]> = [];
  for (const r of rows) {
    for (const m of measures) {
      if (r[m.y] === undefined) continue; // a row that does not carry this measure (rows of several kinds)
      const x = Number(r[options.x]);
      const y = Number(r[m.y]);
      if (!Number.isFinite(x) || !Number.isFinite(y) || r[m.y] === null) {
        missing++;
        continue;
      }
      const d: Datum = {
        kind: "sim",
        x,
        y,
        measure: m.label,
        exact: m.exact,
        flag: m.flag ? isFlagged(r[m.flag]) : false,
      };
      for (const c of CHANNELS) if (byChannel[c]) d[c] = valueOf(byChannel[c]!, r, m);
      const ci = m.ci ? Number(r[m.ci]) : NaN;
      if (Number.isFinite(ci)) {
        d.ci = ci;
        d.lo = y - Math.abs(ci);
        d.hi = y + Math.abs(ci);
      }
      // One line per (measure, color, dash): the detail channel groups by it. Printable, as vega writes it into aria-labels.
      d.key = [m.label, d.color, d.dash].filter((v) => v !== undefined).join(" · ");
      const key = JSON.stringify([x, d.frow, d.fcol, d.key]);
      const seen = sources.get(key);
      if (seen) duplicates.push([seen, r]);
      else sources.set(key, r);
      data.push(d);
    }
  }
  // The older form drew such rows as one zigzag line; it keeps doing so (notebooks written for it must still run),
  // and the caption says so. The grammar refuses them and names the column that tells them apart.
  if (duplicates.length > 0 && options.series)
    notes.push(`${duplicates.length} points share their x with another of their line`);
  else if (duplicates.length > 0) {
    const [a, b] = duplicates[0];
    // The columns that tell the two rows apart, parameters first: a column with few distinct values.
    const distinct = (k: string) => new Set(rows.map((r) => JSON.stringify(r[k]))).size;
    const differ = [...columns].filter(
      (k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]) && distinct(k) <= Math.max(2, rows.length / 2),
    );
    const at = [options.x, ...CHANNELS.map((c) => byChannel[c]?.field).filter((f) => f && f !== MEASURE)]
      .map((k) => `${k}=${String(a[k!])}`)
      .join(", ");
    throw new RangeError(
      `sweepChart: ${duplicates.length} point${duplicates.length === 1 ? " is" : "s are"} drawn twice (first at ${at}); ` +
        `put the column that tells the rows apart on color, strokeDash or facet${differ.length ? ` (they differ in: ${differ.join(", ")})` : ""}`,
    );
  }
  const simY = data.map((d) => d.y as number);
  const nonNegative = isNonNegative(options.yAxis, simY);
  const clamped = nonNegative ? clampWhiskersAtZero(data) : 0;

  // Published points: in the color legend under their label, in every panel of a faceted chart.
  const refLabel = options.reference ? (options.reference.label ?? "published") : undefined;
  const panels = distinctPanels(data);
  const refs: Datum[] = [];
  for (const p of options.reference?.points ?? []) {
    for (const panel of panels) {
      refs.push({
        kind: "ref",
        x: p.x,
        y: p.y,
        color: refLabel,
        ...panel,
        source: p.source,
        note: p.note ?? "",
        tx: withUnit(formatNumber(p.x), xUnit),
        ty: withUnit(formatNumber(p.y), yUnit),
      });
    }
  }

  // Legends sized to their labels (keys in the caption when even that cannot fit).
  const colorDomain = color
    ? [...channelLabels(data, rows, "color", color, measures), ...(refLabel ? [refLabel] : [])]
    : [];
  const colorLegend = color ? legendLayout(colorDomain, color.title, width) : undefined;
  const dashDomain = dash ? channelLabels(data, rows, "dash", dash, measures) : [];
  const dashLegend = dash ? legendLayout(dashDomain, dash.title, width) : undefined;
  relabel(data, "color", colorDomain, colorLegend?.labels);
  relabel(refs, "color", colorDomain, colorLegend?.labels);
  relabel(data, "dash", dashDomain, dashLegend?.labels);
  if (colorLegend?.note) notes.push(colorLegend.note);
  if (dashLegend?.note) notes.push(dashLegend.note);

  // Tooltip text, ready formatted.
  for (const d of data) {
    d.tx = withUnit(formatNumber(d.x as number), xUnit);
    d.ty = withUnit(formatWithCi(d.y as number, d.ci as number | undefined), yUnit);
    if (d.flag) d.tflag = "some replications gave no value (NaN); the mean is over the others";
  }

  // Ticks "at the data" are at the swept values; published points only widen the domain.
  const x = resolveAxis(
    "x",
    options.xAxis,
    { points: data.map((d) => d.x as number), extents: refs.map((d) => d.x as number) },
    width,
  );
  const y = resolveAxis(
    "y",
    options.yAxis,
    {
      points: [...data, ...refs].map((d) => d.y as number),
      extents: data.flatMap((d) => (typeof d.lo === "number" ? [d.lo, d.hi as number] : [])),
    },
    height,
  );
  // stack: null on both axes: vega-lite 5.6.1 (JupyterLab's) takes a band over an explicit-domain y scale for a
  // horizontal area and stacks it on x, drawing polygons across series and running the x axis past the data.
  const xEnc = {
    field: "x",
    type: "quantitative",
    title: axisTitle(xTitle, width),
    scale: x.scale,
    axis: x.axis,
    stack: null,
  };
  const yAxis = { ...y.axis };
  const yEnc = (field: string) => ({
    field,
    type: "quantitative",
    title: axisTitle(yTitle, height),
    scale: y.scale,
    axis: yAxis,
    stack: null,
  });
  const colorEnc = color
    ? {
        color: {
          field: "color",
          type: "nominal",
          title: color.title,
          scale: colorScale(colorLegend!.labels, refLabel),
          legend: colorLegend!.legend,
        },
      }
    : {};
  const exactNames = new Set(measures.filter((m) => m.exact).map((m) => m.label));
  const dashByMeasure = dash?.field === MEASURE;
  // The same column on color and strokeDash: one legend showing both, as vega-lite merges legends of one field.
  const sameAsColor = dash !== undefined && color !== undefined && dash.field === color.field;
  const dashEnc = dash
    ? {
        strokeDash: {
          field: sameAsColor ? "color" : "dash",
          type: "nominal",
          title: dash.title,
          scale: { domain: dashLegend!.labels, range: dashRange(dashDomain, dashByMeasure ? exactNames : new Set()) },
          legend: sameAsColor ? colorLegend!.legend : dashLegend!.legend,
        },
      }
    : {};
  const tooltip = [
    ...CHANNELS.filter((c) => byChannel[c] && byChannel[c]!.field !== MEASURE && !(c === "dash" && sameAsColor)).map(
      (c) => ({
        field: c,
        type: "nominal",
        title: byChannel[c]!.title ?? byChannel[c]!.field,
      }),
    ),
    ...(measures.length > 1 ? [{ field: "measure", type: "nominal", title: "measure" }] : []),
    { field: "tx", type: "nominal", title: xTitle },
    { field: "ty", type: "nominal", title: measures.length === 1 ? measures[0].label : "value" },
  ];
  const sim = "datum.kind === 'sim'";
  const layers: VegaLiteSpec[] = [];
  const errors = options.errors ?? "bars";
  const withCi = data.some((d) => typeof d.lo === "number");
  if (withCi && errors === "band") {
    layers.push({
      transform: [{ filter: `${sim} && isValid(datum.lo)` }],
      mark: { type: "area", opacity: 0.18, aria: false },
      encoding: { x: xEnc, y: yEnc("lo"), y2: { field: "hi" }, ...colorEnc, detail: { field: "key" } },
    });
  } else if (withCi && errors === "bars") {
    layers.push({
      transform: [{ filter: `${sim} && isValid(datum.lo)` }],
      mark: { type: "rule", strokeWidth: 1.5, aria: false },
      encoding: { x: xEnc, y: yEnc("lo"), y2: { field: "hi" }, ...colorEnc },
    });
    for (const end of ["lo", "hi"]) {
      layers.push({
        transform: [{ filter: `${sim} && isValid(datum.lo)` }],
        mark: { type: "tick", orient: "horizontal", size: 8, thickness: 1.5, aria: false },
        encoding: { x: xEnc, y: yEnc(end), ...colorEnc },
      });
    }
  }
  const solidAll = dashByMeasure || exactNames.size === 0;
  const solidFilter = solidAll ? sim : `${sim} && !datum.exact`;
  // A layer with no rows makes vega warn (an infinite extent): drawn only when some series is solid.
  if (data.some((d) => d.kind === "sim" && (solidAll || !d.exact)))
    layers.push({
      transform: [{ filter: solidFilter }],
      mark: { type: "line", strokeWidth: 2 },
      encoding: { x: xEnc, y: yEnc("y"), ...colorEnc, ...dashEnc, detail: { field: "key" } },
    });
  if (exactNames.size > 0 && !dashByMeasure) {
    layers.push({
      transform: [{ filter: `${sim} && datum.exact` }],
      mark: { type: "line", strokeDash: EXACT_DASH, strokeWidth: 2 },
      encoding: { x: xEnc, y: yEnc("y"), ...colorEnc, detail: { field: "key" } },
    });
  }
  if (exactNames.size > 0) {
    // Invisible points on exact curves, so that they have tooltips too.
    layers.push({
      transform: [{ filter: `${sim} && datum.exact` }],
      mark: { type: "point", opacity: 0, size: 60, aria: false },
      encoding: { x: xEnc, y: yEnc("y"), tooltip },
    });
  }
  if (drawn.length > 0) {
    layers.push({
      transform: [{ filter: `${sim} && !datum.exact && !datum.flag` }],
      mark: { type: "point", filled: true, size: 30, opacity: 1, ...(color ? {} : { color: PALETTE[0] }) },
      encoding: { x: xEnc, y: yEnc("y"), ...colorEnc, tooltip },
    });
  }
  const flagged = data.filter((d) => d.flag).length;
  if (flagged > 0) {
    layers.push({
      transform: [{ filter: `${sim} && datum.flag` }],
      mark: {
        type: "point",
        filled: false,
        size: 80,
        strokeWidth: 1.5,
        opacity: 1,
        ...(color ? {} : { color: PALETTE[0] }),
      },
      encoding: {
        x: xEnc,
        y: yEnc("y"),
        ...colorEnc,
        tooltip: [...tooltip, { field: "tflag", type: "nominal", title: "note" }],
      },
    });
  }
  if (refs.length > 0) {
    layers.push({
      transform: [{ filter: "datum.kind === 'ref'" }],
      mark: REFERENCE_MARK,
      encoding: {
        x: xEnc,
        y: yEnc("y"),
        ...colorEnc,
        tooltip: [
          { field: "source", type: "nominal", title: "source" },
          { field: "tx", type: "nominal", title: xTitle },
          { field: "ty", type: "nominal", title: yTitle },
          { field: "note", type: "nominal", title: "note" },
        ],
      },
    });
  }

  const values = [...data, ...refs];
  let body: VegaLiteSpec;
  let wrapWidth = width;
  if (frow || fcol) {
    const facet: Record<string, unknown> = {};
    const header = (c: Channel, labels: string[]) => ({
      field: c === frow ? "frow" : "fcol",
      type: "nominal",
      title: c.title,
      sort: labels,
      header: { labelLimit: widestText(labels, 11) + 8, titleLimit: 0 },
    });
    if (frow) facet.row = header(frow, channelLabels(data, rows, "frow", frow, measures));
    if (fcol) {
      const labels = channelLabels(data, rows, "fcol", fcol, measures);
      facet.column = header(fcol, labels);
      wrapWidth = width * labels.length;
    }
    body = { data: { values }, facet, spec: { width, height, layer: layers } };
  } else body = { data: { values }, width, height, layer: layers };

  const describe = (c: Channel | undefined) => (c && c.field !== MEASURE ? (c.title ?? c.field) : undefined);
  const parts = [
    `${yTitle} against ${xTitle}`,
    measures.length > 1 || !options.yAxis?.label ? `: ${measures.map((m) => m.label).join("; ")}` : "",
    describe(color) ? `, one color per ${describe(color)}` : "",
    describe(dash) ? `, one line style per ${describe(dash)}` : "",
    frow || fcol
      ? `; panels by ${[describe(frow), describe(fcol)].filter((s) => s !== undefined).join(" and ") || "measure"}`
      : "",
    withCi && errors !== "none" ? `; 95% CIs as ${errors === "band" ? "bands" : "error bars"}` : "",
    exactNames.size > 0 ? `; dashed: ${[...exactNames].join(", ")}` : "",
    clamped > 0 ? "; whiskers stop at 0" : "",
    flagged > 0 ? `; open circles: ${flagged} point${flagged === 1 ? "" : "s"} where some replications gave NaN` : "",
    refLabel ? `; ${refLabel} points` : "",
    x.kind === "symlog" ? "; x axis symmetric-log (linear near 0)" : "",
    y.kind === "symlog" ? "; y axis symmetric-log (linear near 0)" : "",
    missing > 0 ? `; ${missing} point${missing === 1 ? "" : "s"} without a value not drawn` : "",
    notes.length ? `; ${notes.join("; ")}` : "",
  ];
  const caption = options.caption ?? parts.join("");
  return { kind: "vega-lite", spec: chartSpec(options, caption, body, wrapWidth), caption };
}

/** Every combination of facet values among the data (one empty combination when not faceted). */
function distinctPanels(data: ReadonlyArray<Datum>): Array<Record<string, unknown>> {
  const seen = new Map<string, Record<string, unknown>>();
  for (const d of data) {
    const panel: Record<string, unknown> = {};
    if (d.frow !== undefined) panel.frow = d.frow;
    if (d.fcol !== undefined) panel.fcol = d.fcol;
    seen.set(JSON.stringify(panel), panel);
  }
  return seen.size ? [...seen.values()] : [{}];
}

/** A channel's values in legend order: measures as given, columns numerically or in order of appearance. */
function channelLabels(
  data: ReadonlyArray<Datum>,
  rows: ReadonlyArray<Record<string, unknown>>,
  name: ChannelName,
  c: Channel,
  measures: ReadonlyArray<ResolvedMeasure>,
): string[] {
  const present = new Set(data.map((d) => d[name] as string));
  if (c.field === MEASURE) return measures.map((m) => m.label).filter((l) => present.has(l));
  return distinctLabels(rows.map((r) => r[c.field])).filter((l) => present.has(l));
}

/** Replaces a channel's values by their drawn labels (legend keys), where they differ. */
function relabel(
  data: Datum[],
  field: ChannelName,
  domain: ReadonlyArray<string>,
  labels: ReadonlyArray<string> | undefined,
) {
  if (!labels) return;
  const map = new Map(domain.map((d, i) => [d, labels[i]]));
  for (const d of data)
    if (typeof d[field] === "string" && map.has(d[field] as string)) d[field] = map.get(d[field] as string);
}

/** Dash patterns for a strokeDash domain: solid first; exact measures get the exact dash. */
function dashRange(domain: ReadonlyArray<string>, exact: ReadonlySet<string>): number[][] {
  const others = DASHES.filter((d) => d !== DASHES[1]);
  let i = 0;
  return domain.map((d) => (exact.has(d) ? EXACT_DASH : others[i++ % others.length]));
}
