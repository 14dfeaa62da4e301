/**
 * Timeline (Gantt chart) of who holds or waits for what, from Trace.intervals(): one row per actor, one colored bar
 * per interval, drawn with plotly (zoom and pan matter on long traces). Intervals of one actor that overlap (a cache
 * miss inside a lock hold, a wait begun while holding another lock) go into sub-lanes of the actor's row, so none
 * hides another. The static fallback is the same picture drawn by Vega-Lite and rendered to SVG in the kernel.
 */
import type { PlotlyChart } from "../chart";
import { escapeHtml } from "../html";
import { AXIS_LABEL_FONT_SIZE, chartSpec, colorScale, PALETTE, type ChartOptions } from "./common";
import { legendLayout } from "./legend";
import { widestText, wrapText } from "./text";

/** One interval, as Trace.intervals() returns it. */
export interface TimelineInterval {
  /** The actor: a row of the chart. */
  who: string;
  /** What the interval is about, e.g. the lock's name. */
  on: string;
  /** The state during the interval, e.g. "wait" or "acquired". */
  state: string;
  /** Start and end in simulated ns. */
  start: number;
  end: number;
}

export interface TimelineOptions extends ChartOptions {
  /**
   * The intervals, e.g. `trace.intervals({wait: "acquired", acquired: "release"})`.
   * @example intervals: traced.trace!.intervals({wait: "acquired", acquired: "release"})
   */
  intervals: ReadonlyArray<TimelineInterval>;
  /**
   * Legend names per state; states not listed keep their name.
   * @example stateLabels: {wait: "waits", acquired: "holds"}
   */
  stateLabels?: Record<string, string>;
  /**
   * Colors per state (CSS colors); defaults cycle through a palette in order of first appearance.
   * @example stateColors: {wait: "#f58518", acquired: "#4c78a8"}
   */
  stateColors?: Record<string, string>;
  /**
   * Unit of the time axis (default "ns"; the trace is in ns either way).
   * @example timeUnit: "us"
   */
  timeUnit?: "ns" | "us" | "ms";
}

const UNIT_NS = { ns: 1, us: 1e3, ms: 1e6 } as const;
/** Share of an actor's row its bars fill (the rest separates rows). */
const ROW_FILL = 0.8;

/** "thread2" before "thread10". */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

/**
 * Sub-lanes per actor (used by timelineChart; exported for tests): each interval goes into the first lane of its actor that is free at its start (intervals
 * sorted by start, longer first), so intervals in one lane never overlap.
 */
export function assignLanes(intervals: ReadonlyArray<TimelineInterval>): {
  lane: number[];
  lanes: Map<string, number>;
} {
  const lane = new Array<number>(intervals.length).fill(0);
  const lanes = new Map<string, number>();
  const byActor = new Map<string, number[]>();
  intervals.forEach((iv, i) => byActor.set(iv.who, [...(byActor.get(iv.who) ?? []), i]));
  for (const [who, idx] of byActor) {
    idx.sort((a, b) => intervals[a].start - intervals[b].start || intervals[b].end - intervals[a].end || a - b);
    const ends: number[] = [];
    for (const i of idx) {
      let l = ends.findIndex((end) => end <= intervals[i].start);
      if (l < 0) l = ends.push(0) - 1;
      ends[l] = intervals[i].end;
      lane[i] = l;
    }
    lanes.set(who, Math.max(1, ends.length));
  }
  return { lane, lanes };
}

/**
 * Builds a timeline.
 * @example timelineChart({intervals, stateLabels: {wait: "waits", acquired: "holds"}, timeUnit: "us"})
 */
