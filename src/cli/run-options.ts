/**
 * The run options `mmsim experiment`, `mmsim claims` and `mmsim published` share (--seeds, --seed-base, --workers,
 * --max-replications), parsed as strictly as parameters: a number is written as a parameter's is (digits, an
 * optional fraction and exponent, `_` between digits; never hex, "" or "Infinity"), the last seed must be a safe
 * integer, and an option given twice is an error naming it (a later value never silently replaces an earlier one).
 * Workers beyond the machine's cores are capped at them, with a note on stderr.
 */
import * as os from "node:os";
import { parseNumberText, quote } from "../experiments/params";
import { checkMaxReplications, DEFAULT_MAX_REPLICATIONS } from "../experiments/rules";
import { UsageError, type ParsedArgs } from "./args";

/** `--name` as typed, for a message; quoted and escaped when it holds characters that would break the line. */
export function flagText(name: string): string {
  const flag = `--${name}`;
  const q = quote(flag);
  return q === `'${flag}'` ? flag : q;
}

/** Refuses any option in `names` given more than once (`--seeds 2 --seeds 3`). */
export function refuseRepeatedOptions(args: ParsedArgs, names: readonly string[]): void {
  const seen = new Map<string, string | true>();
  for (const o of args.options) {
    if (!names.includes(o.name)) continue;
    const before = seen.get(o.name);
    if (before !== undefined)
      throw new UsageError(
        `option --${o.name} is given twice (${JSON.stringify(before)} and ${JSON.stringify(o.value)}); give it once`,
      );
    seen.set(o.name, o.value);
  }
}

/** The value of an option given at most once (`undefined` when absent). */
export function singleOption(args: ParsedArgs, name: string): string | true | undefined {
  refuseRepeatedOptions(args, [name]);
  return args.options.find((o) => o.name === name)?.value;
}

/** An integer option in [min, max], written as a parameter's number is; `fallback` when absent. */
export function integerOption(args: ParsedArgs, name: string, fallback: number, min: number, max: number): number {
  const raw = singleOption(args, name);
  if (raw === undefined) return fallback;
  const v = raw === true ? undefined : parseNumberText(raw);
  if (v === undefined || !Number.isInteger(v) || v < min || v > max)
    throw new UsageError(
      `option --${name}: ${JSON.stringify(raw)} is not allowed; expected an integer in [${min}, ${max}]`,
    );
  return v;
}

/** --seeds and --seed-base: the seeds seedBase .. seedBase + seeds - 1, the last a safe integer. */
export function seedOptions(
  args: ParsedArgs,
  defaults: { seeds: number; minSeeds: number; maxSeeds: number },
): { seeds: number; seedBase: number } {
  const seeds = integerOption(args, "seeds", defaults.seeds, defaults.minSeeds, defaults.maxSeeds);
  const seedBase = integerOption(args, "seed-base", 1, 0, Number.MAX_SAFE_INTEGER);
  // Compared without computing the last seed, which past 2^53 would round.
  if (seedBase > Number.MAX_SAFE_INTEGER - (seeds - 1))
    throw new UsageError(
      `option --seed-base: ${seedBase} with --seeds ${seeds} makes the last seed ${BigInt(seedBase) + BigInt(seeds - 1)}, ` +
        `past the largest safe integer ${Number.MAX_SAFE_INTEGER}; expected at most ${Number.MAX_SAFE_INTEGER - (seeds - 1)}`,
    );
  return { seeds, seedBase };
}

/** The cores worker threads are capped at. */
export function machineCores(): number {
  return os.availableParallelism();
}

/**
 * --workers W in [1, 256], capped at the machine's cores (saying so on stderr); undefined when absent (the
 * machine's cores). `command` names the command in the note.
 */
export function workersOption(args: ParsedArgs, command: string, cores: number = machineCores()): number | undefined {
  const workers = integerOption(args, "workers", 0, 1, 256);
  if (workers === 0) return undefined;
  if (workers <= cores) return workers;
  process.stderr.write(
    `mmsim ${command}: --workers ${workers} capped at ${cores}, this machine's cores (more threads than cores only ` +
      `add memory)\n`,
  );
  return cores;
}

/** --max-replications N: the most replications (sweep points x seeds) a run may have. */
export function maxReplicationsOption(args: ParsedArgs): number {
  const n = integerOption(args, "max-replications", DEFAULT_MAX_REPLICATIONS, 1, Number.MAX_SAFE_INTEGER);
  return checkMaxReplications(n);
}

export const RUN_OPTIONS_HELP =
  "run options: --seeds N (default 5), --seed-base B (default 1; the last seed must be a safe integer), " +
  "--workers W (default and at most: this machine's cores), --max-replications N (default " +
  `${DEFAULT_MAX_REPLICATIONS.toLocaleString("en-US")}: a bigger sweep is refused before it runs), ` +
  "--format table|json|csv; each option once";
