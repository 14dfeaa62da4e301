/**
 * Published reference numbers, data/published/<id>.csv: one row per number, columns quantity, value, unit,
 * conditions, source (a message id or URL), then any experiment-specific columns that say where the number belongs
 * on a chart. One reader for every experiment.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface PublishedRow {
  quantity: string;
  value: number;
  unit: string;
  conditions: string;
  source: string;
  /** Every column as text, the extra ones included. */
  fields: Record<string, string>;
}

const REQUIRED = ["quantity", "value", "unit", "conditions", "source"];

/** Splits one CSV line (RFC 4180 quoting: "a, b" and "" for a quote). */
export function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Parses a published-numbers CSV (header first); `file` names it in errors.
 *
 * @example
 * parsePublishedCsv(fs.readFileSync("data/published/pt-free.csv", "utf8"), "pt-free.csv");
 */
export function parsePublishedCsv(text: string, file = "published CSV"): PublishedRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length === 0) throw new Error(`${file}: empty`);
  const header = csvFields(lines[0]);
  if (REQUIRED.some((c, i) => header[i] !== c))
    throw new Error(`${file}: header must start ${REQUIRED.join(",")}, got ${header.join(",")}`);
  return lines.slice(1).map((line, n) => {
    const f = csvFields(line);
    const fields: Record<string, string> = {};
    header.forEach((h, i) => (fields[h] = f[i] ?? ""));
    const value = Number(fields.value);
    if (fields.value.trim() === "" || !Number.isFinite(value))
      throw new Error(`${file}:${n + 2}: value '${fields.value}' is not a number`);
    return {
      quantity: fields.quantity,
      value,
      unit: fields.unit,
      conditions: fields.conditions,
      source: fields.source,
      fields,
    };
  });
}

/** The project root: the nearest folder above this file that holds data/published. */
export function projectRoot(from = __dirname): string {
  let dir = from;
  for (;;) {
    if (fs.existsSync(path.join(dir, "data", "published"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`data/published not found above ${from}`);
    dir = up;
  }
}

/**
 * Every row of data/published/<id>.csv: each published number with its unit, conditions and source.
 *
 * @example
 * loadPublished("vma-lock").filter((r) => r.quantity === "elapsedS");
 */
export function loadPublished(id: string): PublishedRow[] {
  const file = path.join(projectRoot(), "data", "published", `${id}.csv`);
  return parsePublishedCsv(fs.readFileSync(file, "utf8"), file);
}
