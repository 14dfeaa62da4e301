/**
 * Decided claims as a reviewer reads them: one JSON object (what `mmsim claims <id> --format json` prints and the
 * notebook's verdict output carries as application/vnd.mmsim.verdicts+json), plain text that fits a mailing-list
 * reply (72 columns), and Markdown for an issue or a pull request. All three carry who made each claim, the verdict,
 * the deciding numbers with their CIs and seeds, the mmsim version and commit, and the command that reproduces it.
 */
import * as path from "node:path";
import { buildInfo, PROJECT_ROOT, type BuildInfo } from "../build-info";
import { resolveExperimentModule } from "../module-loader";
import { walkFindings, type Crossover, type Finding } from "./checks";
import type { ClaimRule } from "./claim";
import type { ClaimVerdict } from "./evaluate";
import type { Verdict } from "./rule";
import { num } from "./numbers";
import { crossoverText, casesSummary, numbersText } from "./sentences";

/** The MIME type of the verdicts' JSON in notebook outputs (the report index reads it). */
export const VERDICTS_MIME = "application/vnd.mmsim.verdicts+json";

/** The rule, in the words every report prints. */
export const RULE_TEXT =
  "A claim holds when its 95% CI (Student's t over seeds) lies wholly on the claimed side of its threshold, " +
  "fails when it lies wholly on the other side, and is undecided otherwise; it depends when it holds in some " +
  "named cases and fails in others. Counts of violations are decided by counterexample.";

/** One deciding number of a claim, flattened out of its decision tree. */
export interface ReportNumber {
  /** The case it belongs to ("cpus=16"; nested cases joined with " / "), or null. */
  case: string | null;
  test: string;
  verdict: Verdict;
  mean: number | null;
  ci95: number | null;
  lo: number | null;
  hi: number | null;
  /** Seeds with a value, and seeds asked for. */
  n: number;
  seeds: number;
  unit?: string;
  threshold?: number;
  range?: readonly [number, number];
  note?: string;
}

/** One claim in the report. */
export interface ReportClaim {
  experiment: string;
  id: string;
  who: string;
  statement: string;
  verdict: Verdict;
  expected: Verdict;
  rule: ClaimRule;
  detail: string;
  values?: Record<string, unknown>;
  note?: string;
  numbers: ReportNumber[];
  crossovers: Crossover[];
  base?: Record<string, unknown>;
}

/** The whole report: `{"experiment", "version", "commit", "seeds", "claims": [...]}` and a few more fields. */
export interface ClaimsReport {
  /** The experiment id, or the ids when the list spans several experiments. */
  experiment: string | string[];
  version: string;
  commit: string;
  /** True when the checkout had uncommitted changes. */
  dirty: boolean;
  seeds: number[];
  /** The command line(s) that reproduce these verdicts. */
  command: string[];
  rule: string;
  claims: ReportClaim[];
}

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

function numbersOf(f: Finding): { numbers: ReportNumber[]; crossovers: Crossover[] } {
  const numbers: ReportNumber[] = [];
  const crossovers: Crossover[] = [];
  walkFindings(f, (x, where) => {
    if (x.crossovers)
      crossovers.push(...x.crossovers.map((c) => (where.length > 0 ? { ...c, case: where.join(" / ") } : c)));
    if (!x.measure) return;
    const m = x.measure;
    numbers.push({
      case: where.length > 0 ? where.join(" / ") : null,
      test: x.test,
      verdict: x.verdict,
      mean: finiteOrNull(m.mean),
      ci95: finiteOrNull(m.ci95),
      lo: finiteOrNull(m.lo),
      hi: finiteOrNull(m.hi),
      n: m.n,
      seeds: m.seeds,
      ...(m.unit ? { unit: m.unit } : {}),
      ...(x.threshold === undefined ? {} : { threshold: x.threshold }),
      ...(x.range === undefined ? {} : { range: x.range }),
      ...(x.note === undefined ? {} : { note: x.note }),
    });
  });
  return { numbers, crossovers };
}

/**
 * Numbers grouped by their test, in order: one test over many cases is named once.
 *
 * @example
 * groupNumbers(claimsReport(list).claims[0].numbers).map((g) => g.test);
 */
