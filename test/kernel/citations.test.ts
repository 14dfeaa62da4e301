/**
 * Every model file under src/kernel says, in its first 20 lines, which kernel source it follows and the commit of
 * the copy it was checked against (`@<hex>` or `commit <hex>`), so a reviewer can open the same lines. A file that
 * follows no single kernel file (a statistics helper, a face) says so and names the commit of the source it stands
 * for; the faces (index.ts) too.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(__dirname, "..", "..", "..");
const kernelDir = join(root, "src", "kernel");

function modelFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...modelFiles(p));
    else if (name.endsWith(".ts")) out.push(p);
  }
  return out;
}

const CITES_COMMIT = /(@|commit )[0-9a-f]{7,40}\b/;

test("every kernel model file names the source it follows and the commit checked against in its first 20 lines", () => {
  const files = modelFiles(kernelDir);
  assert.ok(files.length > 30, `found only ${files.length} files under src/kernel`);
  const missing = files.filter((f) => {
    const head = readFileSync(f, "utf8").split("\n").slice(0, 20).join("\n");
    return !CITES_COMMIT.test(head);
  });
  assert.deepEqual(
    missing.map((f) => relative(root, f)),
    [],
    "these files name no commit (torvalds/linux @<hex>) of the source they were checked against",
  );
});
