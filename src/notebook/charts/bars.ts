/** Grouped bar chart: a value per category, side by side per group (a color each), with optional 95% CI error bars. */
import type { VegaLiteChart } from "../chart";
import type { VegaLiteSpec } from "../vega-render";
import {
  AXIS_LABEL_FONT_SIZE,
  chartSpec,
  colorScale,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  distinctLabels,
  requireColumns,
  rowsOf,
  type ChartOptions,
  type RowSource,
} from "./common";
import { formatWithCi, unitOfLabel, withUnit } from "./format";
import { legendLayout } from "./legend";
import { clampWhiskersAtZero, isNonNegative, resolveAxis } from "./scales";
import { axisTitle, widestText } from "./text";

export interface BarChartOptions extends ChartOptions {
  /**
   * Long-format rows: a ResultSet or an array of records, one per bar.
   * @example rows: staleRuns.where({faultRatePerSec: 300000})
   */
  rows: RowSource;
  /**
   * Column naming each bar's category (x axis).
   * @example category: "protocol"
   */
  category: string;
  /**
   * Column with the bar height.
   * @example value: "staleTranslations"
   */
  value: string;
  /**
   * Column splitting each category into side-by-side bars, one color per value (`color` is the same option).
   * @example group: "fillDrainOnFlush"
   */
  group?: string;
  /**
   * The same as `group`, named as in the sweep chart's grammar.
   * @example color: "owner"
   */
  color?: string;
  /**
   * Column with the 95% CI half-width of `value`: default `<value>Ci95` when the rows have it; null for none.
   * @example ci: "shareCi95"
   */
  ci?: string | null;
  /**
   * Title of the category axis (default: the column name).
   * @example categoryLabel: "generation age (0 = youngest)"
   */
  categoryLabel?: string;
  /**
   * Title of the value axis; put the unit in trailing parentheses, and tooltips show it.
   * @example valueLabel: "CPU (ms per s)"
   */
  valueLabel?: string;
  /**
   * Title of the group legend (default: the column name).
   * @example groupLabel: "drain on flush"
   */
  groupLabel?: string;
  /**
   * Logarithmic value axis, ending at 1-2-5 values around the bars.
   * @example log: true
   */
  log?: boolean;
  /**
   * The value cannot be negative, so whiskers stop at 0. Default: true when no bar is below 0; pass false for
   * differences.
   */
  nonNegative?: boolean;
}

/**
 * Builds a grouped bar chart.
 * @example barChart({rows, category: "protocol", value: "staleTranslations", group: "fillDrainOnFlush"})
 */
