/**
 * Legends sized to their labels. vega's default label limit (160 px) cuts labels in the kernel's SVG, whose text
 * widths are estimated (see text.ts), so that entries can end up reading the same ("mean wait, missNs=…" five times).
 * Here the limit is the widest label: a legend of short labels sits at the right, one of long labels goes below the
 * plot, and labels too long even for that are replaced by numbered keys spelt out in the caption.
 */
import { estimateTextWidth, widestText } from "./text";

/** Font sizes of legend labels and titles (vega-lite's config uses the same). */
export const LEGEND_LABEL_FONT_SIZE = 11;
export const LEGEND_TITLE_FONT_SIZE = 11;

/** Labels wider than this (by the estimate) move the legend below the plot. */
const RIGHT_LEGEND_MAX_PX = 260;

export interface LegendLayout {
  /** vega-lite legend properties. */
  legend: Record<string, unknown>;
  /** The labels as drawn: the originals, or numbered keys when they were too long for any legend. */
  labels: string[];
  /** A sentence for the caption spelling out the keys, when keys were used. */
  note?: string;
}

/** Lays out a legend of `labels` under `title` beside or below a plot `plotWidth` px wide. */
export function legendLayout(labels: ReadonlyArray<string>, title: string | null, plotWidth: number): LegendLayout {
  const titleWidth = title ? estimateTextWidth(title, LEGEND_TITLE_FONT_SIZE) + 4 : 0;
  const widest = widestText(labels, LEGEND_LABEL_FONT_SIZE) + 4;
  if (widest <= RIGHT_LEGEND_MAX_PX) {
    return {
      legend: {
        orient: "right",
        labelLimit: widest,
        titleLimit: Math.max(titleWidth, widest + 24),
      },
      labels: [...labels],
    };
  }
  if (widest <= plotWidth) {
    const columns = widest * 2 + 40 <= plotWidth ? 2 : 1;
    return {
      legend: {
        orient: "bottom",
        direction: "vertical",
        columns,
        labelLimit: widest,
        titleLimit: Math.max(titleWidth, plotWidth),
      },
      labels: [...labels],
    };
  }
  // Too long for any legend: numbered keys, the full names in the caption.
  const keys = labels.map((l, i) => `(${i + 1}) ${l.slice(0, 24).replace(/\s+\S*$/, "")}…`);
  return {
    legend: {
      orient: "bottom",
      direction: "vertical",
      columns: 1,
      labelLimit: widestText(keys, LEGEND_LABEL_FONT_SIZE) + 4,
      titleLimit: Math.max(titleWidth, plotWidth),
    },
    labels: keys,
    note: `legend keys: ${labels.map((l, i) => `(${i + 1}) ${l}`).join("; ")}`,
  };
}
