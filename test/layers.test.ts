/**
 * The layers run one way: src/cli -> src/notebook -> src/experiments -> src/kernel -> src/sim. A file may import its
 * own layer and any layer below it, never one above; src/sim knows nothing of Linux. Checked on every `import ...
 * from`, `export ... from` and `require(...)` of a relative path in src/.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = join(__dirname, "..", "..");
const src = join(root, "src");
const ORDER = ["sim", "kernel", "experiments", "notebook", "cli"] as const;

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** The layer a path under src/ is in (undefined for src/index.ts and other top-level faces). */
function layerOf(file: string): number | undefined {
  const top = relative(src, file).split(/[\\/]/)[0];
  const i = ORDER.indexOf(top as (typeof ORDER)[number]);
  return i < 0 ? undefined : i;
}

const IMPORT = /(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*)["'](\.{1,2}\/[^"']+)["']/g;

/** The file's text without type-only imports and exports, which the compiler erases (they load nothing). */
function loadingText(file: string): string {
  return readFileSync(file, "utf8").replace(/\b(?:import|export)\s+type\s[^;]*;/g, "");
}

test("no file in src/ imports a layer above its own (cli -> notebook -> experiments -> kernel -> sim)", () => {
  const violations: string[] = [];
  const files = tsFiles(src);
  assert.ok(files.length > 50);
  for (const file of files) {
    const own = layerOf(file);
    if (own === undefined) continue;
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(IMPORT)) {
      const target = resolve(dirname(file), m[1]);
      const theirs = layerOf(target);
      if (theirs !== undefined && theirs > own)
        violations.push(`${relative(root, file)} (${ORDER[own]}) imports ${m[1]} (${ORDER[theirs]})`);
    }
  }
  assert.deepEqual(violations, []);
});

test("the check sees a violation", () => {
  const line = `import { x } from "../cli/args";`;
  const m = [...line.matchAll(IMPORT)];
  assert.equal(m.length, 1);
  assert.equal(layerOf(resolve(join(src, "experiments"), m[0][1])), ORDER.indexOf("cli"));
});

/** What runs notebooks and writes reports: host-side, never loaded by a cell. */
const HOST_SIDE = [
  "notebook/run-notebook.ts",
  "notebook/report-all.ts",
  "notebook/host.ts",
  "notebook/report/",
  "notebook/jupyter.ts",
  "notebook/inject.ts",
  "notebook/params-cell.ts",
  "notebook/temp-runs.ts",
  "cli/",
];

function resolveTs(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  for (const p of [base + ".ts", join(base, "index.ts"), base]) {
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      // not this candidate
    }
  }
  return undefined;
}

test("what a notebook cell loads (the mmsim, mmsim/kernel and mmsim/notebook faces) reaches nothing host-side", () => {
  const faces = [join(src, "index.ts"), join(src, "kernel", "index.ts"), join(src, "notebook", "index.ts")];
  const seen = new Set<string>();
  const stack = [...faces];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of loadingText(file).matchAll(IMPORT)) {
      const target = resolveTs(file, m[1]);
      if (target !== undefined) stack.push(target);
    }
  }
  const reached = [...seen].map((f) => relative(src, f).split("\\").join("/"));
  assert.ok(reached.includes("notebook/charts/index.ts") || reached.some((f) => f.startsWith("notebook/charts")));
  assert.deepEqual(
    reached.filter((f) => HOST_SIDE.some((h) => f === h || (h.endsWith("/") && f.startsWith(h)))),
    [],
  );
});
