/** `mmsim merge part-*.json [--out FILE]`: the output of a sharded run, byte for byte what the one run prints. */
import { codeIdentity, describeIdentity, identityMismatch } from "../experiments/distributed/code-identity";
import { checkParts, PartError, readPart, ReplayExecutor } from "../experiments/distributed/shard";
import { findExperiment } from "../experiments/registry";
import { runExperiment } from "../experiments/runner";
import { lastOption, parseArgs, UsageError } from "./args";
import { formatResults } from "./experiment-command";
import { parsePlacement, writeOutput } from "./placement";

export const MERGE_HELP = `usage: mmsim merge PART... [--out FILE]

Merges the part files of a sharded run (mmsim experiment <id> ... --shard K/N --out part-K.json, K = 1..N) and prints,
in the format the shards were run with, exactly what the run without --shard would have printed. Refuses parts of
different experiments, parameters, seeds, formats, shard counts or code (version, commit, build), and missing or
duplicate shards, naming what differs. Merge with the same mmsim checkout that computed the parts.
`;

export async function mergeCommand(argv: string[], out: (s: string) => void): Promise<void> {
  const args = parseArgs(argv, ["help", "h"]);
  if (lastOption(args, "help", "h")) return out(MERGE_HELP);
  for (const o of args.options)
    if (o.name !== "out") throw new UsageError(`unknown option --${o.name}; options: --out FILE`);
  const placement = parsePlacement(args, false);
  const parts = args.positionals.map((file) => ({ file, part: readPart(file) }));
  checkParts(parts);
  const p0 = parts[0].part;
  const here = codeIdentity();
  const mismatch = identityMismatch(p0.build, here);
  if (mismatch !== null)
    throw new PartError(
      `cannot merge: the parts were computed by ${describeIdentity(p0.build)}, this is ${describeIdentity(here)} ` +
        `(${mismatch}); merge with the checkout that computed them`,
    );
  const exp = findExperiment(p0.experiment);
  if (!exp) throw new PartError(`cannot merge: experiment '${p0.experiment}' is not registered in this mmsim`);
  if (p0.format !== "table" && p0.format !== "json" && p0.format !== "csv")
    throw new PartError(`cannot merge: output format '${p0.format}' is not table, json or csv`);
  const rs = await runExperiment(exp, p0.params, {
    seeds: p0.seeds,
    seedBase: p0.seedBase,
    executor: new ReplayExecutor(parts.map((p) => p.part)),
  });
  writeOutput(formatResults(exp, rs, p0.format, p0.seeds, p0.seedBase), placement, out);
}
