/** `mmsim claims <id>`: decide an experiment's claims and print the verdict table. */
import { evaluateClaims } from "../experiments/claims";
import { experiments, findExperiment } from "../experiments/registry";
import { numberOption, parseArgs, lastOption, UsageError } from "./args";
import { formatTable } from "./format";
import { parsePlacement, withExecutor } from "./placement";

export async function claimsCommand(argv: string[], out: (s: string) => void): Promise<void> {
  const args = parseArgs(argv, ["json"]);
  const id = args.positionals[0];
  const exp = id ? findExperiment(id) : undefined;
  if (!exp)
    throw new UsageError(
      `${id ? `unknown experiment '${id}'` : "name an experiment"}; experiments: ${experiments.map((e) => e.id).join(", ")}`,
    );
  for (const o of args.options)
    if (!["json", "seeds", "seed-base", "workers", "claim", "executor"].includes(o.name))
      throw new UsageError(
        `unknown option --${o.name}; options: --seeds, --seed-base, --workers, --claim, --json, --executor`,
      );
  const seeds = numberOption(
    args,
    "seeds",
    5,
    (v) => Number.isInteger(v) && v >= 2 && v <= 1000,
    "an integer in [2, 1000]",
  );
  const seedBase = numberOption(
    args,
    "seed-base",
    1,
    (v) => Number.isSafeInteger(v) && v >= 0,
    "a non-negative integer",
  );
  const workers = numberOption(args, "workers", 0, (v) => Number.isInteger(v) && v >= 1, "an integer >= 1");
  const only = args.options.filter((o) => o.name === "claim").map((o) => String(o.value));
  for (const c of only)
    if (!exp.claims.some((k) => k.id === c))
      throw new UsageError(`unknown claim '${c}'; claims: ${exp.claims.map((k) => k.id).join(", ")}`);
  // --executor redis://...: every run the claims need goes to `mmsim worker` processes.
  const verdicts = await withExecutor(parsePlacement(args, false), `${exp.id} claims`, (executor, onProgress) =>
    evaluateClaims(exp, {
      seeds,
      seedBase,
      workers: workers || undefined,
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
