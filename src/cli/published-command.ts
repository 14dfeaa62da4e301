/** `mmsim published <id>`: every published number of an experiment beside the model's, row by row. */
import {
  agreementCounts,
  comparePublished,
  PUBLISHED_ROLES,
  type PublishedResult,
} from "../experiments/published-compare";
import { quote } from "../experiments/params";
import { experiments, findExperiment } from "../experiments/registry";
import { lastOption, parseArgs, UsageError } from "./args";
import { formatNumber, formatTable } from "./format";
import { flagText, refuseRepeatedOptions, seedOptions, workersOption } from "./run-options";

const OPTIONS = ["seeds", "seed-base", "workers", "format", "role", "help", "h"];

export const PUBLISHED_HELP = `usage: mmsim published <id> [--seeds N] [--seed-base B] [--workers W] [--format table|json|csv]
                            [--role input|calibration|prediction|context]

Runs the model at the conditions of each row of data/published/<id>.csv and prints, per row: the quantity, the
published value and unit, the model's value with its 95% CI over seeds, the ratio, how well the conditions could be
matched (exact, approximate, none, with the reason), the row's role (input: the number sets a parameter;
calibration: the model was tuned to it; prediction: nothing was tuned to it; context: no observable corresponds)
and the agreement (within 10%, within 2x, further, not comparable). --seeds defaults to 3.

experiments: ${experiments.map((e) => e.id).join(", ")}
`;

const COLUMNS: Array<keyof PublishedResult> = [
  "line",
  "quantity",
  "published",
  "unit",
  "model",
  "modelCi95",
  "modelN",
  "ratio",
  "role",
  "match",
  "agreement",
  "recordedAgreement",
  "agreementWhy",
  "matchWhy",
  "modelExpr",
  "conditions",
  "source",
];

function csvCell(v: unknown): string {
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  const s = String(v ?? "");
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function publishedCommand(argv: string[], out: (s: string) => void): Promise<void> {
  const args = parseArgs(argv, ["help", "h"]);
  if (lastOption(args, "help", "h") !== undefined) return out(PUBLISHED_HELP);
  for (const o of args.options)
    if (!OPTIONS.includes(o.name))
      throw new UsageError(
        `unknown option ${flagText(o.name)}; options: --seeds, --seed-base, --workers, --format, --role`,
      );
  const id = args.positionals[0];
  const exp = id ? findExperiment(id) : undefined;
  if (!exp)
    throw new UsageError(
      `${id ? `unknown experiment ${quote(id)}` : "name an experiment"}; experiments: ${experiments.map((e) => e.id).join(", ")}`,
    );
  if (args.positionals.length > 1) throw new UsageError(`unexpected argument ${quote(args.positionals[1])}`);
  // Each option once, numbers as strict as parameters, workers at most the machine's cores.
  refuseRepeatedOptions(args, OPTIONS);
  const { seeds, seedBase } = seedOptions(args, { seeds: 3, minSeeds: 1, maxSeeds: 1000 });
  const format = lastOption(args, "format") ?? "table";
  if (format !== "table" && format !== "json" && format !== "csv")
    throw new UsageError(`option --format: ${quote(String(format))} is not allowed; expected table, json or csv`);
  const role = lastOption(args, "role");
  if (role !== undefined && !PUBLISHED_ROLES.includes(role as never))
    throw new UsageError(
      `option --role: ${quote(String(role))} is not allowed; expected ${PUBLISHED_ROLES.join(", ")}`,
    );

  const workers = workersOption(args, "published");
  let results = await comparePublished(exp, { seeds, seedBase, workers });
  if (role !== undefined) results = results.filter((r) => r.role === role);
  if (format === "json") {
    out(
      JSON.stringify({
        experiment: exp.id,
        seeds,
        seedBase,
        rows: results.map((r) => Object.fromEntries(COLUMNS.map((c) => [c, Number.isNaN(r[c]) ? null : r[c]]))),
        counts: agreementCounts(results),
      }) + "\n",
    );
  } else if (format === "csv") {
    out([COLUMNS.join(","), ...results.map((r) => COLUMNS.map((c) => csvCell(r[c])).join(","))].join("\n") + "\n");
  } else {
    const rows = results.map((r) => ({
      line: r.line,
      quantity: r.quantity.length > 48 ? `${r.quantity.slice(0, 47)}…` : r.quantity,
      published: `${formatNumber(r.published)} ${r.unit}`,
      model: Number.isFinite(r.model)
        ? `${formatNumber(r.model)}${Number.isFinite(r.modelCi95) ? ` ±${formatNumber(r.modelCi95)}` : ""}`
        : "-",
      ratio: Number.isFinite(r.ratio) ? `x${formatNumber(r.ratio)}` : "-",
      role: r.role,
      match: r.match,
      agreement: r.agreement,
    }));
    out(`${exp.id}: published numbers against the model, ${seeds} seeds from ${seedBase}\n\n`);
    out(formatTable(rows, ["line", "quantity", "published", "model", "ratio", "role", "match", "agreement"]));
    const counts = agreementCounts(results);
    const summary = PUBLISHED_ROLES.map((k) => {
      const c = counts[k];
      const n = Object.values(c).reduce((a, b) => a + b, 0);
      return n === 0
        ? null
        : `${k}: ${n} (${c["within 10%"]} within 10%, ${c["within 2x"]} within 2x, ${c.further} further, ${c["not comparable"]} not comparable)`;
    }).filter((s) => s !== null);
    out(`\n${summary.join("\n")}\n`);
    const reasons = results.filter((r) => r.match !== "exact" && r.matchWhy);
    if (reasons.length > 0)
      out(
        `\nconditions not matched exactly:\n${reasons.map((r) => `  ${r.line}: ${r.match}: ${r.matchWhy}`).join("\n")}\n`,
      );
  }
}
