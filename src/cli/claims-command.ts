/**
 * `mmsim claims <id>`: decide an experiment's claims and print the verdicts as a table (default), plain text for a
 * mailing-list reply (72 columns), Markdown, or one JSON object.
 */
import { claimsMarkdown, claimsReport, claimsText, evaluateClaims } from "../experiments/claims";
import type { AnyExperiment } from "../experiments/experiment";
import { loadExperiment } from "../experiments/module-loader";
import { describeAllowed, parseCliValue, ParamError, type ParamSpec } from "../experiments/params";
import { experiments, findExperiment } from "../experiments/registry";
import { camel, lastOption, numberOption, parseArgs, UsageError } from "./args";
import { formatTable } from "./format";
import { parsePlacement, withExecutor } from "./placement";

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
  if (!exp) throw new UsageError(`unknown experiment '${id}'; experiments: ${experiments.map((e) => e.id).join(", ")}`);
  return exp;
}

export async function claimsCommand(argv: string[], out: (s: string) => void): Promise<void> {
  const args = parseArgs(argv, ["json", "help", "h"]);
  if (lastOption(args, "help", "h") !== undefined) return out(CLAIMS_HELP);
  const module = lastOption(args, "module");
  const exp = experimentOf(args.positionals[0], typeof module === "string" ? module : undefined);
  if (args.positionals.length > 1) throw new UsageError(`unexpected argument '${args.positionals[1]}'`);

  const base: Record<string, unknown> = {};
  for (const o of args.options) {
    if (OPTIONS.includes(o.name)) continue;
    const name = o.name in exp.params ? o.name : camel(o.name);
    const spec = exp.params[name] as ParamSpec | undefined;
    if (!spec)
      throw new UsageError(
        `unknown option --${o.name}; options: ${OPTIONS.map((k) => `--${k}`).join(", ")}, or a parameter of ${exp.id}: ` +
          Object.keys(exp.params).join(", "),
      );
    if (o.value === true)
      throw new ParamError(name, `parameter '${name}' needs a value; allowed: ${describeAllowed(spec)}`);
    const values = parseCliValue(name, spec, o.value);
    if (values.length !== 1)
      throw new ParamError(name, `parameter '${name}': claims take one value per parameter, got ${values.length}`);
    base[name] = values[0];
  }
  const format = lastOption(args, "json") !== undefined ? "json" : (lastOption(args, "format") ?? "table");
  if (typeof format !== "string" || !FORMATS.includes(format))
    throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got ${String(format)}`);
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
