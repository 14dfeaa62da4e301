/**
 * The published numbers this experiment compares against (data/published/vma-lock.csv), for notebooks and tests:
 * Mel Gorman's pft table as elapsed times and speedups over one thread.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface PublishedRow {
  quantity: string;
  value: number;
  unit: string;
  conditions: string;
  source: string;
}

export interface PftPoint {
  threads: number;
  elapsedS: number;
  /** Elapsed at 1 thread over elapsed at `threads`, same kernel. */
  speedup: number;
  source: string;
}

/** Splits one CSV line (RFC 4180 quoting: "a, b" and "" for a quote). */
function csvFields(line: string): string[] {
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

/** The project root: the nearest folder above this file that holds data/published. */
function projectRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, "data", "published"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`vma-lock: data/published not found above ${__dirname}`);
    dir = up;
  }
}

/** Every row of data/published/vma-lock.csv. */
export function loadPublished(file = path.join(projectRoot(), "data", "published", "vma-lock.csv")): PublishedRow[] {
  const lines = fs.readFileSync(file, "utf8").split(/\r?\n/).filter((l) => l.trim() !== "");
  const header = csvFields(lines[0]);
  const want = ["quantity", "value", "unit", "conditions", "source"];
  if (want.some((c, i) => header[i] !== c)) throw new Error(`${file}: header must start ${want.join(",")}, got ${header.join(",")}`);
  return lines.slice(1).map((l, n) => {
    const f = csvFields(l);
    const value = Number(f[1]);
    if (!Number.isFinite(value)) throw new Error(`${file}:${n + 2}: value '${f[1]}' is not a number`);
    return { quantity: f[0], value, unit: f[2], conditions: f[3], source: f[4] };
  });
}

/** Mel's pft table for one kernel ("baseline" or "SPF"), with speedups over its own 1-thread time. */
export function pftCurve(kernel: "baseline" | "SPF", rows = loadPublished()): PftPoint[] {
  const pts = rows
    .filter((r) => r.quantity === `pft elapsed ${kernel}`)
    .map((r) => ({ threads: Number(/^(\d+) thread/.exec(r.conditions)?.[1]), elapsedS: r.value, source: r.source }))
    .sort((a, b) => a.threads - b.threads);
  const one = pts.find((p) => p.threads === 1);
  if (!one) throw new Error(`vma-lock: no 1-thread pft time for ${kernel}`);
  return pts.map((p) => ({ ...p, speedup: one.elapsedS / p.elapsedS }));
}
