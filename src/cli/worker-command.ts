/** `mmsim worker --redis URL`: computes replications for runs submitted with `--executor URL`, until stopped. */
import * as os from "node:os";
import { DEFAULT_LOCK_MS } from "../experiments/distributed/protocol";
import { numberOption, parseArgs, lastOption, UsageError } from "./args";

export const WORKER_HELP = `usage: mmsim worker --redis redis://[user:password@]host[:port][/db] [--concurrency N] [--lock-ms MS] [--verbose]

Takes replications (sweep point x seed) from every run submitted to that Redis server with
\`mmsim experiment ... --executor URL\`, \`mmsim claims ... --executor URL\` or runExperiment(..., { executor: URL }),
computes them with this checkout's code, and returns the results. Start as many as you like, on any machines that
reach the server; each must run the same mmsim (version, git commit, Node major version and compiled code, checked
per run: a worker with other code refuses the run and says why, in its log and on the submitter's stderr).
rediss:// connects with TLS. Keep Redis on a private network or behind a password (see the README).

options:
  --redis URL        the Redis server (required)
  --concurrency N    replications at once, on worker threads (default: this machine's cores, ${os.availableParallelism()} here)
  --lock-ms MS       BullMQ job lock (default ${DEFAULT_LOCK_MS}): a killed worker's replications run again elsewhere after
                     at most about twice this; every worker also checks for such jobs this often
  --verbose          log every replication

The first SIGINT or SIGTERM stops taking jobs and finishes the running ones; a second stops at once (their jobs
run again on other workers).
`;

export async function workerCommand(argv: string[], out: (s: string) => void): Promise<void> {
  const args = parseArgs(argv, ["help", "h", "verbose"]);
  if (lastOption(args, "help", "h")) return out(WORKER_HELP);
  const known = ["redis", "concurrency", "lock-ms", "verbose"];
  for (const o of args.options)
    if (!known.includes(o.name))
      throw new UsageError(`unknown option --${o.name}; options: ${known.map((k) => `--${k}`).join(", ")}`);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
  const url = lastOption(args, "redis");
  if (typeof url !== "string") throw new UsageError("option --redis is required: --redis redis://host:port");
  const concurrency = numberOption(
    args,
    "concurrency",
    os.availableParallelism(),
    (v) => Number.isInteger(v) && v >= 1 && v <= 256,
    "an integer in [1, 256]",
  );
  const lockMs = numberOption(
    args,
    "lock-ms",
    DEFAULT_LOCK_MS,
    (v) => Number.isInteger(v) && v >= 500 && v <= 3_600_000,
    "an integer in [500, 3600000] ms",
  );
  const { WorkerService } =
    require("../experiments/distributed/redis-worker") as typeof import("../experiments/distributed/redis-worker");
  const log = (line: string) => process.stderr.write(`mmsim worker: ${line}\n`);
  const service = new WorkerService({ url, concurrency, lockMs, verbose: lastOption(args, "verbose") === true, log });

  let stopping: Promise<void> | null = null;
  const finished = new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        log(`${signal} again: stopping now; the running replications will run again on other workers`);
        process.exit(signal === "SIGINT" ? 130 : 143);
      }
      log(`${signal}: stopping; finishing ${service.busy} running replication(s) (send it again to stop at once)`);
      stopping = service.stop(true).then(() => {
        process.removeListener("SIGINT", onSignal);
        process.removeListener("SIGTERM", onSignal);
        log("stopped");
        resolve();
      });
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
  await service.start();
  await finished;
  // Stopped: whatever BullMQ still holds open (a reconnect to a server that is gone) may not keep the process.
  setTimeout(() => process.exit(0), 2000).unref();
}
