/**
 * Chart builders: each spec compiles without warnings under the project's vega-lite and JupyterLab's (5.6.1), both
 * draw the same marks in the same places, no legend repeats or cuts an entry, and the kernel's SVG matches the one
 * kept in test/notebook/snapshots/, so a change in what a chart shows fails here without a browser.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  barChart,
  cdfChart,
  chartBundle,
  heatmapChart,
  sweepChart,
  timelineChart,
  type Chart,
  type VegaLiteSpec,
} from "../../src/notebook";
import { formatNumber, formatWithCi, unitOfLabel } from "../../src/notebook/charts/format";
import { legendLayout } from "../../src/notebook/charts/legend";
import { ceil125, floor125, logAxis } from "../../src/notebook/charts/scales";
import { assignLanes } from "../../src/notebook/charts/timeline";
import { Trace } from "../../src/sim/trace";
import {
  assertLegendsReadable,
  assertLoadableSvg,
  legendEntries,
  JUPYTERLAB_VEGA_LITE,
  renderWith,
  PROJECT_VEGA_LITE,
  versionDifferences,
} from "./charts-render";
import { matchSnapshot } from "./helpers";

type Layer = {
  mark: { type: string; filled?: boolean };
  encoding: Record<string, Record<string, unknown>>;
  transform?: Array<{ filter: string }>;
};

/** Every check a chart must pass; returns the kernel's SVG. */
async function check(name: string, chart: Chart, snapshot = true): Promise<string> {
  const spec = (chart.kind === "vega-lite" ? chart.spec : chart.fallback) as VegaLiteSpec;
  assert.deepEqual(await versionDifferences(spec), [], `${name}: the two vega-lite versions draw it differently`);
  const bundle = await chartBundle(chart);
  const svg = bundle["image/svg+xml"] as string;
  assert.match(
    svg,
    /^<svg[^>]* role="img" aria-label="[^"]+"><title>[^<]+<\/title>/,
    `${name}: the SVG has no alt text`,
  );
  assertLoadableSvg(name, svg);
  assertLegendsReadable(name, svg);
  if (snapshot) matchSnapshot(`${name}.svg`, svg + "\n");
  return svg;
}

function layers(spec: VegaLiteSpec): Layer[] {
  const flat = (s: Record<string, unknown>): Layer[] =>
    Array.isArray(s.layer)
      ? (s.layer as Record<string, unknown>[]).flatMap(flat)
      : s.mark
        ? [s as unknown as Layer]
        : [];
  return flat((spec.spec as Record<string, unknown>) ?? spec);
}