export function groupNumbers(numbers: readonly ReportNumber[]): Array<{ test: string; numbers: ReportNumber[] }> {
  const groups: Array<{ test: string; numbers: ReportNumber[] }> = [];
  for (const n of numbers) {
    const last = groups[groups.length - 1];
    if (last && last.test === n.test && n.case !== null) last.numbers.push(n);
    else groups.push({ test: n.test, numbers: [n] });
  }
  return groups;
}

/**
 * "3.23 ± 0.11 (5 seeds)" of one reported number.
 *
 * @example
 * reportNumberText(claimsReport(list).claims[0].numbers[0]);
 */
export function reportNumberText(n: ReportNumber): string {
  const value = n.mean === null ? "no value" : `${num(n.mean)} ± ${n.ci95 === null ? "?" : num(n.ci95, 2)}`;
  return `${value} (${n.n === n.seeds ? n.seeds : `${n.n} of ${n.seeds}`} seeds${n.note ? `; ${n.note}` : ""})`;
}

/** A shell word, quoted when it needs to be. */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A module path as the command names it: its .ts source if that is the file, relative to the project root. */
function moduleArgument(module: string): string {
  let file = module;
  try {
    file = resolveExperimentModule(module);
  } catch {
    // keep the path as given
  }
  const rel = path.relative(PROJECT_ROOT, file);
  return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel;
}

/**
 * The `mmsim claims` command that reproduces the verdicts of one experiment in a list (from the project root).
 *
 * @example
 * reproduceCommand(list, "spinlock-convoy"); // "npx mmsim claims spinlock-convoy --seeds 5 --seed-base 1"
 */
export function reproduceCommand(list: readonly ClaimVerdict[], experiment: string): string {
  const mine = list.filter((v) => v.experiment === experiment);
  const first = mine[0];
  const words = ["npx", "mmsim", "claims", experiment];
  if (first?.module) words.push("--module", moduleArgument(first.module));
  words.push("--seeds", String(first?.seeds.length ?? 5), "--seed-base", String(first?.seeds[0] ?? 1));
  for (const [k, v] of Object.entries(first?.base ?? {}))
    words.push(`--${k}`, Array.isArray(v) ? v.map(String).join(",") : String(v));
  if (first?.only) for (const id of first.only) words.push("--claim", id);
  return words.map(shellWord).join(" ");
}

/**
 * The report object of a list of verdicts (one experiment's, or several concatenated).
 *
 * @example
 * JSON.stringify(claimsReport(await evaluateClaims(exp, { seeds: 5 })));
 */
export function claimsReport(list: readonly ClaimVerdict[], info: BuildInfo = buildInfo()): ClaimsReport {
  if (list.length === 0) throw new RangeError("claimsReport: no verdicts");
  const experiments = [...new Set(list.map((v) => v.experiment))];
  return {
    experiment: experiments.length === 1 ? experiments[0] : experiments,
    version: info.version,
    commit: info.commit,
    dirty: info.dirty,
    seeds: list[0].seeds,
    command: experiments.map((e) => reproduceCommand(list, e)),
    rule: RULE_TEXT,
    claims: list.map((v) => {
      const { numbers, crossovers } = v.finding ? numbersOf(v.finding) : { numbers: [], crossovers: [] };
      return {
        experiment: v.experiment,
        id: v.id,
        who: v.who,
        statement: v.statement,
        verdict: v.verdict,
        expected: v.expected,
        rule: v.rule,
        detail: v.detail,
        ...(v.values === undefined ? {} : { values: v.values }),
        ...(v.note === undefined ? {} : { note: v.note }),
        numbers,
        crossovers,
        ...(v.base === undefined ? {} : { base: v.base }),
      };
    }),
  };
}

/**
 * "1-5" for consecutive seeds, else the list.
 *
 * @example
 * seedsText([1, 2, 3, 4, 5]); // "1-5"
 */
export function seedsText(seeds: readonly number[]): string {
  if (seeds.length === 0) return "none";
  const consecutive = seeds.every((s, i) => i === 0 || s === seeds[i - 1] + 1);
  if (consecutive && seeds.length > 2) return `${seeds[0]}-${seeds[seeds.length - 1]}`;
  return seeds.join(", ");
}

