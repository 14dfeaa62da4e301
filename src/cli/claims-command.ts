/**
 * `mmsim claims <id>`: decide an experiment's claims and print the verdicts as a table (default), plain text for a
 * mailing-list reply (72 columns), Markdown, or one JSON object.
 */
import { claimsMarkdown, claimsReport, claimsText, evaluateClaims } from "../experiments/claims";
import type { AnyExperiment } from "../experiments/experiment";
import { loadExperiment } from "../experiments/module-loader";
import { checkInput, describeAllowed, parseCliValue, ParamError, quote, type ParamSpec } from "../experiments/params";
import { experiments, findExperiment } from "../experiments/registry";
import { checkPlan } from "../experiments/rules";
import { camel, lastOption, parseArgs, UsageError } from "./args";
import { formatTable } from "./format";
import { parsePlacement, withExecutor } from "./placement";
import { flagText, refuseRepeatedOptions, seedOptions, singleOption, workersOption } from "./run-options";

const OPTIONS = ["json", "format", "seeds", "seed-base", "workers", "claim", "module", "executor"];
const FORMATS = ["table", "text", "markdown", "json"];

export const CLAIMS_HELP = `usage: mmsim claims <id> [--seeds N] [--seed-base B] [--workers W] [--claim C]...
                   [--format table|text|markdown|json] [--json] [--<param> value]... [--module file]

  --format text      plain text for a mailing-list reply: 72 columns, each claim with who made it, the
                     verdict, the deciding numbers with their CIs and seeds, and a footer with the mmsim
                     version, the commit, the seeds and this command
  --format markdown  a table for an issue or a pull request, with the same footer
  --format json      one object {"experiment", "version", "commit", "seeds", "claims": [...]} (--json)
  --<param> value    overrides a parameter for every claim's runs (a claim's own values win)
  --module file      an experiment defined outside mmsim: the .ts or .js file that exports it
  --executor redis://[user:password@]host[:port]   compute on \`mmsim worker\` processes (rediss:// for TLS)
`;

function experimentOf(id: string | undefined, module: string | undefined): AnyExperiment {
  if (id === undefined)
    throw new UsageError(
      `name an experiment; experiments: ${experiments.map((e) => e.id).join(", ")}\n\n${CLAIMS_HELP}`,
    );
  if (module !== undefined) {
    try {
      return loadExperiment(module, id);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
  }
  const exp = findExperiment(id);
  if (!exp)
    throw new UsageError(`unknown experiment ${quote(id)}; experiments: ${experiments.map((e) => e.id).join(", ")}`);
  return exp;
}

export async function claimsCommand(argv: string[], out: (s: string) => void): Promise<void> {
  const args = parseArgs(argv, ["json", "help", "h"]);
  if (lastOption(args, "help", "h") !== undefined) return out(CLAIMS_HELP);
  // Each option once (--claim may repeat), numbers as strict as parameters, workers at most the machine's cores.
  refuseRepeatedOptions(
    args,
    OPTIONS.filter((o) => o !== "claim"),
  );
  const module = singleOption(args, "module");
  const exp = experimentOf(args.positionals[0], typeof module === "string" ? module : undefined);
  if (args.positionals.length > 1) throw new UsageError(`unexpected argument ${quote(args.positionals[1])}`);

  // No prototype: `--__proto__ 1` or `--constructor 1` is an own, unknown name like any other.
  const base: Record<string, unknown> = Object.create(null);
  for (const o of args.options) {
    if (OPTIONS.includes(o.name)) continue;
    const name = Object.hasOwn(exp.params, o.name) ? o.name : camel(o.name);
    const spec = Object.hasOwn(exp.params, name) ? (exp.params[name] as ParamSpec) : undefined;
    if (!spec)
      throw new UsageError(
        `unknown option ${flagText(o.name)}; options: ${OPTIONS.map((k) => `--${k}`).join(", ")}, or a parameter of ${exp.id}: ` +
          Object.keys(exp.params).join(", "),
      );
    if (Object.hasOwn(base, name))
      throw new ParamError(name, `parameter '${name}' is given twice; claims take one value per parameter`);
    if (o.value === true)
      throw new ParamError(name, `parameter '${name}' needs a value; allowed: ${describeAllowed(spec)}`);
    const values = parseCliValue(name, spec, o.value);
    if (values.length !== 1)
      throw new ParamError(name, `parameter '${name}': claims take one value per parameter, got ${values.length}`);
    base[name] = values[0];
  }
  const format = lastOption(args, "json") !== undefined ? "json" : (lastOption(args, "format") ?? "table");
  if (typeof format !== "string" || !FORMATS.includes(format))
    throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got ${quote(String(format))}`);
  const { seeds, seedBase } = seedOptions(args, { seeds: 5, minSeeds: 2, maxSeeds: 1000 });
  // The overrides, with the defaults, checked before any claim runs: their values, then the experiment's rules (each
  // declared run is checked again with its own values by evaluateClaims, a legacy claim's as it starts).
  checkPlan(exp, checkInput(exp.params, base), seeds, undefined, undefined, Object.keys(base));
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
      base,
      executor,
      onProgress,
    }),
  );
  if (format === "json") out(JSON.stringify(claimsReport(verdicts)) + "\n");
  else if (format === "text") out(claimsText(verdicts));
  else if (format === "markdown") out(claimsMarkdown(verdicts));
  else
    out(
      formatTable(
        verdicts.map((v) => ({ claim: v.id, who: v.who, verdict: v.verdict, detail: v.detail })),
        ["claim", "who", "verdict", "detail"],
      ),
    );
}
