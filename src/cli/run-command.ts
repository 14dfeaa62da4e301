/** `mmsim run <notebook>`: one parameterised run of a notebook, papermill-style (see src/notebook/run-notebook.ts). */
import { runNotebook, describeFailure } from "../notebook/run-notebook";
import { parseYamlValue, readParamsFile } from "../notebook/yaml-values";
import { NotebookFileError } from "../notebook/ipynb";
import { SetupError } from "../notebook/jupyter";
import { parseArgs, UsageError } from "./args";

export const RUN_HELP = `usage: mmsim run <notebook.ipynb> [-p name value]... [-f params.yaml] [-o out.ipynb] [--html out.html]

Runs the notebook in the tslab kernel of the project's Jupyter (.venv), its parameters overridden:
  -p name value       one parameter; value is YAML: 16, 2.5e3, true, fifo, "[2, 4, 8]" (a list sweeps)
  -f params.yaml      a YAML mapping of names to values
                      (flags apply in order: a later -p or -f wins)
  -o out.ipynb        write the executed notebook (papermill metadata included), also when a cell fails
  --html out.html     write the self-contained HTML report (only when the run succeeds)
  --cell-timeout S    longest one cell may run, in seconds (default 600)
Overrides are checked against the notebook's parameter types and ranges, and the output paths for being writable,
before the kernel starts; a problem fails naming the parameter or path, and nothing is written. When a cell fails,
-o still gets the notebook as far as it ran, the error in it and papermill's banner marking the cell, and the
previous HTML report is left as it was. A notebook without a parameters cell runs when nothing is overridden.
`;

/** A notebook that ran and failed: the message names it, its cell and the error (no stack: it is not ours). */
export class NotebookRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotebookRunError";
    this.stack = message;
  }
}

/** Problems with the notebook file or the set-up are the user's to fix: shown as usage errors (exit 2), no stack. */
export async function asUsageErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof NotebookFileError || e instanceof SetupError) throw new UsageError(e.message);
    throw e;
  }
}

export interface RunArgs {
  notebook: string;
  /** Overrides in flag order: a later -p or -f wins. */
  params: Record<string, unknown>;
  out?: string;
  html?: string;
  cellTimeoutS?: number;
}

/** Parses `mmsim run` arguments (null for --help); values are parsed as YAML but not yet checked. */
export function parseRunArgs(argv: string[]): RunArgs | null {
  const args = parseArgs(argv, ["help", "h"], ["p"]);
  if (args.options.some((o) => o.name === "help" || o.name === "h")) return null;
  if (args.positionals.length !== 1) {
    throw new UsageError(
      `${args.positionals.length === 0 ? "name a notebook" : `one notebook at a time, got ${args.positionals.join(" ")}`}\n\n${RUN_HELP}`,
    );
  }
  const run: RunArgs = { notebook: args.positionals[0], params: {} };
  for (const o of args.options) {
    const value = String(o.value);
    switch (o.name) {
      case "p": {
        const [name, text] = value.split("\u0000");
        run.params[name] = parseYamlValue(name, text);
        break;
      }
      case "f":
        Object.assign(run.params, readParamsFile(value));
        break;
      case "o":
      case "output":
        run.out = value;
        break;
      case "html":
        run.html = value;
        break;
      case "cell-timeout":
        run.cellTimeoutS = Number(value);
        if (!Number.isInteger(run.cellTimeoutS) || run.cellTimeoutS < 1) {
          throw new UsageError(
            `option --cell-timeout: '${value}' is not allowed; expected an integer number of seconds >= 1`,
          );
        }
        break;
      default:
        throw new UsageError(
          `unknown option '${o.name.length === 1 ? "-" : "--"}${o.name}'; options: -p name value, -f params.yaml, -o out.ipynb, --html out.html, --cell-timeout S`,
        );
    }
  }
  return run;
}

export async function runCommand(
  argv: string[],
  out: (s: string) => void,
  log: (s: string) => void = (s) => process.stderr.write(s),
): Promise<void> {
  const run = parseRunArgs(argv);
  if (run === null) return out(RUN_HELP);
  const result = await asUsageErrors(() =>
    runNotebook(run.notebook, {
      params: run.params,
      out: run.out,
      html: run.html,
      cellTimeoutS: run.cellTimeoutS,
      log: (note) => log(`mmsim run: note: ${note}\n`),
    }),
  );
  if (!result.ok) {
    const kept = run.html ? `; ${run.html} was not written (an earlier report is left as it was)` : "";
    throw new NotebookRunError(
      `${describeFailure(run.notebook, result.error)}\n` +
        (result.wrote.length > 0
          ? `wrote the failed notebook to ${result.wrote.join(", ")} (papermill's banner at the top links to the failing cell)${kept}`
          : `nothing was written (-o keeps the failed notebook)${kept}`),
    );
  }
  const wrote = result.wrote;
  const overrides = Object.entries(result.run.overrides).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  out(
    `${run.notebook}: ran in ${result.run.durationS.toFixed(1)} s` +
      `${overrides.length ? ` with ${overrides.join(", ")}` : " at its defaults"}` +
      `${wrote.length ? `; wrote ${wrote.join(", ")}` : "; nothing written (give -o and/or --html)"}\n`,
  );
}
