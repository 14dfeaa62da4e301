/** `mmsim claims <id>`: decide an experiment's claims and print the verdict table. */
import { evaluateClaims } from "../experiments/claims";
import { quote } from "../experiments/params";
import { experiments, findExperiment } from "../experiments/registry";
import { parseArgs, lastOption, UsageError } from "./args";
import { formatTable } from "./format";
import { parsePlacement, withExecutor } from "./placement";
import { refuseRepeatedOptions, seedOptions, workersOption } from "./run-options";

export async function claimsCommand(argv: string[], out: (s: string) => void): Promise<void> {
  const args = parseArgs(argv, ["json"]);
  const id = args.positionals[0];
  const exp = id ? findExperiment(id) : undefined;
  if (!exp)
    throw new UsageError(
      `${id ? `unknown experiment ${quote(id)}` : "name an experiment"}; experiments: ${experiments.map((e) => e.id).join(", ")}`,
    );
  for (const o of args.options)
    if (!["json", "seeds", "seed-base", "workers", "claim", "executor"].includes(o.name))
      throw new UsageError(
        `unknown option ${quote(`--${o.name}`)}; options: --seeds, --seed-base, --workers, --claim, --json, --executor`,
      );
  // Each option once (--claim may repeat), numbers as strict as parameters, workers at most the machine's cores.
  refuseRepeatedOptions(args, ["json", "seeds", "seed-base", "workers", "executor"]);
  const { seeds, seedBase } = seedOptions(args, { seeds: 5, minSeeds: 2, maxSeeds: 1000 });
  const only = args.options.filter((o) => o.name === "claim").map((o) => String(o.value));
  for (const c of only)
    if (!exp.claims.some((k) => k.id === c))
      throw new UsageError(`unknown claim ${quote(c)}; claims: ${exp.claims.map((k) => k.id).join(", ")}`);
  // --executor redis://...: every run the claims need goes to `mmsim worker` processes.
  const placement = parsePlacement(args, false);
  const workers = workersOption(args, "claims");
  const verdicts = await withExecutor(placement, `${exp.id} claims`, (executor, onProgress) =>
    evaluateClaims(exp, {
      seeds,
      seedBase,
      workers,
      only: only.length ? only : undefined,
      executor,
      onProgress,
    }),
  );
  if (lastOption(args, "json")) out(JSON.stringify(verdicts.map(({ evidence: _evidence, ...v }) => v)) + "\n");
  else
    out(
      formatTable(
        verdicts.map((v) => ({ claim: v.id, who: v.who, verdict: v.verdict, detail: v.detail })),
        ["claim", "who", "verdict", "detail"],
      ),
    );
}