export function barChart(options: BarChartOptions): VegaLiteChart {
  const rows = rowsOf(options.rows);
  const groupCol = options.group ?? options.color;
  const columns = new Set(rows.flatMap((r) => Object.keys(r)));
  const ciCol =
    options.ci === null
      ? undefined
      : (options.ci ?? (columns.has(`${options.value}Ci95`) ? `${options.value}Ci95` : undefined));
  requireColumns("barChart", rows, [options.category, options.value, groupCol, ciCol]);
  const cTitle = options.categoryLabel ?? options.category;
  const vTitle = options.valueLabel ?? options.value;
  const gTitle = options.groupLabel ?? groupCol ?? "";
  const unit = unitOfLabel(options.valueLabel);
  const width = options.width ?? DEFAULT_WIDTH;
  const categories = distinctLabels(rows.map((r) => r[options.category]));
  const groups = groupCol ? distinctLabels(rows.map((r) => r[groupCol])) : [];
  const legend = groupCol ? legendLayout(groups, gTitle, width) : undefined;
  const groupLabel = new Map(groups.map((g, i) => [g, legend!.labels[i]]));
  const values = rows
    .map((r) => {
      const v = Number(r[options.value]);
      const ci = ciCol ? Number(r[ciCol]) : NaN;
      const row: Record<string, unknown> = {
        c: String(r[options.category]),
        v,
        g: groupCol ? groupLabel.get(String(r[groupCol])) : "",
        tv: withUnit(formatWithCi(v, Number.isFinite(ci) ? ci : undefined), unit),
      };
      if (Number.isFinite(ci)) Object.assign(row, { lo: v - Math.abs(ci), hi: v + Math.abs(ci) });
      return row;
    })
    .filter((r) => Number.isFinite(r.v));
  const nonNegative = isNonNegative(
    { nonNegative: options.nonNegative },
    values.map((r) => r.v as number),
  );
  const clamped = nonNegative ? clampWhiskersAtZero(values) : 0;
  const y = resolveAxis(
    "y",
    { log: options.log, nonNegative },
    {
      points: values.map((r) => r.v as number),
      extents: values.flatMap((r) => (typeof r.lo === "number" ? [r.lo, r.hi as number] : [])),
    },
    options.height ?? DEFAULT_HEIGHT,
  );
  const yScale = y.kind === "linear" ? { ...y.scale, zero: true } : y.scale;
  const perCategory = width / Math.max(1, categories.length);
  const widest = widestText(categories, AXIS_LABEL_FONT_SIZE) + 4;
  const angled = widest > perCategory * 0.9;
  const x = {
    field: "c",
    type: "nominal",
    title: axisTitle(cTitle, width),
    sort: categories,
    scale: { paddingInner: 0.2, paddingOuter: 0.1 },
    axis: angled
      ? { labelAngle: -30, labelAlign: "right", labelBaseline: "middle", labelLimit: widest }
      : { labelAngle: 0, labelLimit: widest },
  };
  const xOffset = groupCol
    ? { xOffset: { field: "g", type: "nominal", sort: legend!.labels, scale: { paddingInner: 0.05, paddingOuter: 0 } } }
    : {};
  const yEnc = (field: string) => ({
    field,
    type: "quantitative",
    title: axisTitle(vTitle, options.height ?? DEFAULT_HEIGHT),
    scale: yScale,
    axis: y.axis,
    stack: null,
  });
  const color = groupCol
    ? {
        color: {
          field: "g",
          type: "nominal",
          title: gTitle,
          scale: colorScale(legend!.labels),
          legend: legend!.legend,
        },
      }
    : {};
  const layers: VegaLiteSpec[] = [
    {
      mark: { type: "bar" },
      encoding: {
        x,
        ...xOffset,
        y: yEnc("v"),
        ...color,
        tooltip: [
          { field: "c", type: "nominal", title: cTitle },
          ...(groupCol ? [{ field: "g", type: "nominal", title: gTitle }] : []),
          { field: "tv", type: "nominal", title: vTitle },
        ],
      },
    },
  ];
  const withCi = values.some((r) => typeof r.lo === "number");
  if (withCi) {
    const ci = [{ filter: "isValid(datum.lo)" }];
    layers.push({
      transform: ci,
      mark: { type: "rule", strokeWidth: 1.5, color: "#333", aria: false },
      encoding: { x, ...xOffset, y: yEnc("lo"), y2: { field: "hi" } },
    });
    for (const end of ["lo", "hi"])
      layers.push({
        transform: ci,
        mark: { type: "tick", orient: "horizontal", size: 8, thickness: 1.5, color: "#333", aria: false },
        encoding: { x, ...xOffset, y: yEnc(end) },
      });
  }
  const caption =
    options.caption ??
    `${vTitle} per ${cTitle}${groupCol ? ` and ${gTitle}` : ""}${withCi ? ", with 95% CI error bars" : ""}` +
      `${clamped > 0 ? " (whiskers stop at 0)" : ""}${legend?.note ? `; ${legend.note}` : ""}`;
  const body = { data: { values }, width, height: options.height ?? DEFAULT_HEIGHT, layer: layers };
  return { kind: "vega-lite", spec: chartSpec(options, caption, body), caption };
}
