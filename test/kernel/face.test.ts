// mmsim/kernel re-exports every kernel file: a model piece added under src/kernel must be reachable from the face.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const KERNEL = path.resolve(__dirname, "../../../src/kernel");

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? files(p) : d.name.endsWith(".ts") ? [p] : [];
  });
}

test("every src/kernel file is exported by src/kernel/index.ts (MGLRU through faces/mglru.ts)", () => {
  const faces = [path.join(KERNEL, "index.ts"), ...files(path.join(KERNEL, "faces"))];
  const exported = new Set<string>();
  for (const face of faces)
    for (const m of fs.readFileSync(face, "utf8").matchAll(/export \* (?:as \w+ )?from "([^"]+)"/g))
      exported.add(path.resolve(path.dirname(face), m[1]) + ".ts");
  const missing = files(KERNEL).filter((f) => !faces.includes(f) && !exported.has(f));
  assert.deepEqual(
    missing.map((f) => path.relative(KERNEL, f)),
    [],
    'add `export * from "./<path>";` to src/kernel/index.ts (or src/kernel/faces/mglru.ts) for each',
  );
});

test("the kernel face loads, and MGLRU is its own namespace", () => {
  const k = require("../../src/kernel/index") as Record<string, unknown>;
  assert.equal(typeof k.QueuedSpinlock, "function");
  assert.equal(typeof k.smp_call_function_many, "function");
  assert.equal(typeof (k.mglru as Record<string, unknown>).walk_mm, "function");
});