/**
 * Wraps text to `width` columns: the first line starts with `first`, the others with `rest`. Words longer than a
 * line are cut.
 *
 * @example
 * wrap("a long statement ...", 72, "  who: ", "       ");
 */
export function wrap(text: string, width: number, first = "", rest = first): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  const room = () => width - line.length;
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (word.length > width - rest.length) {
      // A word that cannot fit on any line: fill this one and carry the rest.
      const take = Math.max(1, room() - (empty ? 0 : 1));
      if (!empty && room() < 8) {
        lines.push(line);
        line = rest;
        empty = true;
        continue;
      }
      line += (empty ? "" : " ") + word.slice(0, take);
      word = word.slice(take);
      lines.push(line);
      line = rest;
      empty = true;
    }
    if (word.length === 0) continue;
    if (!empty && word.length + 1 > room()) {
      lines.push(line);
      line = rest;
      empty = true;
    }
    line += (empty ? "" : " ") + word;
    empty = false;
  }
  if (!empty || lines.length === 0) lines.push(line);
  return lines;
}

/** A shell command over several lines, continued with backslashes, each at most `width` columns. */
function wrapCommand(command: string, width: number, indent: string): string[] {
  const words = command.split(" ");
  const lines: string[] = [];
  let line = indent;
  for (const w of words) {
    const sep = line.trim() === "" ? "" : " ";
    if (line.length + sep.length + w.length + 2 > width && line.trim() !== "") {
      lines.push(line + " \\");
      line = indent + "  " + w;
    } else line += sep + w;
  }
  lines.push(line);
  return lines;
}

function findingLines(f: Finding, width: number, indent: string, top: boolean): string[] {
  const out: string[] = [];
  const bullet = indent + "* ";
  const under = indent + "  ";
  const label = (f.case ? `${f.case}: ` : "") + f.test;
  switch (f.kind) {
    case "compare":
    case "range":
    case "never":
    case "always":
      out.push(...wrap(label, width, bullet, under));
      out.push(...wrap(`${numbersText(f)}${f.note ? ` (${f.note})` : ""}: ${f.verdict}`, width, under, under));
      break;
    case "all":
    case "any":
      if (top && f.kind === "all" && !f.case) {
        for (const p of f.parts ?? []) out.push(...findingLines(p, width, indent, false));
      } else {
        out.push(...wrap(`${label}${f.case ? "" : ":"} ${f.verdict}`, width, bullet, under));
        for (const p of f.parts ?? []) out.push(...findingLines(p, width, under, false));
      }
      break;
    case "cases":
    case "crossover":
      out.push(
        ...wrap(
          `${label}${f.quantifier === "some" ? " (some case)" : ""}: ${f.verdict}; ${casesSummary(f)}`,
          width,
          bullet,
          under,
        ),
      );
      for (const c of f.crossovers ?? []) out.push(...wrap(`crossover: ${crossoverText(c)}`, width, under, under));
      if (sameComparison(f.parts ?? [])) {
        // One test over many cases: the test once, then a line per case.
        out.push(...wrap(`${f.parts![0].test}:`, width, under, under + "  "));
        for (const p of f.parts!)
          out.push(
            ...wrap(
              `${p.case}: ${numbersText(p)}${p.note ? ` (${p.note})` : ""}: ${p.verdict}`,
              width,
              under + "  ",
              under + "    ",
            ),
          );
      } else for (const p of f.parts ?? []) out.push(...findingLines(p, width, under, false));
      break;
    case "free-form":
      out.push(...wrap(`${label}: ${f.verdict} (decided by the claim's own code)`, width, bullet, under));
      for (const p of f.parts ?? [])
        out.push(...wrap(`${p.test}: ${numbersText(p)}`, width, under + "  ", under + "  "));
      break;
  }
  return out;
}

/** True when every part is a single comparison with the same test text (only the case differs). */
function sameComparison(parts: readonly Finding[]): boolean {
  return (
    parts.length > 1 &&
    parts.every((p) => (p.kind === "compare" || p.kind === "range") && p.case !== undefined && p.test === parts[0].test)
  );
}

/** Options of the text and Markdown forms. */
export interface ClaimsTextOptions {
  /** Columns (default 72, what a mailing-list reply keeps). */
  width?: number;
  /** Build information for the footer (default: this checkout's). */
  info?: BuildInfo;
}

