/**
 * A progress display for long sweeps that redraws itself in place (one output, updated through its display id).
 * It is a function, so it can be passed straight to runExperiment: `{onProgress: progress("sweep")}`.
 */
import { displayBundle, inKernel, newDisplayId } from "./bundle";
import { escapeHtml } from "./html";
import { msToS } from "../sim/time";

export interface Progress {
  /** Reports `done` of `total` steps. Redraws at most every `intervalMs`, and always at the last step. */
  (done: number, total: number): void;
  /** Final redraw, with an optional note ("done" by default) and the elapsed time. */
  finish(note?: string): void;
}

export interface ProgressOptions {
  /** Minimum time between redraws (default 250 ms): replications can finish thousands of times a second. */
  intervalMs?: number;
}

/** Creates a progress display labelled `label`; nothing is shown until the first report. */
export function progress(label: string, options: ProgressOptions = {}): Progress {
  const id = newDisplayId();
  const t0 = Date.now();
  const interval = options.intervalMs ?? 250;
  let shown = false;
  let lastDraw = 0;
  let last = { done: 0, total: 0 };
  const draw = (done: number, total: number, note?: string) => {
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const seconds = msToS(Date.now() - t0).toFixed(1);
    const status = note ?? `${done}/${total}`;
    const text = `${label}: ${status} (${Math.round(fraction * 100)}%, ${seconds} s)`;
    const html =
      `<div class="mmsim-progress" style="font-family:sans-serif;font-size:13px">${escapeHtml(label)}: ${escapeHtml(status)} ` +
      `<span style="display:inline-block;width:200px;height:10px;background:#eee;vertical-align:middle">` +
      `<span style="display:block;height:10px;width:${(fraction * 100).toFixed(1)}%;background:#4c78a8"></span></span> ` +
      `${seconds} s</div>`;
    // Outside a kernel, print only the final line rather than a line per redraw.
    if (!inKernel() && note === undefined) return;
    displayBundle({ "text/html": html, "text/plain": text }, { displayId: id, update: shown });
    shown = true;
  };
  const report = ((done: number, total: number) => {
    last = { done, total };
    const now = Date.now();
    if (done >= total || now - lastDraw >= interval) {
      lastDraw = now;
      draw(done, total);
    }
  }) as Progress;
  report.finish = (note = "done") => draw(last.total || 1, last.total || 1, note);
  return report;
}
