/** Parameter values from the command line: `-p name value` parses value as YAML; `-f file` reads a YAML mapping. */
import * as fs from "node:fs";
import { ParamError } from "../experiments/params";
import { UsageError } from "../experiments/params";

const yaml = () => require("yaml") as { parse(text: string): unknown };

/** "16" -> 16, "true" -> true, "[2, 4]" -> [2, 4], "fifo" -> "fifo". */
export function parseYamlValue(name: string, text: string): unknown {
  let value: unknown;
  try {
    value = yaml().parse(text);
  } catch (e) {
    throw new ParamError(
      name,
      `parameter '${name}': ${JSON.stringify(text)} is not a valid YAML value (${(e as Error).message.split("\n")[0]})`,
    );
  }
  if (value === null || value === undefined) throw new ParamError(name, `parameter '${name}' needs a value`);
  return value;
}

/** A YAML file mapping parameter names to values. */
export function readParamsFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`option -f: cannot read ${file}: ${(e as Error).message}`);
  }
  let value: unknown;
  try {
    value = yaml().parse(text);
  } catch (e) {
    throw new UsageError(`option -f: ${file} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value))
    throw new UsageError(`option -f: ${file} must hold a mapping of parameter names to values`);
  return value as Record<string, unknown>;
}
