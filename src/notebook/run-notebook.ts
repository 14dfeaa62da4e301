/**
 * `runNotebook`: one parameterised run of a notebook, papermill-style, through Jupyter's own machinery.
 *
 * 1. Read the notebook and its parameters cell (none is needed when nothing is overridden); check every override
 *    against the notebook's schema, and that `out` and `html` can be written. A problem throws (ParamError,
 *    NotebookFileError) before any kernel starts, and nothing is written.
 * 2. Inject the overrides and papermill metadata; execute with nbclient in mmsim's kernel from .venv, the kernel
 *    running in the notebook's own folder, the files of the run in a scratch directory under one root (temp-runs.ts).
 * 3. On success, write the executed notebook (`out`) and the HTML report (`html`), each atomically. On failure, as
 *    papermill does, write the executed notebook anyway (every output up to the failing cell, its error, papermill's
 *    banner at the top and above the failing cell) and leave the previous report in place; the result names the
 *    failing cell and its error.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { findExperiment } from "../experiments/registry";
import {
  readNotebook,
  writeNotebook,
  joinText,
  NotebookFileError,
  type Cell,
  type Notebook,
  type RunRecord,
} from "./ipynb";
import { ERROR_MARKER_TAG, parametersCellIndex, prepareNotebook } from "./inject";
import { executeNotebook, PROJECT_ROOT, stopNotebookExecutors, type ExecuteResult } from "./jupyter";
import { checkOverrides, notebookSchema, type CheckedOverrides } from "./overrides";
import { parseParamsCell } from "./params-cell";
import { reportHtml } from "./report/html-report";
import { writeFileAtomic } from "./atomic-write";
import { makeTempRun } from "./temp-runs";
import { msToS } from "../sim/time";

export interface RunNotebookOptions {
  /** Parameter overrides by name (values as parsed from YAML: numbers, strings, booleans, lists). */
  params?: Record<string, unknown>;
  /** Where to write the executed notebook (also when a cell fails). */
  out?: string;
  /** Where to write the HTML report (only when the run succeeds). */
  html?: string;
  /** Longest any one cell may run, in seconds (default 600). */
  cellTimeoutS?: number;
  /** The run's log: overrides accepted but changed, before the kernel starts. */
  log?: (line: string) => void;
}

export interface RunNotebookResult {
  ok: boolean;
  /** The notebook run, as given. */
  file: string;
  run: RunRecord;
  /** Overrides accepted but changed ("reclaimersSweep takes a list ...: 8 became [8]"), for the run's log. */
  notes: string[];
  /** The files written: on success `out` and `html`; on failure `out` only (the failed notebook). */
  wrote: string[];
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
  const at = parametersCellIndex(notebook, where, true);
  const inject = { inputPath: file, outputPath };
  if (at < 0) {
    const given = Object.keys(params);
    if (given.length > 0)
      throw new NotebookFileError(
        `${where} has no cell tagged 'parameters', so it takes no parameters (given: ${given.join(", ")}); ` +
          `to give it some, tag one code cell 'parameters' holding one object, e.g. const params = { seeds: 5 };`,
      );
    const checked: CheckedOverrides = { overrides: {}, effective: {}, notes: [] };
    const prepared = prepareNotebook(notebook, where, { variable: "params", overrides: {}, defaults: {}, ...inject });
    return { notebook, checked, prepared };
  }
  const cell = parseParamsCell(joinText(notebook.cells[at].source), where);
  const schema = notebookSchema(notebook, where, cell, findExperiment);
  const checked = checkOverrides(schema, params);
  const defaults = Object.fromEntries(cell.entries.map((e) => [e.name, e.value !== undefined ? e.value : e.text]));
  const prepared = prepareNotebook(notebook, where, {
    variable: cell.variable,
    overrides: checked.overrides,
    defaults,
    ...inject,
  });
  return { notebook, checked, prepared };
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

/**
 * Fails, naming the option and the path, when `file` could not be written: it is a directory, it is read-only, or
 * its nearest existing ancestor is not a writable directory (which writeFileAtomic would find only after the run).
 */
export function checkWritable(file: string, option: string): void {
  const target = path.resolve(file);
  const bad = (why: string) => new NotebookFileError(`option ${option}: cannot write ${file}: ${why}`);
  const st = statOrUndefined(target);
  if (st?.isDirectory()) throw bad("it is a directory");
  if (st) {
    try {
      fs.accessSync(target, fs.constants.W_OK);
    } catch {
      throw bad("the file is not writable");
    }
  }
  for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
    const d = statOrUndefined(dir);
    if (d) {
      if (!d.isDirectory()) throw bad(`${dir} is not a directory`);
      try {
        fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
      } catch {
        throw bad(`the directory ${dir} is not writable`);
      }
      return;
    }
    if (path.dirname(dir) === dir) throw bad("no directory above it exists");
  }
}

