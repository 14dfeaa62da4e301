/**
 * The project's Jupyter: a virtual environment in .venv with the tslab kernel registered inside it (by
 * `npm run setup`). Everything runs through scripts/venv-run.sh, which keeps Jupyter's paths inside .venv
 * (scripts/jupyter-env.sh is the one place that lists them).
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** The project root (this file is compiled to <root>/dist/src/notebook/jupyter.js). */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..", "..");

/** Something the set-up should have installed is missing; the message says what to run. */
export class SetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SetupError";
  }
}

/** Throws a SetupError naming what to run when .venv, the tslab kernelspec or the node_modules/mmsim link is missing. */
export function checkJupyter(root = PROJECT_ROOT): void {
  const venvPython = path.join(root, ".venv", "bin", "python");
  if (!fs.existsSync(venvPython)) {
    throw new SetupError(
      `the project's Jupyter environment is missing (${venvPython}): run \`npm run setup\` in ${root}`,
    );
  }
  const spec = path.join(root, ".venv", "share", "jupyter", "kernels", "tslab", "kernel.json");
  if (!fs.existsSync(spec))
    throw new SetupError(
      `the tslab kernel is not registered in .venv (${spec} is missing): run \`npm run setup\` in ${root}`,
    );
  const link = path.join(root, "node_modules", "mmsim");
  let target: string | undefined;
  try {
    target = fs.realpathSync(link);
  } catch {
    target = undefined;
  }
  if (target !== fs.realpathSync(root)) {
    throw new SetupError(
      `node_modules/mmsim does not link to the project, so notebooks cannot import it: run \`npm run setup\` in ${root}`,
    );
  }
}

export interface ExecuteResult {
  ok: boolean;
  /** Index of the failing cell (-1 when the failure is not a cell's). */
  cell?: number;
  ename?: string;
  evalue?: string;
  traceback?: string;
}

/** The executors running now (scripts/execute_notebook.py), for stopNotebookExecutors. */
const executors = new Set<ChildProcess>();

/**
 * Stops every running executor (on SIGINT or SIGTERM of this process): SIGTERM, on which it shuts its kernel down.
 * Were this process killed outright, each would still notice: its stdin is a pipe from here, and it stops, with its
 * kernel, when the pipe closes.
 */
export function stopNotebookExecutors(): void {
  for (const child of executors) child.kill("SIGTERM");
}

/**
 * Executes the notebook `input` with nbclient in the kernel its metadata names, the kernel's working directory
 * being `cwd`; writes the executed notebook to `output` (also on failure, up to the failing cell).
 */
export function executeNotebook(
  input: string,
  output: string,
  cwd: string,
  options: { timeoutS?: number; root?: string } = {},
): Promise<ExecuteResult> {
  const root = options.root ?? PROJECT_ROOT;
  checkJupyter(root);
  const args = [
    path.join(root, "scripts", "venv-run.sh"),
    "python",
    path.join(root, "scripts", "execute_notebook.py"),
    input,
    output,
    "--cwd",
    cwd,
    "--timeout",
    String(options.timeoutS ?? 600),
    "--watch-stdin",
  ];
  return new Promise((resolve, reject) => {
    // stdin stays open and unused: the executor watches it to die with this process (see execute_notebook.py).
    const child = spawn("bash", args, { cwd, stdio: ["pipe", "pipe", "pipe"] });
    executors.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", (e) => {
      executors.delete(child);
      reject(e);
    });
    child.on("close", (code) => {
      executors.delete(child);
      child.stdin?.destroy();
      const last = stdout.trim().split("\n").pop() ?? "";
      try {
        const result = JSON.parse(last) as ExecuteResult;
        if (typeof result.ok === "boolean") return resolve(result);
      } catch {
        // fall through: the executor itself failed
      }
      resolve({
        ok: false,
        cell: -1,
        ename: "ExecutorError",
        evalue: `the notebook executor exited with status ${code}`,
        traceback: stderr.trim().split("\n").slice(-20).join("\n"),
      });
    });
  });
}