export function timelineChart(options: TimelineOptions): PlotlyChart {
  const ivs = options.intervals;
  if (ivs.length === 0)
    throw new RangeError(
      "timelineChart: no intervals; was the run traced ({trace: true}) and are the span names right?",
    );
  const unit = options.timeUnit ?? "ns";
  const scale = UNIT_NS[unit];
  const actors = [...new Set(ivs.map((i) => i.who))].sort(naturalCompare);
  const states = [...new Set(ivs.map((i) => i.state))];
  const label = (s: string) => options.stateLabels?.[s] ?? s;
  const color = (s: string) => options.stateColors?.[s] ?? PALETTE[states.indexOf(s) % PALETTE.length];
  const round = (v: number) => Number((v / scale).toPrecision(12));
  const { lane, lanes } = assignLanes(ivs);
  const nested = [...lanes.values()].some((n) => n > 1);
  // Row k (from the top) spans k - 0.4 .. k + 0.4; its lanes split that span evenly.
  const place = (i: number) => {
    const k = actors.indexOf(ivs[i].who);
    const n = lanes.get(ivs[i].who)!;
    const thickness = ROW_FILL / n;
    const center = k - ROW_FILL / 2 + thickness * (lane[i] + 0.5);
    return { center, thickness };
  };
  const t0 = Math.min(...ivs.map((i) => i.start));
  const t1 = Math.max(...ivs.map((i) => i.end));
  const caption =
    options.caption ??
    `Timeline of ${actors.length} actors over ${round(t1 - t0)} ${unit}: ${states.map((s) => `${label(s)} (${ivs.filter((i) => i.state === s).length})`).join(", ")}` +
      `${nested ? "; overlapping intervals of one actor in sub-lanes" : ""}`;

  const data = states.map((state) => {
    const mine = ivs.map((iv, i) => ({ iv, i })).filter(({ iv }) => iv.state === state);
    return {
      type: "bar",
      orientation: "h",
      name: label(state),
      y: mine.map(({ i }) => Number(place(i).center.toFixed(6))),
      width: mine.map(({ i }) => Number(place(i).thickness.toFixed(6))),
      base: mine.map(({ iv }) => round(iv.start)),
      x: mine.map(({ iv }) => round(iv.end - iv.start)),
      customdata: mine.map(({ iv }) => [iv.who, iv.on, round(iv.start), round(iv.end)]),
      marker: { color: color(state) },
      hovertemplate: `%{customdata[0]} ${label(state)} %{customdata[1]}<br>%{customdata[2]} to %{customdata[3]} ${unit} (%{x} ${unit})<extra></extra>`,
    };
  });
  const rowPx = (who: string) => 26 + 10 * (lanes.get(who)! - 1);
  const plotPx = actors.reduce((s, a) => s + rowPx(a), 0);
  const width = options.width ?? 760;
  const titleLines = options.title ? wrapText(options.title, width - 120, 16) : [];
  const captionLines = wrapText(caption, width - 120, 12);
  const titleHtml = [
    ...titleLines.map(escapeHtml),
    ...captionLines.map((l) => `<span style="font-size:12px;color:#57606a">${escapeHtml(l)}</span>`),
  ].join("<br>");
  const top = 24 + 18 * (titleLines.length + captionLines.length);
  const height = options.height ?? Math.max(220, top + 60 + plotPx);
  const layout: Record<string, unknown> = {
    barmode: "overlay",
    height,
    width,
    margin: { l: 90, r: 20, t: top, b: 50 },
    title: { text: titleHtml, x: 0.01, xanchor: "left", y: 0.99, yanchor: "top" },
    xaxis: { title: { text: `simulated time (${unit})` }, zeroline: false },
    // Numeric rows so that sub-lanes can sit inside them; reversed so the first actor is on top.
    yaxis: {
      tickmode: "array",
      tickvals: actors.map((_, k) => k),
      ticktext: actors,
      range: [actors.length - 0.5, -0.5],
      automargin: true,
      zeroline: false,
      showgrid: false,
    },
    // Beside the plot, where it cannot run into the time axis' title.
    legend: { orientation: "v", x: 1.02, xanchor: "left", y: 1, yanchor: "top" },
    hovermode: "closest",
    // Reports show the caption under the figure instead of in the title.
    meta: { mmsim: { caption, title: options.title ?? null } },
  };

  // The static fallback: the same rows and lanes in Vega-Lite, rendered to SVG in the kernel.
  const domain = states.map(label);
  const legend = legendLayout(domain, null, width);
  const drawnLabel = new Map(domain.map((d, i) => [d, legend.labels[i]]));
  const fallbackValues = ivs.map((iv, i) => {
    const { center, thickness } = place(i);
    return {
      state: drawnLabel.get(label(iv.state)),
      start: round(iv.start),
      end: round(iv.end),
      top: center - thickness / 2,
      bottom: center + thickness / 2,
    };
  });
  const names = JSON.stringify(actors);
  const fallbackBody = {
    data: { values: fallbackValues },
    width: Math.min(width, 640),
    height: Math.max(120, plotPx),
    mark: { type: "rect" },
    encoding: {
      x: {
        field: "start",
        type: "quantitative",
        title: `simulated time (${unit})`,
        scale: { zero: false, nice: false },
        stack: null,
      },
      x2: { field: "end" },
      y: {
        field: "top",
        type: "quantitative",
        title: null,
        scale: { domain: [actors.length - 0.5, -0.5], nice: false, zero: false },
        axis: {
          values: actors.map((_, k) => k),
          labelExpr: `${names}[datum.value]`,
          grid: false,
          labelLimit: widestText(actors, AXIS_LABEL_FONT_SIZE) + 4,
        },
        stack: null,
      },
      y2: { field: "bottom" },
      color: {
        field: "state",
        type: "nominal",
        title: null,
        scale: { ...colorScale(legend.labels), range: states.map(color) },
        legend: legend.legend,
      },
    },
  };
  const fallback = chartSpec({ ...options, width: Math.min(width, 640) }, caption, fallbackBody);
  return { kind: "plotly", figure: { data, layout }, caption, fallback };
}
