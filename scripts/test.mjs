#!/usr/bin/env node
// `npm test`: compile src/ and test/ with tsc, then run every dist/test/**/*.test.js with node's test runner.
// Arguments filter test files by substring: `npm test -- sim/` runs only the engine's tests.
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, statSync, existsSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(fileURLToPath(import.meta.url), "..", "..");
process.chdir(root);
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
if (!existsSync(tsc)) {
  console.error("node_modules is missing: run `npm run setup` (or at least `npm ci`) first.");
  process.exit(2);
}
try {
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.json"], { stdio: "inherit" });
} catch {
  console.error("tsc failed: fix the type errors above.");
  process.exit(1);
}

// The whole suite also checks the habits: eslint and prettier (both cached under .cache/), as Observable Plot's test
// script does. A filtered run (`npm test -- sim/`) skips them.
const filters = process.argv.slice(2);
if (filters.length === 0) {
  const bin = (name) => join(root, "node_modules", name);
  const lint = spawnSync(
    process.execPath,
    [bin("eslint/bin/eslint.js"), "--cache", "--cache-location", ".cache/eslint", "."],
    { stdio: "inherit" },
  );
  if (lint.status !== 0) {
    console.error("eslint failed: fix the problems above (`npx eslint --fix .` mends some).");
    process.exit(1);
  }
  const fmt = spawnSync(
    process.execPath,
    [
      bin("prettier/bin/prettier.cjs"),
      "--check",
      "--cache",
      "--cache-location",
      ".cache/prettier",
      "--log-level",
      "warn",
      ".",
    ],
    { stdio: "inherit" },
  );
  if (fmt.status !== 0) {
    console.error("prettier: the files above are not formatted; run `npm run format`.");
    process.exit(1);
  }
}

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith(".test.js")) out.push(p);
  }
  return out;
}
const files = walk(join(root, "dist", "test"))
  .filter((f) => filters.length === 0 || filters.some((s) => relative(join(root, "dist", "test"), f).includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(" ")}`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ["--test", "--test-reporter=spec", ...files], { stdio: "inherit" });
process.exit(r.status ?? 1);
