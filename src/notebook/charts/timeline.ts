/**
 * Timeline (Gantt chart) of who holds or waits for what, from Trace.intervals(): one row per actor, one colored bar
 * per interval, drawn with plotly (zoom and pan matter on long traces). The static fallback is the same picture
 * drawn by Vega-Lite and rendered to SVG in the kernel.
 */
import type { PlotlyChart } from "../chart";
import { baseSpec, type ChartOptions } from "./common";

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
  intervals: ReadonlyArray<TimelineInterval>;
  /** Legend names per state, e.g. {wait: "waits", acquired: "holds"}; states not listed keep their name. */
  stateLabels?: Record<string, string>;
  /** Colors per state (CSS colors); defaults cycle through a palette in order of first appearance. */
  stateColors?: Record<string, string>;
  /** Unit of the time axis (default "ns"; the trace is in ns either way). */
  timeUnit?: "ns" | "us" | "ms";
}

const PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#eeca3b", "#9d755d"];
const UNIT_NS = { ns: 1, us: 1e3, ms: 1e6 } as const;

/** "thread2" before "thread10". */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

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
  const data = states.map((state) => {
    const mine = ivs.filter((i) => i.state === state);
    return {
      type: "bar",
      orientation: "h",
      name: label(state),
      y: mine.map((i) => i.who),
      base: mine.map((i) => round(i.start)),
      x: mine.map((i) => round(i.end - i.start)),
      customdata: mine.map((i) => [i.on, round(i.start), round(i.end)]),
      marker: { color: color(state) },
      hovertemplate: `%{y} ${label(state)} %{customdata[0]}<br>%{customdata[1]} to %{customdata[2]} ${unit} (%{x} ${unit})<extra></extra>`,
    };
  });
  const height = options.height ?? Math.max(220, 90 + 26 * actors.length);
  const layout: Record<string, unknown> = {
    barmode: "overlay",
    height,
    width: options.width ?? 760,
    margin: { l: 90, r: 20, t: options.title ? 50 : 20, b: 50 },
    xaxis: { title: { text: `simulated time (${unit})` }, zeroline: false },
    // Reversed so the first actor is on top, as in a trace read from the top.
    yaxis: { type: "category", categoryorder: "array", categoryarray: [...actors].reverse(), automargin: true },
    legend: { orientation: "h", y: -0.2 },
    hovermode: "closest",
  };
  if (options.title) layout.title = { text: options.title };
  const fallbackValues = ivs.map((i) => ({
    who: i.who,
    state: label(i.state),
    start: round(i.start),
    end: round(i.end),
  }));
  const fallback = {
    ...baseSpec({
      ...options,
      width: options.width ?? 640,
      height: options.height ?? Math.max(120, 22 * actors.length),
    }),
    data: { values: fallbackValues },
    mark: { type: "bar" },
    encoding: {
      y: { field: "who", type: "nominal", title: null, sort: actors },
      x: { field: "start", type: "quantitative", title: `simulated time (${unit})` },
      x2: { field: "end" },
      color: {
        field: "state",
        type: "nominal",
        title: null,
        scale: { domain: states.map(label), range: states.map(color) },
      },
    },
  };
  const t0 = Math.min(...ivs.map((i) => i.start));
  const t1 = Math.max(...ivs.map((i) => i.end));
  const caption =
    options.caption ??
    `Timeline of ${actors.length} actors over ${round(t1 - t0)} ${unit}: ${states.map((s) => `${label(s)} (${ivs.filter((i) => i.state === s).length})`).join(", ")}`;
  return { kind: "plotly", figure: { data, layout }, caption, fallback };
}
