/**
 * Scratch directories of notebook runs, all under one root ($TMPDIR/mmsim-<uid>), named run-<pid>-<random> after the
 * process that owns them. A run removes its own when it ends, also on SIGINT and SIGTERM (see abortRuns); what a
 * `kill -9` leaves behind, the next run sweeps: every run-<pid>-* whose pid is no longer alive.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The one root of every run's scratch directory. */
export function tempRoot(): string {
  const uid = typeof process.getuid === "function" ? process.getuid() : "user";
  return path.join(os.tmpdir(), `mmsim-${uid}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: alive, someone else's.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes the scratch directories whose owner is gone; returns their names. */
export function sweepTempRuns(root = tempRoot()): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  const swept: string[] = [];
  for (const name of names) {
    const m = /^run-(\d+)-/.exec(name);
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    fs.rmSync(path.join(root, name), { recursive: true, force: true });
    swept.push(name);
  }
  return swept;
}

/** A fresh scratch directory for this process, after sweeping the ones whose owner is gone. */
export function makeTempRun(root = tempRoot()): string {
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  sweepTempRuns(root);
  return fs.mkdtempSync(path.join(root, `run-${process.pid}-`));
}
