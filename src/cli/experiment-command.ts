/** `mmsim experiment`: list experiments, show one's parameters, run it. */
import { describeAllowed, parseCliValue, ParamError, quote, type ParamSpec } from "../experiments/params";
import { describeRules, planSweep } from "../experiments/rules";
import { experiments, findExperiment } from "../experiments/registry";
import { runExperiment } from "../experiments/runner";
import type { ResultSet } from "../experiments/results";
import type { Experiment } from "../experiments/experiment";
import { camel, parseArgs, lastOption, UsageError } from "./args";
import { formatNumber, formatTable } from "./format";
import { parsePlacement, PLACEMENT_HELP, PLACEMENT_OPTIONS, runShard, withExecutor, writeOutput } from "./placement";
import {
  maxReplicationsOption,
  refuseRepeatedOptions,
  RUN_OPTIONS_HELP,
  seedOptions,
  singleOption,
  workersOption,
} from "./run-options";

const RUN_OPTIONS = ["seeds", "seed-base", "workers", "format", "max-replications", ...PLACEMENT_OPTIONS];

export function experimentListHelp(): string {
  const w = Math.max(...experiments.map((e) => e.id.length));
  return [
    "usage: mmsim experiment <id> [--<param> <value | a,b,c | lo:hi:xF | lo:hi:+S>]... [--seeds N] [--seed-base B]",
    "                             [--workers W] [--format table|json|csv] [--max-replications N]",
    "                             [--executor URL] [--shard K/N] [--out FILE]",
    "       mmsim experiment <id> --help     parameters with unit, default, range and description",
    "",
    "experiments:",
    ...experiments.map((e) => `  ${e.id.padEnd(w)}  ${e.title}`),
    "",
  ].join("\n");
}

export function experimentHelp(exp: Experiment<any, any>): string {
  const lines = [
    `${exp.id}: ${exp.title}`,
    `thread: ${exp.thread}`,
    `kernel: ${exp.kernel}`,
    "",
    "parameters (a comma list sweeps; each parameter once):",
  ];
  for (const [name, spec] of Object.entries(exp.params as Record<string, ParamSpec>)) {
    lines.push(
      `  --${name} <${spec.type}>  default ${JSON.stringify(spec.default)}${spec.unit ? ` ${spec.unit}` : ""}; ${describeAllowed(spec)}`,
    );
    lines.push(`      ${spec.description} [source: ${spec.source}]`);
  }
  const rules = describeRules(exp.rules);
  if (rules.length > 0)
    lines.push("", "rules between parameters (every sweep point is checked before anything runs):", ...rules);
  lines.push(
    "",
    "observables (each as mean over seeds, plus <name>Ci95, the 95% CI half-width; <name>N where fewer seeds gave a value; <name>Samples behind a quantile):",
  );
  for (const [name, o] of Object.entries(exp.observables)) lines.push(`  ${name} (${o.unit}): ${o.description}`);
  lines.push("", "claims:");
  for (const c of exp.claims) lines.push(`  ${c.id} (${c.who}): ${c.statement}`);
  lines.push("", RUN_OPTIONS_HELP, PLACEMENT_HELP, "");
  return lines.join("\n");
}

