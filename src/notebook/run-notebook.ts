/**
 * `runNotebook`: one parameterised run of a notebook, papermill-style, through Jupyter's own machinery.
 *
 * 1. Read the notebook and its parameters cell; check every override against the notebook's schema. A bad one
 *    throws (ParamError, NotebookFileError) before any kernel starts and nothing is written.
 * 2. Inject the overrides and papermill metadata; execute with nbclient in the tslab kernel from .venv, the kernel
 *    running in the notebook's own folder.
 * 3. On success, write the executed notebook (`out`) and the HTML report (`html`), each atomically. On failure,
 *    write neither: earlier files stay in place; the result names the failing cell and its error.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findExperiment } from "../experiments/registry";
import { readNotebook, writeNotebook, joinText, type Notebook, type RunRecord } from "./ipynb";
import { parametersCellIndex, prepareNotebook } from "./inject";
import { executeNotebook, PROJECT_ROOT, type ExecuteResult } from "./jupyter";
import { checkOverrides, notebookSchema, type CheckedOverrides } from "./overrides";
import { parseParamsCell } from "./params-cell";
import { reportHtml } from "./report/html-report";
import { writeFileAtomic } from "./atomic-write";

export interface RunNotebookOptions {
  /** Parameter overrides by name (values as parsed from YAML: numbers, strings, booleans, lists). */
  params?: Record<string, unknown>;
  /** Where to write the executed notebook. */
  out?: string;
  /** Where to write the HTML report. */
  html?: string;
  /** Longest any one cell may run, in seconds (default 600). */
  cellTimeoutS?: number;
}

export interface RunNotebookResult {
  ok: boolean;
  /** The notebook run, as given. */
  file: string;
  run: RunRecord;
  /** The executed notebook (also on failure, up to the failing cell). */
  executed?: Notebook;
  /** On failure: which cell and what error. */
  error?: ExecuteResult;
}

/** mmsim's version, from package.json. */
export function projectVersion(root = PROJECT_ROOT): string {
  return (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
}

export interface PreparedRun {
  notebook: Notebook;
  checked: CheckedOverrides;
  /** The notebook to execute: injected cell and papermill metadata in place. */
  prepared: Notebook;
}

/** Step 1 and the injection of step 2: everything short of starting a kernel. Throws on bad input. */
export function prepareRun(
  file: string,
  params: Record<string, unknown> = {},
  outputPath: string | null = null,
): PreparedRun {
  const notebook = readNotebook(file);
  const where = path.basename(file);
  const cell = parseParamsCell(joinText(notebook.cells[parametersCellIndex(notebook, where)].source), where);
  const schema = notebookSchema(notebook, where, cell, findExperiment);
  const checked = checkOverrides(schema, params);
  const defaults = Object.fromEntries(cell.entries.map((e) => [e.name, e.value !== undefined ? e.value : e.text]));
  const prepared = prepareNotebook(notebook, where, {
    variable: cell.variable,
    overrides: checked.overrides,
    defaults,
    inputPath: file,
    outputPath,
  });
  return { notebook, checked, prepared };
}

/** A readable one-paragraph description of a failed run. */
export function describeFailure(file: string, error: ExecuteResult | undefined): string {
  if (!error) return `${file} failed`;
  const where = error.cell !== undefined && error.cell >= 0 ? ` in cell ${error.cell}` : "";
  // The kernel's own frames (tslab, node:vm) say nothing about the notebook: keep the lines above them.
  const lines = (error.traceback ?? "").trim().split("\n");
  const internal = lines.findIndex((l) => /\(node:|node_modules\/tslab\/|^\s+at sigintHandlersWrap/.test(l));
  const tb = (internal >= 0 ? lines.slice(0, internal) : lines).join("\n").trim();
  return `${file} failed${where}: ${error.ename ?? "Error"}: ${error.evalue ?? ""}${tb ? `\n${tb}` : ""}`.trimEnd();
}

export async function runNotebook(file: string, options: RunNotebookOptions = {}): Promise<RunNotebookResult> {
  const abs = path.resolve(file);
  const { checked, prepared } = prepareRun(abs, options.params ?? {}, options.out ? path.resolve(options.out) : null);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mmsim-run-"));
  const start = new Date();
  try {
    const input = path.join(tmp, "input.ipynb");
    const output = path.join(tmp, "output.ipynb");
    writeNotebook(input, prepared);
    const result = await executeNotebook(input, output, path.dirname(abs), { timeoutS: options.cellTimeoutS });
    const end = new Date();
    const run: RunRecord = {
      parameters: checked.effective,
      overrides: checked.overrides,
      date: start.toISOString(),
      durationS: (end.getTime() - start.getTime()) / 1000,
      version: projectVersion(),
    };
    const executed = fs.existsSync(output) ? readNotebook(output) : undefined;
    if (!result.ok || !executed)
      return {
        ok: false,
        file,
        run,
        executed,
        error: result.ok ? { ok: false, ename: "ExecutorError", evalue: "no executed notebook was written" } : result,
      };
    Object.assign(executed.metadata.papermill ?? {}, {
      start_time: start.toISOString(),
      end_time: end.toISOString(),
      duration: run.durationS,
      exception: false,
    });
    executed.metadata.mmsim = { ...(executed.metadata.mmsim ?? {}), run };
    // The report first: if it cannot be written, neither output moves.
    const html = options.html ? reportHtml(executed, { file: path.basename(file), run }) : undefined;
    if (options.out) writeNotebook(options.out, executed);
    if (options.html && html !== undefined) writeFileAtomic(options.html, html);
    return { ok: true, file, run, executed };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