/**
 * The verdicts as plain text for a mailing-list reply: at most 72 columns, each claim with who made it, its
 * verdict and its deciding numbers, and a footer with the version, the commit, the seeds and the command.
 *
 * @example
 * process.stdout.write(claimsText(await evaluateClaims(exp, { seeds: 5 })));
 */
export function claimsText(list: readonly ClaimVerdict[], options: ClaimsTextOptions = {}): string {
  const width = options.width ?? 72;
  const report = claimsReport(list, options.info);
  const ids = Array.isArray(report.experiment) ? report.experiment.join(", ") : report.experiment;
  const lines: string[] = [];
  lines.push(...wrap(`Claims of ${ids}, decided by mmsim on ${report.seeds.length} seeds per point`, width));
  for (const v of list) {
    lines.push("");
    const recorded = v.verdict === v.expected ? "" : ` (recorded: ${v.expected})`;
    lines.push(...wrap(`${v.id}: ${v.verdict.toUpperCase()}${recorded}`, width));
    lines.push(...wrap(v.who, width, "  who: ", "       "));
    lines.push(...wrap(v.statement, width, "  ", "  "));
    if (v.finding) lines.push(...findingLines(v.finding, width, "  ", true));
    else {
      lines.push(...wrap("decided by the claim's own code, not yet by the one rule:", width, "  ", "  "));
      lines.push(...wrap(v.detail, width, "  ", "  "));
    }
    if (v.note) lines.push(...wrap(v.note, width, "  note: ", "  "));
  }
  lines.push("", "--");
  lines.push(...wrap(RULE_TEXT, width));
  const commit = report.commit === "unknown" ? "commit unknown" : `commit ${report.commit.slice(0, 12)}`;
  lines.push(
    ...wrap(
      `mmsim ${report.version}, ${commit}${report.dirty ? " (modified)" : ""}; seeds ${seedsText(report.seeds)}`,
      width,
    ),
  );
  lines.push("reproduce:");
  for (const c of report.command) lines.push(...wrapCommand(c, width, "  "));
  return lines.join("\n") + "\n";
}

function mdEscape(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/\n/g, " ");
}

/**
 * The verdicts as a Markdown table with the same footer, for an issue, a pull request or a chat.
 *
 * @example
 * fs.writeFileSync("verdicts.md", claimsMarkdown(list));
 */
export function claimsMarkdown(list: readonly ClaimVerdict[], options: ClaimsTextOptions = {}): string {
  const report = claimsReport(list, options.info);
  const ids = Array.isArray(report.experiment) ? report.experiment.join(", ") : report.experiment;
  const rows = report.claims.map((c) => {
    const numbers =
      c.numbers.length > 0
        ? groupNumbers(c.numbers)
            .map((g) =>
              g.numbers.length === 1
                ? `${g.numbers[0].case ? `${g.numbers[0].case}: ` : ""}${g.test}: ${reportNumberText(g.numbers[0])}: ${g.numbers[0].verdict}`
                : `${g.test}: ${g.numbers.map((n) => `${n.case}: ${reportNumberText(n)} ${n.verdict}`).join("; ")}`,
            )
            .concat(c.crossovers.map((x) => `crossover: ${crossoverText(x)}`))
            .map(mdEscape)
            .join("<br>")
        : mdEscape(c.detail);
    const recorded = c.verdict === c.expected ? "" : ` (recorded: ${c.expected})`;
    return `| **${mdEscape(c.id)}**<br>${mdEscape(c.statement)} | ${mdEscape(c.who)} | **${c.verdict}**${recorded} | ${numbers} |`;
  });
  const commit = report.commit === "unknown" ? "commit unknown" : `commit \`${report.commit.slice(0, 12)}\``;
  return [
    `### Claims of ${ids}`,
    "",
    "| claim | who | verdict | deciding numbers (mean ± 95% CI) |",
    "|---|---|---|---|",
    ...rows,
    "",
    `${RULE_TEXT} mmsim ${report.version}, ${commit}${report.dirty ? " (modified)" : ""}, seeds ${seedsText(report.seeds)}. Reproduce:`,
    "",
    "```sh",
    ...report.command,
    "```",
    "",
  ].join("\n");
}
