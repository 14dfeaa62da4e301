/** The `mmsim` command line. */
import { RunFailedError } from "../experiments/executor";
import { ParamError } from "../experiments/params";
import { UsageError } from "./args";
import { benchCommand } from "./bench-command";
import { experimentCommand } from "./experiment-command";

const HELP = `mmsim: Linux memory-management arguments, reproduced as experiments

usage:
  mmsim experiment [--help]                 list experiments
  mmsim experiment <id> --help              an experiment's parameters, observables and claims
  mmsim experiment <id> [--<param> v]...    run it (a comma list sweeps); --seeds N --format table|json|csv
  mmsim claims <id> [--seeds N]             decide the experiment's claims on fresh seeds
  mmsim run <notebook> [-p name value]... [-f params.yaml] [-o out.ipynb] [--html out.html]
  mmsim published <id> [--seeds N]          every published number beside the model's, row by row
  mmsim report [notebook]...                every notebook at its defaults -> reports/*.html and reports/index.html
  mmsim bench lock [--threads K] [--think-ns T] [--hold-ns H] [--acquisitions N] [--seed S] [--json]
  mmsim bench compare                       this engine vs SimPy vs a C loop, as ratios
  mmsim bench queue                         2 queue workers vs 1, and the queue's cost per replication

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
    if (e instanceof UsageError || e instanceof ParamError || e instanceof RangeError) {
      process.stderr.write(`mmsim ${cmd}: ${e.message}\n`);
      return 2;
    }
    if (e instanceof RunFailedError) {
      process.stderr.write(`mmsim ${cmd}: ${e.message}\n`);
      return 1;
    }
    process.stderr.write(`mmsim ${cmd}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(String(e) + "\n");
      process.exitCode = 1;
    },
  );
}
