/**
 * Chart builders: each spec compiles with Vega-Lite without warnings and renders (in Node, through vega's headless
 * View) to the SVG kept in test/notebook/snapshots/, so a change in what a chart shows fails here without a browser.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  barChart,
  cdfChart,
  chartBundle,
  heatmapChart,
  renderVegaLiteSvg,
  sweepChart,
  timelineChart,
  type Chart,
  type VegaLiteSpec,
} from "../../src/notebook";
import { Trace } from "../../src/sim/trace";
import { matchSnapshot } from "./helpers";

async function svgOf(spec: VegaLiteSpec): Promise<string> {
  const { svg, warnings } = await renderVegaLiteSvg(spec);
  assert.deepEqual(warnings, [], "Vega-Lite warned about the spec");
  assert.match(svg, /^<svg/);
  return svg + "\n";
}

async function checkVega(name: string, chart: Chart): Promise<string> {
  assert.equal(chart.kind, "vega-lite");
  const svg = await svgOf((chart as { spec: VegaLiteSpec }).spec);
  matchSnapshot(`${name}.svg`, svg);
  return svg;
}

// A sweep the way a ResultSet reports it: a row per point, mean and Ci95 per observable.
const sweepRows = [1, 2, 4, 8, 16, 32].flatMap((threads) =>
  [100, 400].map((holdNs) => ({
    threads,
    holdNs,
    meanWaitNs: threads * threads * holdNs * 0.02,
    meanWaitNsCi95: threads * holdNs * 0.01,
    waitP99Ns: threads * threads * holdNs * 0.09 + 50,
    waitP99NsCi95: threads * holdNs * 0.03,
    exactMeanWaitNs: threads * threads * holdNs * 0.021,
  })),
);

test("sweep chart: error bars, a dashed exact curve, published points, log x", async () => {
  const chart = sweepChart({
    title: "wait against threads",
    rows: sweepRows.filter((r) => r.holdNs === 100),
    x: "threads",
    xAxis: { label: "threads", log: true },
    yAxis: { label: "wait (ns)" },
    series: [
      { y: "meanWaitNs", ci: "meanWaitNsCi95", label: "mean" },
      { y: "exactMeanWaitNs", label: "exact", dashed: true },
    ],
    reference: { label: "published (LKML)", points: [{ x: 8, y: 150, source: "<msg-id@example>", note: "8 vCPUs" }] },
  });
  const svg = await checkVega("sweep-errorbars", chart);
  assert.match(svg, /published \(LKML\)/, "the legend names the published points");
  assert.equal(chart.caption, "wait (ns) against threads: mean; exact; 95% CIs as error bars; published (LKML) points");
});

test("sweep chart: quantile bands split by a second parameter", async () => {
  const chart = sweepChart({
    rows: sweepRows,
    x: "threads",
    groupBy: "holdNs",
    errors: "band",
    yAxis: { label: "wait (ns)", log: true },
    series: [
      { y: "meanWaitNs", ci: "meanWaitNsCi95", label: "mean" },
      { y: "waitP99Ns", ci: "waitP99NsCi95", label: "p99" },
    ],
  });
  const svg = await checkVega("sweep-bands", chart);
  assert.match(svg, /p99, holdNs=400/);
});

test("sweep chart: names a missing column", () => {
  assert.throws(
    () => sweepChart({ rows: sweepRows, x: "thread", series: [{ y: "meanWaitNs" }] }),
    /no column 'thread'; columns: threads, holdNs/,
  );
});

test("CDF chart: several series with a legend, log axis drops zero", async () => {
  const series = ["fifo", "ticket"].map((name, k) => ({
    name,
    points: Array.from({ length: 50 }, (_, i) => ({
      value: i * (10 + 5 * k),
      fraction: 1 - Math.exp(-i / (8 + 4 * k)),
    })),
  }));
  const chart = cdfChart({ title: "wait CDF", series, x: { label: "wait (ns)", log: true } });
  await checkVega("cdf", chart);
  assert.match(
    chart.caption,
    /CDF of wait \(ns\): fifo; ticket \(2 points at or below zero not drawn on the log axis\)/,
  );
});

test("heatmap and grouped bars", async () => {
  await checkVega(
    "heatmap",
    heatmapChart({
      rows: sweepRows,
      x: "threads",
      y: "holdNs",
      value: "meanWaitNs",
      valueLabel: "mean wait (ns)",
      logColor: true,
    }),
  );
  await checkVega(
    "bars",
    barChart({
      rows: sweepRows.filter((r) => r.threads <= 8),
      category: "threads",
      group: "holdNs",
      value: "meanWaitNs",
      ci: "meanWaitNsCi95",
      valueLabel: "mean wait (ns)",
    }),
  );
});

test("timeline: a plotly Gantt from Trace.intervals, with a Vega-Lite SVG fallback", async () => {
  const trace = new Trace();
  trace.record(0, "thread0", "acquired", "mutex");
  trace.record(5, "thread1", "wait", "mutex");
  trace.record(40, "thread0", "release", "mutex");
  trace.record(40, "thread1", "acquired", "mutex");
  trace.record(55, "thread10", "wait", "mutex");
  trace.record(90, "thread1", "release", "mutex");
  trace.record(90, "thread10", "acquired", "mutex");
  trace.record(120, "thread10", "release", "mutex");
  const chart = timelineChart({
    intervals: trace.intervals({ wait: "acquired", acquired: "release" }),
    stateLabels: { wait: "waits", acquired: "holds" },
  });
  assert.equal(chart.kind, "plotly");
  matchSnapshot("timeline.plotly.json", JSON.stringify(chart.figure, null, 1) + "\n");
  const yaxis = chart.figure.layout.yaxis as { categoryarray: string[] };
  assert.deepEqual(yaxis.categoryarray, ["thread10", "thread1", "thread0"], "natural order, first actor on top");
  assert.equal(chart.caption, "Timeline of 3 actors over 120 ns: holds (3), waits (2)");
  matchSnapshot("timeline-fallback.svg", await svgOf(chart.fallback!));
  const bundle = await chartBundle(chart);
  assert.deepEqual(Object.keys(bundle), ["application/vnd.plotly.v1+json", "image/svg+xml", "text/plain"]);
  assert.throws(() => timelineChart({ intervals: [] }), /no intervals/);
});

test("a Vega-Lite bundle holds the spec, the SVG and the caption, and no HTML", async () => {
  const chart = cdfChart({
    series: [
      {
        name: "a",
        points: [
          { value: 1, fraction: 0.5 },
          { value: 2, fraction: 1 },
        ],
      },
    ],
  });
  const bundle = await chartBundle(chart);
  assert.deepEqual(Object.keys(bundle), ["application/vnd.vegalite.v5+json", "image/svg+xml", "text/plain"]);
  assert.equal(
    (bundle["application/vnd.vegalite.v5+json"] as { $schema: string }).$schema,
    "https://vega.github.io/schema/vega-lite/v5.json",
  );
});
