/**
 * The `mmsim` command line. How it ends:
 * - bad input (UsageError, ParamError, RangeError, and notebook-file and set-up problems): one line naming the cause
 *   on stderr, exit 2;
 * - anything else: one line too, exit 1; with MMSIM_DEBUG=1 the stack as well (no user needs one for their input);
 * - a closed stdout (`mmsim experiment ... | head -1`): quietly, exit 0, as `yes | head` does (workers stop with us);
 * - SIGINT or SIGTERM: `run` and `report` stop their notebook runs, kernels and scratch directories, exit 130 or 143;
 *   the other commands end at once (the default). Run through npx, whose `sh -c` does not pass signals on, mmsim
 *   stops when that parent goes away (bin/mmsim.js).
 */
import { RunFailedError } from "../experiments/executor";
import { ParamError } from "../experiments/params";
import { UsageError } from "./args";
import { benchCommand } from "./bench-command";
import { experimentCommand } from "./experiment-command";

const HELP = `mmsim: Linux memory-management arguments, reproduced as experiments

usage:
  mmsim experiment [--help]                 list experiments
  mmsim experiment <id> --help              an experiment's parameters (units, ranges, sources, rules),
                                            observables and claims
  mmsim experiment <id> [--<param> v]...    run it (a comma list sweeps); --seeds N --seed-base B --workers W
                                            --max-replications N --format table|json|csv
  mmsim claims <id> [--seeds N] [--claim C]... [--format table|text|markdown|json]
                                            decide the experiment's claims by the one rule, on fresh seeds
                                            (text: 72 columns for a mail reply; markdown: for a review)
  mmsim published <id> [--seeds N] [--role R] [--format table|json|csv]
                                            every published number beside the model's, row by row, with its
                                            role (input, calibration, prediction, context) and agreement
  mmsim run <notebook> [-p name value]... [-f params.yaml] [-o out.ipynb] [--html out.html]
  mmsim report [notebook]... [--pdf]        every notebook at its defaults -> reports/*.html and index.html
  mmsim bench lock [--threads K] [--think-ns T] [--hold-ns H] [--acquisitions N] [--seed S] [--json]
  mmsim bench compare                       this engine vs SimPy, Cimba and a C loop, as ratios
  mmsim bench queue                         2 queue workers vs 1, and the queue's cost per replication

result columns: each observable's mean over seeds, <name>Ci95 (95% CI half-width, Student's t), <name>N where
fewer seeds than asked gave a value, <name>Samples (the fewest samples behind a quantile in any seed).
every command takes --help; a bad option, parameter or value is named with what is allowed, before anything runs.

sweeps on other machines (see the README):
  mmsim worker --redis redis://host:port    compute replications for runs submitted with --executor
  mmsim experiment <id> ... --executor redis://host:port     (also mmsim claims <id> --executor ...)
  mmsim experiment <id> ... --shard K/N --out part-K.json    one share of the run, K = 1..N
  mmsim merge part-*.json [--out FILE]      the shards' output, byte for byte the one run's
`;

type Command = (argv: string[], out: (s: string) => void) => Promise<void>;

const commands: Record<string, () => Command> = {
  experiment: () => experimentCommand,
  bench: () => benchCommand,
  claims: () => require("./claims-command").claimsCommand as Command,
  run: () => require("./run-command").runCommand as Command,
  report: () => require("./report-command").reportCommand as Command,
  published: () => require("./published-command").publishedCommand as Command,
  worker: () => require("./worker-command").workerCommand as Command,
  merge: () => require("./merge-command").mergeCommand as Command,
};

export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === "--help" || cmd === "-h" || cmd === "help") {
    out(HELP);
    return cmd === undefined ? 2 : 0;
  }
  const make = commands[cmd];
  if (!make) {
    process.stderr.write(`mmsim: unknown command '${cmd}'\n\n${HELP}`);
    return 2;
  }
  try {
    await make()(rest, out);
    return 0;
  } catch (e) {
    // A run that failed on a replication (locally or on the cluster) says everything in its message.
    if (e instanceof RunFailedError) {
      process.stderr.write(`mmsim ${cmd}: ${e.message}\n`);
      return 1;
    }
    process.stderr.write(`mmsim ${cmd}: ${describeError(e)}\n`);
    return isInputError(e) ? 2 : 1;
  }
}

/** Problems with what the user gave: shown as their message alone. */
const INPUT_ERRORS = ["UsageError", "ParamError", "NotebookFileError", "SetupError"];

export function isInputError(e: unknown): boolean {
  return (
    e instanceof UsageError ||
    e instanceof ParamError ||
    e instanceof RangeError ||
    (e instanceof Error && INPUT_ERRORS.includes(e.name))
  );
}

/** One line for the user; the stack too only with MMSIM_DEBUG=1. */
export function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const debug = process.env.MMSIM_DEBUG === "1";
  // A failed notebook's message already says all there is (its own stack is the message).
  if (e.name === "NotebookRunError") return e.message;
  if (isInputError(e)) return debug && e.stack ? `${e.message}\n${e.stack}` : e.message;
  if (debug) return e.stack ?? e.message;
  return `${e.name}: ${e.message} (MMSIM_DEBUG=1 shows where)`;
}

/**
 * What the process does on a closed stdout, and, for the commands that run notebooks (`run`, `report`), on SIGINT
 * and SIGTERM (see the top of this file). The other commands keep the default: a signal ends them at once, even while
 * a simulation keeps this thread busy.
 */
export function installProcessHandlers(argv: string[] = process.argv.slice(2)): void {
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
  if (argv[0] !== "run" && argv[0] !== "report") return;
  const stop = (signal: NodeJS.Signals, code: number) => {
    (require("../notebook/run-notebook") as typeof import("../notebook/run-notebook")).abortRuns();
    process.stderr.write(`mmsim: stopped by ${signal}\n`);
    process.exit(code);
  };
  process.once("SIGINT", () => stop("SIGINT", 130));
  process.once("SIGTERM", () => stop("SIGTERM", 143));
}

if (require.main === module) {
  installProcessHandlers();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`mmsim: ${describeError(e)}\n`);
      process.exitCode = 1;
    },
  );
}