function dataOf(spec: VegaLiteSpec): Array<Record<string, unknown>> {
  return (spec.data as { values: Array<Record<string, unknown>> }).values;
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

test("numbers in tooltips: rounded at the CI's second digit, units from the axis label", () => {
  assert.equal(formatWithCi(1234.567, 12.34), "1,235 ± 12");
  assert.equal(formatWithCi(0.01234, 0.00056), "0.01234 ± 0.00056");
  assert.equal(formatWithCi(123456, 2345), "123,500 ± 2,300");
  assert.equal(formatWithCi(1.2, 0.052), "1.200 ± 0.052");
  assert.equal(formatWithCi(5, undefined), "5");
  assert.equal(formatWithCi(5, NaN), "5");
  assert.equal(formatNumber(1234.5678), "1,235");
  assert.equal(formatNumber(0.000123456), "0.0001235");
  assert.equal(formatNumber(65536), "65,536");
  assert.equal(formatNumber(2.5e-7), "2.5e-7");
  assert.equal(unitOfLabel("writer wait p99 (ns)"), "ns");
  assert.equal(unitOfLabel("share of faults (fallbackRate)"), "fallbackRate");
  assert.equal(unitOfLabel("VMAs the 48 threads fault in (48 = each its own, 1 = one huge VMA)"), undefined);
});

test("log axes end at 1-2-5 values around the data, with ticks there", () => {
  assert.equal(floor125(3996), 2000);
  assert.equal(ceil125(15507), 20000);
  assert.equal(ceil125(50), 50);
  assert.deepEqual(logAxis(3996, 15507, 16), { domain: [2000, 20000], ticks: [2000, 5000, 10000, 20000] });
  // Too many 1-2-5 values for the room: powers of ten, the axis ending at the one above the data.
  assert.deepEqual(logAxis(3, 112000, 8), { domain: [1, 1e6], ticks: [1, 10, 100, 1000, 10000, 100000, 1000000] });
  assert.deepEqual(logAxis(3, 112000, 4), { domain: [1, 1e6], ticks: [1, 100, 10000, 1000000] });
});

test("sweep chart (series form): error bars, a dashed exact curve, published points, log x", async () => {
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
  const svg = await check("sweep-errorbars", chart);
  assert.deepEqual(legendEntries(svg), [["mean", "exact", "published (LKML)"]]);
  assert.equal(
    chart.caption,
    "wait (ns) against threads: mean; exact; 95% CIs as error bars; dashed: exact; published (LKML) points",
  );
  // Ticks at the swept values on a log x axis; the caption is under the title.
  const x = layers(chart.spec)[0].encoding.x as { axis: { values: number[] } };
  assert.deepEqual(x.axis.values, [1, 2, 4, 8, 16, 32]);
  assert.deepEqual((chart.spec.title as { subtitle: string[] }).subtitle.join(" "), chart.caption);
  // Tooltips are ready strings with units; no "NaN" for the exact curve, which has no CI.
  const data = dataOf(chart.spec);
  assert.ok(data.every((d) => !String(d.ty).includes("NaN")));
  assert.equal(data.find((d) => d.measure === "mean" && d.x === 8)!.ty, "128.0 ± 8.0 ns");
  assert.equal(data.find((d) => d.measure === "exact" && d.x === 8)!.ty, "134.4 ns");
});

test("sweep chart (series form): groupBy becomes color, several series strokeDash; legends read distinctly", async () => {
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
  const svg = await check("sweep-bands", chart);
  assert.deepEqual(legendEntries(svg), [
    ["100", "400"],
    ["mean", "p99"],
  ]);
  const band = layers(chart.spec).find((l) => l.mark.type === "area")!;
  assert.equal(band.encoding.y.stack, null, "bands are never stacked (vega-lite 5.6.1 would)");
  assert.equal(band.encoding.x.stack, null);
});

test("the grammar: long rows, color and strokeDash by column, CIs found by the <y>Ci95 convention", async () => {
  const chart = sweepChart({
    title: "Wait against threads, by hold time",
    rows: sweepRows,
    x: "threads",
    y: [
      { y: "meanWaitNs", label: "mean" },
      { y: "waitP99Ns", label: "p99" },
      { y: "exactMeanWaitNs", label: "exact mean", dashed: true },
    ],
    color: { field: "holdNs", title: "hold (ns)" },
    strokeDash: "measure",
    errors: "band",
    xAxis: { label: "threads", log: true },
    yAxis: { label: "wait (ns)", log: true },
  });
  const svg = await check("sweep-grammar", chart);
  assert.deepEqual(legendEntries(svg), [
    ["100", "400"],
    ["mean", "p99", "exact mean"],
  ]);
  const d = dataOf(chart.spec).find((v) => v.measure === "p99" && v.x === 4 && v.color === "400")!;
  assert.equal(d.hi, 4 * 4 * 400 * 0.09 + 50 + 4 * 400 * 0.03, "waitP99NsCi95 found by convention");
  // The top of the log y axis is a labelled 1-2-5 value at or above the largest point.
  const y = layers(chart.spec)[0].encoding.y as { scale: { domain: number[] }; axis: { values: number[] } };
  const top = Math.max(...dataOf(chart.spec).map((v) => (v.hi as number) ?? (v.y as number)));
  assert.ok(y.scale.domain[1] >= top && y.scale.domain[1] <= top * 2.5, `domain ${y.scale.domain} for top ${top}`);
  assert.equal(y.axis.values[y.axis.values.length - 1], y.scale.domain[1], "a tick labels the top of the axis");
  const dash = layers(chart.spec).find((l) => l.mark.type === "line")!.encoding.strokeDash as {
    scale: { range: number[][] };
  };
  assert.deepEqual(
    dash.scale.range,
    [
      [1, 0],
      [2, 2],
      [6, 4],
    ],
    "exact curves keep the exact dash",
  );
});

test("the grammar: facets by column share axes, with the published points in every panel", async () => {
  const chart = sweepChart({
    rows: sweepRows,
    x: "threads",
    y: "meanWaitNs",
    facet: { column: "holdNs" },
    xAxis: { label: "threads", log: true },
    yAxis: { label: "mean wait (ns)" },
    width: 260,
    height: 200,
    reference: { points: [{ x: 8, y: 150, source: "s" }] },
  });
  await check("sweep-facet", chart);
  assert.deepEqual((chart.spec.facet as { column: { sort: string[] } }).column.sort, ["100", "400"]);
  assert.equal(dataOf(chart.spec).filter((d) => d.kind === "ref").length, 2);
  assert.match(chart.caption, /panels by holdNs/);
});

/** Rows shaped like the mmu-lock-aging runs notebook 000 charts (one per reclaimers x agingLock, Ci95 columns). */
function agingRows(variants: string[], extra: Record<string, unknown> = {}) {
  return [0, 1, 2, 4, 8, 16, 32, 64].flatMap((reclaimers) =>
    variants.map((agingLock, k) => ({
      reclaimers,
      agingLock,
      ...extra,
      writerWaitP99Ns: 4000 + 200 * reclaimers * (k + 1),
      writerWaitP99NsCi95: 300 + 10 * reclaimers,
      writerWaitMaxNs: 9000 + 400 * reclaimers * (k + 1),
      writerWaitMaxNsCi95: 900,
      agingNsPerPage: 20 + reclaimers * (k + 1),
      agingNsPerPageCi95: 2,
      evictedPagesPerSec: 1e6 / (1 + reclaimers * 0.01 * (k + 1)),
      evictedPagesPerSecCi95: 2e4,
    })),
  );
}

test("notebook 000's pivot charts, written directly in the grammar", async () => {
  const variants = ["write", "read", "lockless", "faults-only"];
  const dSweep = agingRows(variants);
  const xAxis = { label: "direct reclaimers D (besides kswapd)" };
  const split = [
    ...agingRows(["read"], { pagesPerAgingCall: 1 }).map((r) => ({ ...r, variant: "read, 1 page(s) per call" })),
    ...agingRows(["read"], { pagesPerAgingCall: 512 }).map((r) => ({ ...r, variant: "read, 512 page(s) per call" })),
    ...agingRows(["lockless", "faults-only"]).map((r) => ({ ...r, variant: r.agingLock })),
  ];
  const at = [1, 2, 4, 8, 16, 32].flatMap((vcpus) =>
    ["write", "read", "lockless"].map((agingLock, k) => ({
      vcpus,
      agingLock,
      passAt1GiBMs: vcpus * 20 * (3 - k),
      passAt1GiBMsCi95: vcpus * (3 - k),
    })),
  );
  const bw = [200, 100, 50, 20, 10, 5].flatMap((faultIntervalUs) =>
    ["qrwlock", "reader-pref"].map((lockKind, k) => ({
      faultIntervalUs,
      lockKind,
      writerWaitMaxNs: 1e5 / faultIntervalUs ** (k * 0.5) + 3000,
      writerWaitMaxNsCi95: 200,
      writerWaitP99Ns: 2e4 / faultIntervalUs ** (k * 0.3) + 1000,
      writerWaitP99NsCi95: 100,
    })),
  );
  const charts: Record<string, Chart> = {
    "writer p99 vs D": sweepChart({
      title: "Eviction-writer p99 wait against concurrent direct reclaimers",
      rows: dSweep,
      x: "reclaimers",
      y: "writerWaitP99Ns",
      color: "agingLock",
      xAxis,
      yAxis: { label: "writer wait p99 (ns)", log: true },
      errors: "band",
    }),
    "aging cost vs D": sweepChart({
      title: "Aging cost per page against concurrent direct reclaimers",
      rows: dSweep.filter((r) => r.agingLock !== "faults-only"),
      x: "reclaimers",
      y: "agingNsPerPage",
      color: "agingLock",
      xAxis,
      yAxis: { label: "aging time per page, waits included (ns)", log: true },
    }),
    "eviction throughput vs D": sweepChart({
      title: "Eviction throughput against concurrent direct reclaimers",
      rows: dSweep,
      x: "reclaimers",
      y: "evictedPagesPerSec",
      color: "agingLock",
      xAxis,
      yAxis: { label: "folios evicted per second" },
    }),
    "one evictor": sweepChart({
      title: "Eviction-writer p99 with one evictor and D aging-only reclaimers",
      rows: split,
      x: "reclaimers",
      y: "writerWaitP99Ns",
      color: "variant",
      xAxis: { label: "aging-only direct reclaimers D" },
      yAxis: { label: "writer wait p99 (ns)", log: true },
      errors: "band",
    }),
    "aging pass vs vCPUs": sweepChart({
      title: "Aging pass at 1 GiB per vCPU: model (lines) and published arm64 and x86 passes (diamonds)",
      rows: at,
      x: "vcpus",
      y: "passAt1GiBMs",
      color: { field: "agingLock", title: "model, aging lock" },
      xAxis: { label: "vCPUs", log: true },
      yAxis: { label: "aging pass at 1 GiB/vCPU (ms)", log: true },
      reference: { label: "published", points: [{ x: 32, y: 1661, source: "s", note: "arm64, write" }] },
    }),
    "longest writer wait": sweepChart({
      title: "Longest eviction-writer wait as the guest faults faster",
      rows: bw,
      x: "faultIntervalUs",
      y: [
        { y: "writerWaitMaxNs", label: "max" },
        { y: "writerWaitP99Ns", label: "p99" },
      ],
      color: "lockKind",
      strokeDash: "measure",
      xAxis: { label: "mean guest run between faults per vCPU (us)", log: true },
      yAxis: { label: "writer wait (ns)", log: true },
    }),
  };
  for (const [name, chart] of Object.entries(charts)) {
    const svg = await check(name, chart, false);
    const legend = legendEntries(svg).flat();
    assert.ok(legend.length >= 2, `${name}: a legend`);
  }
  assert.deepEqual(legendEntries(await check("one-evictor", charts["one evictor"], false)), [
    ["read, 1 page(s) per call", "read, 512 page(s) per call", "lockless", "faults-only"],
  ]);
  assert.deepEqual(legendEntries(await check("longest", charts["longest writer wait"], false)), [
    ["qrwlock", "reader-pref"],
    ["max", "p99"],
  ]);
  // The one-evictor chart's top series sits below the axis' top tick.
  const spec = charts["one evictor"].kind === "vega-lite" ? charts["one evictor"].spec : {};
  const y = layers(spec)[0].encoding.y as { axis: { values: number[] } };
  const top = Math.max(...dataOf(spec).map((d) => (d.hi as number) ?? (d.y as number)));
  assert.ok(y.axis.values[y.axis.values.length - 1] >= top);
});

test("a log axis over data that include 0 becomes symmetric-log; flagged points are drawn open", async () => {
  const rows = [0, 0.001, 0.01, 0.1].flatMap((p) =>
    ["rcu", "ipi"].map((config) => ({
      allocFailProbability: p,
      config,
      munmapLatencyP99Us: 10 + p * 100 * (config === "ipi" ? 2 : 1),
      munmapLatencyP99UsCi95: 1 + p * 10,
      // A ResultSet sets <y>N only on rows where fewer seeds than asked gave a value.
      ...(p === 0.01 && config === "ipi" ? { munmapLatencyP99UsN: 3 } : {}),
    })),
  );
  const chart = sweepChart({
    rows,
    x: "allocFailProbability",
    y: "munmapLatencyP99Us",
    color: "config",
    xAxis: { label: "P(batch page allocation fails)", log: true },
    yAxis: { label: "munmap latency (us)", log: true },
  });
  await check("sweep-symlog", chart);
  const x = layers(chart.spec)[0].encoding.x as {
    scale: { type: string; constant: number };
    axis: { values: number[] };
  };
  assert.equal(x.scale.type, "symlog");
  assert.deepEqual(x.axis.values, [0, 0.001, 0.01, 0.1]);
  const open = layers(chart.spec).filter((l) => l.mark.type === "point" && l.mark.filled === false);
  assert.equal(open.length, 1, "one layer of open circles");
  assert.match(chart.caption, /open circles: 1 point where some replications gave NaN/);
  assert.match(chart.caption, /x axis symmetric-log/);
});

test("whiskers of non-negative quantities stop at 0; differences keep theirs", () => {
  const rows = [1, 2, 3].map((n) => ({ n, v: n, vCi95: 2.5 }));
  const clamped = sweepChart({ rows, x: "n", y: "v" });
  assert.deepEqual(
    dataOf(clamped.spec).map((d) => d.lo),
    [0, 0, 0.5],
  );
  assert.match(clamped.caption, /whiskers stop at 0/);
  const free = sweepChart({ rows, x: "n", y: "v", yAxis: { nonNegative: false } });
  assert.deepEqual(
    dataOf(free.spec).map((d) => d.lo),
    [-1.5, -0.5, 0.5],
  );
  const bars = barChart({ rows, category: "n", value: "v" });
  assert.deepEqual(
    dataOf(bars.spec).map((d) => d.lo),
    [0, 0, 0.5],
  );
});

test("sweep chart: clear errors for a missing column, rows drawn twice, several y without a channel", () => {
  // The older series form keeps drawing rows that share an x as one line, as it did; the caption says so.
  const legacy = sweepChart({ rows: sweepRows, x: "threads", series: [{ y: "meanWaitNs" }] });
  assert.match(legacy.caption, /6 points share their x with another of their line/);
  assert.throws(
    () => sweepChart({ rows: sweepRows, x: "thread", series: [{ y: "meanWaitNs" }] }),
    /no column 'thread'; columns: threads, holdNs/,
  );
  assert.throws(
    () => sweepChart({ rows: sweepRows, x: "threads", y: "meanWaitNs" }),
    /6 points are drawn twice \(first at threads=1\); put the column that tells the rows apart on color, strokeDash or facet \(they differ in: holdNs\)/,
  );
  assert.throws(
    () =>
      sweepChart({
        rows: sweepRows,
        x: "threads",
        y: ["meanWaitNs", "waitP99Ns"],
        color: "holdNs",
        strokeDash: "holdNs",
        facet: { row: "holdNs" },
      }),
    /several y columns \(meanWaitNs, waitP99Ns\) need "measure" on color, strokeDash or facet/,
  );
  assert.throws(() => sweepChart({ rows: sweepRows, x: "threads" }), /no y/);
});

test("legends are sized to their labels: long ones go below the plot, too long ones become keys", async () => {
  const right = legendLayout(["a", "bb"], "t", 560);
  assert.equal(right.legend.orient, "right");
  const long = ["mean lock wait with a miss of 1000 ns inside", "mean lock wait with a miss of 10 ns inside"];
  assert.equal(legendLayout(long, null, 560).legend.orient, "bottom");
  const huge = [long[0].repeat(3), long[1].repeat(3)];
  const keyed = legendLayout(huge, null, 560);
  assert.deepEqual(
    keyed.labels.map((l) => l.slice(0, 4)),
    ["(1) ", "(2) "],
  );
  assert.match(keyed.note!, /legend keys: \(1\) mean lock wait/);
  // In a chart: every label drawn in full.
  const rows = [1, 2, 4].flatMap((cpus) => long.map((what) => ({ cpus, what, wait: cpus * (what.length % 7) })));
  const chart = sweepChart({ rows, x: "cpus", y: "wait", color: "what" });
  const svg = await check("legend-long", chart, false);
  assert.deepEqual(legendEntries(svg), [long]);
});

test("CDF chart: several series with a legend; a log axis over zeros is symmetric-log", async () => {
  const series = ["fifo", "ticket"].map((name, k) => ({
    name,
    points: Array.from({ length: 50 }, (_, i) => ({
      value: i * (10 + 5 * k),
      fraction: 1 - Math.exp(-i / (8 + 4 * k)),
    })),
  }));
  const chart = cdfChart({ title: "wait CDF", series, x: { label: "wait (ns)", log: true } });
  await check("cdf", chart);
  assert.equal(chart.caption, "CDF of wait (ns): fifo; ticket; x axis symmetric-log (linear near 0)");
  assert.throws(() => cdfChart({ series: [series[0], series[0]] }), /two series share a name: fifo, fifo/);
});

test("heatmap and grouped bars", async () => {
  await check(
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
  // A diverging midpoint outside the data still lies inside the color domain (vega warns otherwise).
  const ratios = heatmapChart({ rows: sweepRows, x: "threads", y: "holdNs", value: "threads", divergingAt: 0.5 });
  const scale = layers(ratios.spec)[0].encoding.color.scale as { domain: number[] };
  assert.deepEqual(scale.domain, [0.5, 32]);
  assert.deepEqual((await renderWith(PROJECT_VEGA_LITE, ratios.spec)).warnings, []);
  await check(
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

test("timeline: a plotly Gantt from Trace.intervals, overlapping intervals in sub-lanes, a Vega-Lite SVG fallback", async () => {
  const trace = new Trace();
  trace.record(0, "thread0", "acquired", "mutex");
  trace.record(5, "thread1", "wait", "mutex");
  trace.record(40, "thread0", "release", "mutex");
  trace.record(40, "thread1", "acquired", "mutex");
  trace.record(55, "thread10", "wait", "mutex");
  trace.record(90, "thread1", "release", "mutex");
  trace.record(90, "thread10", "acquired", "mutex");
  trace.record(120, "thread10", "release", "mutex");
  const intervals = [
    ...trace.intervals({ wait: "acquired", acquired: "release" }),
    // A cache miss inside thread1's hold: it must stay visible.
    { who: "thread1", on: "line", state: "miss", start: 50, end: 70 },
  ];
  const chart = timelineChart({ intervals, stateLabels: { wait: "waits", acquired: "holds" } });
  assert.equal(chart.kind, "plotly");
  matchSnapshot("timeline.plotly.json", JSON.stringify(chart.figure, null, 1) + "\n");
  const yaxis = chart.figure.layout.yaxis as { ticktext: string[]; range: number[] };
  assert.deepEqual(yaxis.ticktext, ["thread0", "thread1", "thread10"], "natural order, first actor on top");
  assert.deepEqual(yaxis.range, [2.5, -0.5]);
  const legend = chart.figure.layout.legend as { orientation: string; x: number };
  assert.deepEqual([legend.orientation, legend.x], ["v", 1.02], "the legend beside the plot, clear of the axis title");
  const { lane, lanes } = assignLanes(intervals);
  assert.equal(lanes.get("thread1"), 2);
  assert.equal(lane[intervals.length - 1], 1, "the miss gets the second lane");
  const miss = chart.figure.data.find((t) => t.name === "miss") as { y: number[]; width: number[] };
  assert.deepEqual([miss.y[0], miss.width[0]], [1.2, 0.4]);
  assert.equal(
    chart.caption,
    "Timeline of 3 actors over 120 ns: holds (3), waits (2), miss (1); overlapping intervals of one actor in sub-lanes",
  );
  const svg = await check("timeline-fallback", chart);
  assert.deepEqual(legendEntries(svg), [["holds", "waits", "miss"]]);
  const bundle = await chartBundle(chart);
  assert.deepEqual(Object.keys(bundle), ["application/vnd.plotly.v1+json", "image/svg+xml", "text/plain"]);
  assert.throws(() => timelineChart({ intervals: [] }), /no intervals/);
});

test("a Vega-Lite bundle holds the spec, the SVG (with alt text) and the caption, and no HTML", async () => {
  const chart = cdfChart({
    title: "A title",
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
  const spec = bundle["application/vnd.vegalite.v5+json"] as { $schema: string; description: string };
  assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
  assert.equal(spec.description, "A title. CDF of value: a");
  assert.match(
    bundle["image/svg+xml"] as string,
    /^<svg[^>]*aria-label="A title\. CDF of value: a"><title>A title\. CDF of value: a<\/title>/,
  );
});

test("a sweep whose every series is dashed (published targets) beside reference points draws with no warning", async () => {
  const rows = [
    { guestShare: 0.3, target: 3, none: 1 },
    { guestShare: 0.6, target: 3, none: 1 },
  ];
  const chart = sweepChart({
    title: "targets and a model's points",
    rows,
    x: "guestShare",
    y: [
      { y: "target", label: "published ratio", dashed: true },
      { y: "none", label: "no regression", dashed: true },
    ],
    reference: {
      label: "model, one setup",
      points: [
        { x: 0.4, y: 1.2, source: "search", note: "a" },
        { x: 0.5, y: 1.1, source: "search", note: "b" },
      ],
    },
  });
  for (const vl of [PROJECT_VEGA_LITE, JUPYTERLAB_VEGA_LITE])
    assert.deepEqual((await renderWith(vl, chart.spec)).warnings, [], `vega-lite ${vl.version}`);
});
