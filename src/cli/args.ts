/** A small argument parser: `--name value`, `--name=value`, bare flags, positionals. Errors name the option. */

// UsageError and camel live with the parameters (src/experiments/params.ts) so that src/notebook, which checks
// `mmsim run`'s overrides, needs nothing from src/cli; re-exported here for the commands.
import { UsageError, camel } from "../experiments/params";
export { UsageError, camel };

export interface ParsedArgs {
  positionals: string[];
  /** Options in the order given; a name may repeat (`-p a 1 -p b 2`). */
  options: Array<{ name: string; value: string | true }>;
}

/**
 * Parses argv. `flags` lists options that take no value; `pairs` lists options that take two values (`-p name value`).
 * Everything else starting with - takes one value.
 */
export function parseArgs(argv: string[], flags: string[] = [], pairs: string[] = []): ParsedArgs {
  const positionals: string[] = [];
  const options: ParsedArgs["options"] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith("-") || a === "-" || /^-\d/.test(a)) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = (eq >= 0 ? a.slice(0, eq) : a).replace(/^--?/, "");
    if (flags.includes(name)) {
      if (eq >= 0) throw new UsageError(`option --${name} takes no value`);
      options.push({ name, value: true });
      continue;
    }
    if (pairs.includes(name)) {
      const k = argv[i + 1];
      const v = argv[i + 2];
      if (k === undefined || v === undefined) throw new UsageError(`option -${name} needs a name and a value`);
      options.push({ name, value: `${k}\u0000${v}` });
      i += 2;
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = a.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || (value.startsWith("--") && value.length > 2))
        throw new UsageError(`option --${name} needs a value`);
      i++;
    }
    options.push({ name, value });
  }
  return { positionals, options };
}

export function lastOption(args: ParsedArgs, ...names: string[]): string | true | undefined {
  let v: string | true | undefined;
  for (const o of args.options) if (names.includes(o.name)) v = o.value;
  return v;
}

export function numberOption(
  args: ParsedArgs,
  name: string,
  fallback: number,
  check: (v: number) => boolean,
  allowed: string,
): number {
  const raw = lastOption(args, name);
  if (raw === undefined) return fallback;
  const v = raw === true ? NaN : Number(raw);
  if (!Number.isFinite(v) || !check(v))
    throw new UsageError(`option --${name}: ${JSON.stringify(raw)} is not allowed; expected ${allowed}`);
  return v;
}
