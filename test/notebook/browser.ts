/** Opening reports in Debian's chromium through playwright-core, offline, and reading back what rendered. */
import assert from "node:assert/strict";
import { chromium, type Browser, type Page } from "playwright-core";
import { CHROMIUM, requireChromium } from "./helpers";

export async function launchChromium(): Promise<Browser> {
  requireChromium();
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface PageReport {
  /** Console errors and uncaught exceptions. */
  errors: string[];
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
  const remote: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
    remote.push(url);
    return route.abort();
  });
  await page.goto("file://" + file, { waitUntil: "load" });
  // Browser-side code is passed as text: the project compiles without the DOM library.
  await page.waitForFunction(
    `[...document.querySelectorAll("figure.mmsim-chart")].every((f) => f.classList.contains("mmsim-rendered") || f.classList.contains("mmsim-failed"))`,
    undefined,
    { timeout: 60_000 },
  );
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
  return { errors, remote, charts };
}

/** Every chart drew something, nothing was fetched, nothing logged an error. */
export function assertAllRendered(name: string, r: PageReport): void {
  assert.deepEqual(r.remote, [], `${name} tried to fetch remote resources`);
  assert.deepEqual(r.errors, [], `${name} logged errors`);
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
