/**
 * `mmsim/host`: what runs notebooks and writes their reports, for scripts and tools on the host (the `mmsim run` and
 * `mmsim report` commands are built on it). A notebook cell never loads this face: `mmsim/notebook` is the cells'
 * toolkit, and a test keeps everything it reaches free of these modules.
 *
 * @example
 * ```ts
 * import { runNotebook, reportAll } from "mmsim/host";
 * const r = await runNotebook("notebooks/003-vma-lock.ipynb", { params: { threads: 48 }, html: "out.html" });
 * await reportAll({ reportsDir: "reports" });
 * ```
 */
export { runNotebook, prepareRun, type RunNotebookOptions, type RunNotebookResult } from "./run-notebook";
export { reportAll, listNotebooks, type ReportAllOptions, type ReportAllResult } from "./report-all";