/**
 * A failed run in a few lines: the notebook, the cell, the error, and what else the kernel said about it (compile
 * errors); stack frames only with MMSIM_DEBUG=1 (they point into the compiled cell, not the notebook).
 */
export function describeFailure(file: string, error: ExecuteResult | undefined): string {
  if (!error) return `${file} failed`;
  const where = error.cell !== undefined && error.cell >= 0 ? ` in cell ${error.cell}` : "";
  const head = `${error.ename ?? "Error"}: ${error.evalue ?? ""}`;
  const debug = process.env.MMSIM_DEBUG === "1";
  // The kernel's own frames (tslab, node:vm) say nothing about the notebook: keep the lines above them.
  const lines = (error.traceback ?? "").trimEnd().split("\n");
  const internal = lines.findIndex((l) => /\(node:|node_modules\/tslab\/|^\s+at sigintHandlersWrap/.test(l));
  const tb = (internal >= 0 ? lines.slice(0, internal) : lines)
    .filter((l) => l.trim() !== head.trim() && l.trim() !== (error.evalue ?? "").trim())
    .filter((l) => debug || !/^\s+at /.test(l))
    .join("\n")
    .replace(/^\n+/, "")
    .trimEnd();
  return `${file} failed${where}: ${head}${tb ? `\n${tb}` : ""}`.trimEnd();
}

/** papermill's banner style (papermill/execute.py, ERROR_STYLE). */
const ERROR_STYLE = 'style="color:red; font-family:Helvetica Neue, Helvetica, Arial, sans-serif; font-size:2em;"';

function bannerCell(source: string): Cell {
  return { cell_type: "markdown", metadata: { tags: [ERROR_MARKER_TAG] }, source };
}

/**
 * Marks a failed run's notebook as papermill does (raise_for_execution_errors): a note with an anchor above the
 * failing cell, and a banner at the top linking to it. Both carry papermill's tag, so the next run removes them.
 */
export function markFailure(nb: Notebook, cellIndex: number): void {
  if (cellIndex < 0 || cellIndex >= nb.cells.length) return;
  const count = nb.cells[cellIndex].execution_count;
  nb.cells.splice(
    cellIndex,
    0,
    bannerCell(
      `<span id="papermill-error-cell" ${ERROR_STYLE}>Execution using papermill encountered an exception here and stopped:</span>`,
    ),
  );
  nb.cells.unshift(
    bannerCell(
      `<span ${ERROR_STYLE}>An Exception was encountered at '<a href="#papermill-error-cell">In [${count ?? " "}]</a>'.</span>`,
    ),
  );
}

/** Scratch directories of the runs in progress, for abortRuns. */
const scratch = new Set<string>();

/** On SIGINT or SIGTERM: stops the executors (and their kernels) and removes the runs' scratch directories. */
export function abortRuns(): void {
  stopNotebookExecutors();
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
  scratch.clear();
}

export async function runNotebook(file: string, options: RunNotebookOptions = {}): Promise<RunNotebookResult> {
  const abs = path.resolve(file);
  const { checked, prepared } = prepareRun(abs, options.params ?? {}, options.out ? path.resolve(options.out) : null);
  if (options.out) checkWritable(options.out, "-o");
  if (options.html) checkWritable(options.html, "--html");
  for (const note of checked.notes) options.log?.(note);
  const tmp = makeTempRun();
  scratch.add(tmp);
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
      durationS: msToS(end.getTime() - start.getTime()),
      version: projectVersion(),
    };
    const executed = fs.existsSync(output) ? readNotebook(output) : undefined;
    const ok = result.ok && executed !== undefined;
    if (executed) {
      Object.assign(executed.metadata.papermill ?? {}, {
        start_time: start.toISOString(),
        end_time: end.toISOString(),
        duration: run.durationS,
        exception: !ok,
      });
      executed.metadata.mmsim = { ...(executed.metadata.mmsim ?? {}), run };
    }
    const base = { file, run, notes: checked.notes, executed };
    if (!ok) {
      // papermill's convention: the failed notebook is written, marked; the report is not (the previous one stays).
      const wrote: string[] = [];
      if (executed && options.out) {
        markFailure(executed, result.cell ?? -1);
        writeNotebook(options.out, executed);
        wrote.push(options.out);
      }
      const error = result.ok
        ? { ok: false, ename: "ExecutorError", evalue: "no executed notebook was written" }
        : result;
      return { ...base, ok: false, wrote, error };
    }
    // The report first: if it cannot be written, neither output moves.
    const html = options.html ? reportHtml(executed, { file: path.basename(file), run }) : undefined;
    if (options.out) writeNotebook(options.out, executed);
    if (options.html && html !== undefined) writeFileAtomic(options.html, html);
    return { ...base, ok: true, wrote: [options.out, options.html].filter((f): f is string => !!f) };
  } finally {
    scratch.delete(tmp);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
