/**
 * Reports as PDF, through the project's own browser path: Debian's chromium driven by playwright-core (nbconvert's
 * webpdf needs a Playwright browser download, which is not available here). The report is opened with the network
 * cut off, every chart is left to render, and the page is printed to A4 with the report's print styles (charts fit
 * the page width; figures, tables and verdict blocks are not split).
 *
 * playwright-core is loaded only when a PDF is asked for.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";

/** Debian's chromium (apt-get install chromium). */
export const CHROMIUM = "/usr/bin/chromium";

/** Flags for a headless chromium that never reaches the network on its own. */
export const CHROMIUM_ARGS: ReadonlyArray<string> = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

/** The browser is missing: the message says what to install. */
export class BrowserMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BrowserMissingError";
  }
}

/** Starts Debian's chromium headless, or throws naming what to install. */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM))
    throw new BrowserMissingError(`Debian's chromium is missing (${CHROMIUM}): run \`apt-get install -y chromium\``);
  let chromium: typeof import("playwright-core").chromium;
  try {
    chromium = (require("playwright-core") as typeof import("playwright-core")).chromium;
  } catch {
    throw new BrowserMissingError("playwright-core is not installed: run `npm ci` in the project");
  }
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
}

/** Lets the page load file: and data: URLs only; returns the list of everything else it tried to fetch. */
export async function blockNetwork(page: Page): Promise<string[]> {
  const remote: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
    remote.push(url);
    return route.abort();
  });
  return remote;
}

/** Waits until every chart of a report has rendered or failed. */
export async function waitForCharts(page: Page, timeoutMs = 60_000): Promise<void> {
  // Browser-side code is passed as text: the project compiles without the DOM library.
  await page.waitForFunction(
    `[...document.querySelectorAll("figure.mmsim-chart")].every((f) => f.classList.contains("mmsim-rendered") || f.classList.contains("mmsim-failed"))`,
    undefined,
    { timeout: timeoutMs },
  );
}

export interface PdfResult {
  pdf: string;
  /** Charts that did not render (their static image is printed instead). */
  failedCharts: number;
}

/** Prints the report `html` to `pdf` (A4), in `browser` or in a chromium of its own. */
export async function writePdf(html: string, pdf: string, browser?: Browser): Promise<PdfResult> {
  const own = browser === undefined;
  const b = browser ?? (await launchChromium());
  try {
    const page = await b.newPage();
    try {
      await blockNetwork(page);
      await page.emulateMedia({ media: "print" });
      await page.goto("file://" + path.resolve(html), { waitUntil: "load" });
      await waitForCharts(page);
      const failedCharts = (await page.evaluate(
        `document.querySelectorAll("figure.mmsim-chart.mmsim-failed").length`,
      )) as number;
      const tmp = `${pdf}.tmp-${process.pid}`;
      await page.pdf({ path: tmp, format: "A4", printBackground: true, preferCSSPageSize: true });
      fs.renameSync(tmp, pdf);
      return { pdf, failedCharts };
    } finally {
      await page.close();
    }
  } finally {
    if (own) await b.close();
  }
}
