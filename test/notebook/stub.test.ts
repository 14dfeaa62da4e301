/** notebook.js, the entry notebooks load first: when the build or the node_modules link is missing, it says what to run. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "./helpers";

function copyStub(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mmsim-stub-"));
  fs.copyFileSync(path.join(ROOT, "notebook.js"), path.join(dir, "notebook.js"));
  return dir;
}

test("not built: the error names `npm run build`", () => {
  const dir = copyStub();
  assert.throws(
    () => require(path.join(dir, "notebook.js")),
    /mmsim is not built \(.*dist\/src\/notebook\/index\.js is missing\): run `npm run build` in .* \(or `npm run setup` for everything\)/,
  );
});

test("built but not linked: the error names `npm run setup`", () => {
  const dir = copyStub();
  for (const f of ["dist/src/index.js", "dist/src/notebook/index.js"]) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), "module.exports = { ok: true };");
  }
  assert.throws(
    () => require(path.join(dir, "notebook.js")),
    /node_modules\/mmsim does not link to .*: run `npm run setup` there/,
  );
  fs.mkdirSync(path.join(dir, "node_modules"));
  fs.symlinkSync("..", path.join(dir, "node_modules", "mmsim"));
  assert.deepEqual(require(path.join(dir, "notebook.js")), { ok: true });
});

test("this checkout is built and linked", () => {
  assert.equal(
    fs.realpathSync(path.join(ROOT, "node_modules", "mmsim")),
    fs.realpathSync(ROOT),
    "node_modules/mmsim must link to the project: run `npm run setup`",
  );
  assert.equal(typeof (require(path.join(ROOT, "notebook.js")) as { show: unknown }).show, "function");
});
