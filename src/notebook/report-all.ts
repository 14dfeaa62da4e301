/**
 * The main job: run every notebook in notebooks/ at its defaults and write reports/<name>.html (with the executed
 * reports/<name>.ipynb and a status file holding the run and its verdicts), optionally reports/<name>.pdf, and
 * reports/index.html. A failing notebook is named with its error, keeps its previous report, and does not stop the
 * others.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readNotebook } from "./ipynb";
import { checkJupyter, PROJECT_ROOT } from "./jupyter";
import { indexHtml, type NotebookStatus } from "./report/index-page";
import { notebookTitle } from "./report/html-report";
import { describeFailure, projectVersion, runNotebook } from "./run-notebook";
import { writeFileAtomic } from "./atomic-write";
import { notebookVerdicts } from "./report/verdicts";

export interface ReportAllOptions {
  /** Folder of notebooks (default <root>/notebooks). */
  notebooksDir?: string;
  /** Folder of reports (default <root>/reports). */
  reportsDir?: string;
  /** Only these notebooks (file names or paths); the index still lists every notebook. */
  only?: string[];
  /** Progress lines. */
  log?: (line: string) => void;
  cellTimeoutS?: number;
  /** Also print each new report to reports/<name>.pdf (A4, through Debian's chromium). */
  pdf?: boolean;
}

export interface ReportAllResult {
  statuses: NotebookStatus[];
  failed: NotebookStatus[];
  index: string;
}

/** The notebooks of a folder, by name (checkpoints and hidden files skipped). */
export function listNotebooks(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb") && !f.startsWith("."))
    .sort();
}

function statusPath(reportsDir: string, file: string): string {
  return path.join(reportsDir, file.replace(/\.ipynb$/, ".status.json"));
}

function readStatus(reportsDir: string, file: string): NotebookStatus | undefined {
  try {
    return JSON.parse(fs.readFileSync(statusPath(reportsDir, file), "utf8")) as NotebookStatus;
  } catch {
    return undefined;
  }
}

function titleOf(file: string): string {
  try {
    return notebookTitle(readNotebook(file), path.basename(file));
  } catch {
    return path.basename(file);
  }
}

/** The verdicts an executed notebook showed (none when it cannot be read). */
function verdictsOf(executed: string) {
  try {
    const v = notebookVerdicts(readNotebook(executed));
    return v.length ? v : undefined;
  } catch {
    return undefined;
  }
}

export async function reportAll(options: ReportAllOptions = {}): Promise<ReportAllResult> {
  const notebooksDir = path.resolve(options.notebooksDir ?? path.join(PROJECT_ROOT, "notebooks"));
  const reportsDir = path.resolve(options.reportsDir ?? path.join(PROJECT_ROOT, "reports"));
  const log = options.log ?? (() => undefined);
  const all = listNotebooks(notebooksDir);
  const only = options.only?.map((f) => path.basename(f));
  for (const f of only ?? [])
    if (!all.includes(f)) throw new RangeError(`no notebook ${f} in ${notebooksDir}; notebooks: ${all.join(", ")}`);
  // Without the environment every notebook would fail the same way: say it once.
  checkJupyter();
  fs.mkdirSync(reportsDir, { recursive: true });
  const failed: NotebookStatus[] = [];
  // One browser for every PDF, started on first use.
  let browser: Awaited<ReturnType<typeof import("./report/pdf").launchChromium>> | undefined;
  for (const file of all.filter((f) => !only || only.includes(f))) {
    const full = path.join(notebooksDir, file);
    const base = file.replace(/\.ipynb$/, "");
    const previous = readStatus(reportsDir, file);
    const date = new Date().toISOString();
    log(`${file}: running`);
    let status: NotebookStatus;
    try {
      const r = await runNotebook(full, {
        out: path.join(reportsDir, `${base}.ipynb`),
        html: path.join(reportsDir, `${base}.html`),
        cellTimeoutS: options.cellTimeoutS,
      });
      status = r.ok
        ? {
            file,
            title: titleOf(full),
            status: "ok",
            date,
            lastGood: r.run,
            verdicts: verdictsOf(path.join(reportsDir, `${base}.ipynb`)),
            report: `${base}.html`,
          }
        : {
            file,
            title: titleOf(full),
            status: "failed",
            date,
            error: describeFailure(file, r.error),
            lastGood: previous?.lastGood,
            verdicts: previous?.verdicts,
            report: previous?.report,
          };
      if (r.ok && options.pdf) {
        const pdf = await import("./report/pdf");
        browser ??= await pdf.launchChromium();
        const out = await pdf.writePdf(
          path.join(reportsDir, `${base}.html`),
          path.join(reportsDir, `${base}.pdf`),
          browser,
        );
        log(
          `${file}: pdf -> ${out.pdf}${out.failedCharts ? ` (${out.failedCharts} charts printed as static images)` : ""}`,
        );
      }
    } catch (e) {
      // A notebook that cannot even be prepared (no parameters cell, bad metadata) fails alone too.
      status = {
        file,
        title: titleOf(full),
        status: "failed",
        date,
        error: `${file}: ${(e as Error).message}`,
        lastGood: previous?.lastGood,
        verdicts: previous?.verdicts,
        report: previous?.report,
      };
    }
    if (status.report && !fs.existsSync(path.join(reportsDir, status.report))) status.report = undefined;
    writeFileAtomic(statusPath(reportsDir, file), JSON.stringify(status, null, 2) + "\n");
    if (status.status === "failed") failed.push(status);
    log(
      status.status === "ok"
        ? `${file}: ok (${status.lastGood!.durationS.toFixed(1)} s) -> ${path.join(reportsDir, status.report!)}`
        : `${file}: FAILED\n${status.error}`,
    );
  }
  await browser?.close();
  const statuses = all.map(
    (file) =>
      readStatus(reportsDir, file) ?? {
        file,
        title: titleOf(path.join(notebooksDir, file)),
        status: "failed" as const,
        date: "",
        error: "not run yet: run `npx mmsim report`",
      },
  );
  const index = path.join(reportsDir, "index.html");
  writeFileAtomic(index, indexHtml(statuses, projectVersion(), new Date().toISOString()));
  log(`index: ${index}`);
  return { statuses, failed, index };
}
