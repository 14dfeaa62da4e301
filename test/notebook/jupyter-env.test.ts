/** The project's Jupyter lives in .venv: tslab registered there, and no Jupyter path in the user's home. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { checkJupyter } from "../../src/notebook/jupyter";
import { ROOT } from "./helpers";

function venvRun(...args: string[]): string {
  checkJupyter(ROOT); // fails with "run `npm run setup`" when .venv or the kernel is missing
  return execFileSync("bash", [path.join(ROOT, "scripts", "venv-run.sh"), ...args], { encoding: "utf8" });
}

test("mmsim's kernel is registered inside .venv as tslab: the project's tslab through scripts/tslab-kernel.js", () => {
  const specs = JSON.parse(venvRun("jupyter", "kernelspec", "list", "--json")) as {
    kernelspecs: Record<string, { resource_dir: string; spec: { argv: string[] } }>;
  };
  const tslab = specs.kernelspecs.tslab;
  assert.ok(tslab, "no tslab kernelspec: run `npm run setup`");
  assert.equal(tslab.resource_dir, path.join(ROOT, ".venv", "share", "jupyter", "kernels", "tslab"));
  assert.deepEqual(tslab.spec.argv, [
    path.join(ROOT, "scripts", "tslab-kernel.js"),
    "--config-path",
    "{connection_file}",
  ]);
});

test("the papermill plugin is installed in .venv and registers the TypeScript translator", () => {
  const out = venvRun(
    "python",
    "-c",
    "import papermill.translators as t; print(t.papermill_translators.find_translator('tslab', 'typescript').__name__)",
  );
  assert.equal(out.trim(), "TypeScriptTranslator");
});

test("no Jupyter path points into the user's home", () => {
  const paths = JSON.parse(venvRun("jupyter", "--paths", "--json")) as Record<string, string[]>;
  const home = os.homedir();
  for (const [kind, list] of Object.entries(paths)) {
    for (const p of list)
      assert.ok(!p.startsWith(home + path.sep) || p.startsWith(ROOT), `${kind} path ${p} is in the home directory`);
  }
  assert.equal(paths.config[0], path.join(ROOT, ".venv", "etc", "jupyter"));
  assert.equal(paths.runtime[0], path.join(ROOT, ".venv", "share", "jupyter", "runtime"));
});
