/**
 * The main job: run every notebook in notebooks/ at its defaults and write reports/<name>.html (with the executed
 * reports/<name>.ipynb and a status file holding the run and its verdicts), optionally reports/<name>.pdf, and
 * reports/index.html. A failing notebook is named with its error, keeps its previous report, and does not stop the
 * others.
 */
import { createHash } from "node:crypto";
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

/**
 * The file in a reports folder that records the hash of what its reports were made from (`notebookInputsHash`),
 * written only after a full run in which every notebook succeeded, and removed by any other run.
 */
export const INPUTS_STAMP = ".inputs-sha256";

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? e.name === "__pycache__" || e.name.startsWith(".")
          ? []
          : filesUnder(path.join(dir, e.name), keep)
        : keep(e.name)
          ? [path.join(dir, e.name)]
          : [],
    )
    .sort();
}

/**
 * A hash of everything a notebook's execution depends on in this project: the compiled sources (dist/src), the
 * notebooks and the module files beside them, the published data, the kernel launcher and the lock file. Equal
 * hashes mean the reports of one run are the reports another would make (a rebuild of unchanged code keeps it).
 */
export function notebookInputsHash(notebooksDir: string = path.join(PROJECT_ROOT, "notebooks")): string {
  const h = createHash("sha256");
  const files = [
    ...filesUnder(path.join(PROJECT_ROOT, "dist", "src"), (n) => n.endsWith(".js")),
    ...filesUnder(path.resolve(notebooksDir), (n) => n.endsWith(".ipynb") || n.endsWith(".ts")),
    ...filesUnder(path.join(PROJECT_ROOT, "data"), () => true),
    path.join(PROJECT_ROOT, "scripts", "tslab-kernel.js"),
    path.join(PROJECT_ROOT, "package-lock.json"),
  ].filter((f) => fs.existsSync(f));
  for (const f of files) h.update(path.relative(PROJECT_ROOT, f)).update("\0").update(fs.readFileSync(f));
  return h.digest("hex");
}

/**
 * The reports in `reportsDir` when they are a complete, successful run of every notebook made from the present inputs
 * (its INPUTS_STAMP equals `notebookInputsHash`); undefined otherwise. The test suite uses it to check the main job's
 * reports instead of executing every notebook a second time.
 */
export function freshReports(
  reportsDir: string,
  notebooksDir: string = path.join(PROJECT_ROOT, "notebooks"),
): ReportAllResult | undefined {
  const stamp = path.join(reportsDir, INPUTS_STAMP);
  if (!fs.existsSync(stamp) || fs.readFileSync(stamp, "utf8").trim() !== notebookInputsHash(notebooksDir))
    return undefined;
  const statuses: NotebookStatus[] = [];
  for (const file of listNotebooks(notebooksDir)) {
    const status = readStatus(reportsDir, file);
    const executed = path.join(reportsDir, file);
    if (status?.status !== "ok" || !fs.existsSync(executed) || !status.report) return undefined;
    if (!fs.existsSync(path.join(reportsDir, status.report))) return undefined;
    statuses.push(status);
  }
  const index = path.join(reportsDir, "index.html");
  return fs.existsSync(index) ? { statuses, failed: [], index } : undefined;
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
  // Until this run has finished every notebook, the folder is no complete run of the present inputs.
  const stampFile = path.join(reportsDir, INPUTS_STAMP);
  fs.rmSync(stampFile, { force: true });
  const inputsHash = only ? undefined : notebookInputsHash(notebooksDir);
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
  // Stamped only when nothing changed under the run (an edit while it ran leaves it unstamped).
  if (inputsHash !== undefined && failed.length === 0 && notebookInputsHash(notebooksDir) === inputsHash)
    writeFileAtomic(stampFile, inputsHash + "\n");
  log(`index: ${index}`);
  return { statuses, failed, index };
}