export async function experimentCommand(argv: string[], out: (s: string) => void): Promise<void> {
  const args = parseArgs(argv, ["help", "h"]);
  const id = args.positionals[0];
  const wantsHelp = lastOption(args, "help", "h") !== undefined;
  if (id === undefined) {
    if (wantsHelp || args.options.length === 0) return out(experimentListHelp());
    throw new UsageError("mmsim experiment: name an experiment first\n\n" + experimentListHelp());
  }
  if (args.positionals.length > 1) throw new UsageError(`unexpected argument ${quote(args.positionals[1])}`);
  const exp = findExperiment(id);
  if (!exp)
    throw new UsageError(`unknown experiment ${quote(id)}; experiments: ${experiments.map((e) => e.id).join(", ")}`);
  if (wantsHelp) return out(experimentHelp(exp));

  // Run options first: --max-replications bounds how many values a range may expand to.
  refuseRepeatedOptions(args, RUN_OPTIONS);
  const maxReplications = maxReplicationsOption(args);
  // No prototype: `--__proto__ 1` or `--constructor 1` is an own, unknown name like any other.
  const input: Record<string, unknown[]> = Object.create(null);
  const given = new Map<string, string>();
  for (const o of args.options) {
    if (RUN_OPTIONS.includes(o.name) || o.name === "help" || o.name === "h") continue;
    const name = Object.hasOwn(exp.params, o.name) ? o.name : camel(o.name);
    const spec = Object.hasOwn(exp.params, name) ? (exp.params[name] as ParamSpec) : undefined;
    // An unknown name goes through to checkInput, which names it and suggests the closest parameter.
    if (!spec) {
      input[name] = [o.value];
      continue;
    }
    // A parameter given twice (--hold-ns and --holdNs count as one) is refused, never half-dropped: a comma list or
    // a range sweeps several values.
    const flag = `--${o.name}${o.value === true ? "" : ` ${JSON.stringify(o.value)}`}`;
    const before = given.get(name);
    if (before !== undefined)
      throw new ParamError(
        name,
        `parameter '${name}' is given twice (${before} and ${flag}); give it once, with a comma list (a,b,c) or a ` +
          "range (lo:hi:xF, lo:hi:+S) to sweep",
      );
    given.set(name, flag);
    if (o.value === true)
      throw new ParamError(name, `parameter '${name}' needs a value; allowed: ${describeAllowed(spec)}`);
    input[name] = parseCliValue(name, spec, o.value, maxReplications);
  }
  const { seeds, seedBase } = seedOptions(args, { seeds: 5, minSeeds: 1, maxSeeds: 10_000 });
  const format = singleOption(args, "format") ?? "table";
  if (format !== "table" && format !== "json" && format !== "csv")
    throw new UsageError(`option --format: ${quote(String(format))} is not allowed; expected table, json or csv`);

  // Everything is checked before anything runs: the input, the run's size, every sweep point against the rules.
  planSweep(exp, input, seeds, maxReplications, "--max-replications N");
  const placement = parsePlacement(args);
  const workers = workersOption(args, "experiment");
  const run = { seeds, seedBase, workers, maxReplications };
  if (placement.shard) return runShard(exp, input, run, format, placement, out);
  const rs = await withExecutor(placement, exp.id, (executor, onProgress) =>
    runExperiment(exp, input, { ...run, executor, onProgress }),
  );
  // Output is written once, whole, after every replication succeeded.
  writeOutput(formatResults(exp, rs, format, seeds, seedBase), placement, out);
}

/** A run's output as `mmsim experiment` prints it (and `mmsim merge`, from the parts of a sharded run). */
export function formatResults(
  exp: Experiment<any, any>,
  rs: ResultSet<any, any>,
  format: "table" | "json" | "csv",
  seeds: number,
  seedBase: number,
): string {
  if (format === "json") return JSON.stringify(rs.toJSON()) + "\n";
  if (format === "csv") return rs.toCSV();
  // For people: parameters that were not swept go on one line above the table, so the table stays readable.
  const plan = rs.plan as Record<string, unknown[]>;
  const fixed = Object.keys(plan).filter((k) => plan[k].length === 1);
  const head =
    fixed.length > 0
      ? `${exp.id}, ${seeds} seeds from ${seedBase}; ${fixed.map((k) => `${k}=${String(plan[k][0])}`).join(" ")}\n\n`
      : "";
  // Each observable as "mean ±ci95" in one column.
  const swept = Object.keys(plan).filter((k) => !fixed.includes(k));
  const observables = Object.keys(exp.observables);
  const rows = rs.rows.map((r) => {
    const row: Record<string, string | number | boolean> = {};
    for (const k of swept) row[k] = r[k];
    for (const o of observables) {
      const ci = r[`${o}Ci95`] as number;
      row[o] =
        Number.isFinite(ci) && ci > 0
          ? `${formatNumber(r[o] as number)} ±${formatNumber(ci)}`
          : formatNumber(r[o] as number);
    }
    return row;
  });
  return head + formatTable(rows, [...swept, ...observables]);
}
