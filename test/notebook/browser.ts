/** Opening reports in Debian's chromium through playwright-core, offline, and reading back what rendered. */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { blockNetwork, launchChromium as launch, waitForCharts } from "../../src/notebook/report/pdf";
import { requireChromium } from "./helpers";

/** Debian's chromium, started the way `mmsim report --pdf` starts it (src/notebook/report/pdf.ts). */
export async function launchChromium(): Promise<Browser> {
  requireChromium();
  return launch();
}

export interface PageReport {
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Console warnings (vega logs its warnings there: "Infinite extent for field", ...). */
  warnings: string[];
  /** Requests for anything but file: and data: URLs (all of them blocked). */
  remote: string[];
  charts: Array<{
    spec: string;
    kind: "vega" | "plotly";
    state: string;
    vegaMarks: number;
    plotlyTraces: number;
    fallbackImages: number;
  }>;
}

/**
 * Loads a report with the network cut off, waits until every chart has either rendered or failed, and describes
 * each chart: its state, the SVG marks vega drew, the traces plotly drew.
 */
export async function openReport(page: Page, file: string): Promise<PageReport> {
  const errors: string[] = [];
  const warnings: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
    if (m.type() === "warning") warnings.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  const remote = await blockNetwork(page);
  await page.goto("file://" + file, { waitUntil: "load" });
  await waitForCharts(page);
  const charts = (await page.evaluate(`[...document.querySelectorAll("figure.mmsim-chart")].map((f) => ({
    spec: f.getAttribute("data-spec") || "",
    kind: f.classList.contains("mmsim-vega") ? "vega" : "plotly",
    state: f.classList.contains("mmsim-rendered") ? "rendered" : "failed",
    // vega's SVG renderer draws every mark as a group of class "mark-<type>" holding paths, lines or rects.
    vegaMarks: f.querySelectorAll(".mmsim-live svg g[class^='mark-'] path, .mmsim-live svg g[class^='mark-'] line, .mmsim-live svg g[class^='mark-'] rect").length,
    // plotly draws each trace in a group of class "trace" inside .main-svg.
    plotlyTraces: f.querySelectorAll(".mmsim-live .main-svg .trace").length,
    fallbackImages: f.querySelectorAll("img.mmsim-fallback").length,
  }))`)) as PageReport["charts"];
  return { errors, warnings, remote, charts };
}

/** Every chart drew something, nothing was fetched, nothing logged an error or a warning. */
export function assertAllRendered(name: string, r: PageReport): void {
  assert.deepEqual(r.remote, [], `${name} tried to fetch remote resources`);
  assert.deepEqual(r.errors, [], `${name} logged errors`);
  assert.deepEqual(r.warnings, [], `${name} logged warnings`);
  for (const c of r.charts) {
    assert.equal(c.state, "rendered", `${name}: ${c.kind} chart ${c.spec} did not render`);
    if (c.kind === "vega") {
      assert.ok(c.vegaMarks > 0, `${name}: vega chart ${c.spec} has no SVG marks`);
      assert.equal(
        c.fallbackImages,
        1,
        `${name}: vega chart ${c.spec} lacks the kernel's SVG for pages without scripts`,
      );
    } else assert.ok(c.plotlyTraces > 0, `${name}: plotly chart ${c.spec} has no traces`);
  }
}
