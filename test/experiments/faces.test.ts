// mmsim/experiments/<id>: one face per built-in experiment, re-exporting every file of its folder, with the
// physical files tslab needs at the package root.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { builtinExperiments } from "../../src/experiments/registry";

const ROOT = path.resolve(__dirname, "../../..");

test("every built-in experiment has a face that exports every file of its folder, and the files tslab loads", () => {
  for (const id of Object.keys(builtinExperiments)) {
    const face = path.join(ROOT, "src", "experiments", "faces", `${id}.ts`);
    assert.ok(fs.existsSync(face), `src/experiments/faces/${id}.ts`);
    const text = fs.readFileSync(face, "utf8");
    for (const f of fs.readdirSync(path.join(ROOT, "src", "experiments", id)).filter((n) => n.endsWith(".ts")))
      assert.ok(
        text.includes(`export * from "../${id}/${f.slice(0, -3)}";`),
        `src/experiments/faces/${id}.ts misses ${f}`,
      );
    assert.equal(
      fs
        .readFileSync(path.join(ROOT, "experiments", `${id}.js`), "utf8")
        .includes(`dist/src/experiments/faces/${id}.js`),
      true,
      `experiments/${id}.js`,
    );
    assert.ok(fs.existsSync(path.join(ROOT, "experiments", `${id}.d.ts`)), `experiments/${id}.d.ts`);
    const loaded = require(path.join(ROOT, "dist", "src", "experiments", "faces", `${id}.js`)) as Record<
      string,
      unknown
    >;
    assert.ok(
      Object.values(loaded).includes(builtinExperiments[id as keyof typeof builtinExperiments]),
      `${id}'s face exports the experiment`,
    );
  }
});
