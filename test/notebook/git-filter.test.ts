/**
 * Notebooks are committed without outputs: in a temporary clone with the filter installed as `npm run setup` installs
 * it (scripts/install-notebook-filter.sh, nbstripout from .venv), a notebook saved with outputs, a papermill run's
 * injected cell and its run records stages as the committed notebook, while the file on disk keeps its outputs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkJupyter } from "../../src/notebook/jupyter";
import { ROOT } from "./helpers";

const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" });

test("a notebook with outputs stages without them (nbstripout as the git filter, in a temporary clone)", () => {
  checkJupyter(ROOT);
  const clone = fs.mkdtempSync(path.join(os.tmpdir(), "mmsim-filter-test-"));
  // The committed state of this checkout (HEAD), then the working tree's filter files over it.
  git(ROOT, "clone", "--quiet", "--no-checkout", ROOT, clone);
  git(clone, "checkout", "--quiet", "HEAD");
  for (const f of [".gitattributes", "scripts/install-notebook-filter.sh"])
    fs.copyFileSync(path.join(ROOT, f), path.join(clone, f));
  execFileSync("bash", ["scripts/install-notebook-filter.sh", path.join(ROOT, ".venv", "bin", "nbstripout")], {
    cwd: clone,
  });
  // The notebook as this checkout has it, committed through the filter.
  const nb = "notebooks/00-getting-started.ipynb";
  fs.copyFileSync(path.join(ROOT, nb), path.join(clone, nb));
  git(clone, "add", "--all");
  git(clone, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "--allow-empty", "-m", "base");
  const committed = git(clone, "show", `HEAD:${nb}`);

  // What a save in JupyterLab after a papermill run leaves on disk.
  const saved = JSON.parse(fs.readFileSync(path.join(clone, nb), "utf8"));
  const at = saved.cells.findIndex((c: { metadata: { tags?: string[] } }) => c.metadata.tags?.includes("parameters"));
  saved.cells.splice(at + 1, 0, {
    cell_type: "code",
    id: "injected-parameters",
    metadata: { tags: ["injected-parameters"], papermill: { duration: 0.1 } },
    source: "void Object.assign(params, { threads: 4 });",
    outputs: [],
    execution_count: 3,
  });
  for (const c of saved.cells)
    if (c.cell_type === "code") {
      c.execution_count = 7;
      c.outputs = [{ output_type: "stream", name: "stdout", text: ["a lot of output\n"] }];
      c.metadata.execution = { "iopub.status.busy": "2026-12-01T10:00:00Z" };
    }
  saved.metadata.papermill = { parameters: { threads: 4 } };
  saved.metadata.mmsim.run = { parameters: {}, overrides: {}, date: "x", durationS: 1, version: "0" };
  const onDisk = JSON.stringify(saved, null, 1) + "\n";
  fs.writeFileSync(path.join(clone, nb), onDisk);

  git(clone, "add", nb);
  assert.equal(git(clone, "show", `:${nb}`), committed, "the staged notebook is the committed one, outputs stripped");
  assert.equal(git(clone, "status", "--porcelain", nb), "", "nothing to commit");
  assert.equal(fs.readFileSync(path.join(clone, nb), "utf8"), onDisk, "the file on disk keeps its outputs");

  // An edit to a cell's source stages as just that edit.
  saved.cells[at].source = ["const params = { seeds: 6 };"];
  fs.writeFileSync(path.join(clone, nb), JSON.stringify(saved, null, 1) + "\n");
  git(clone, "add", nb);
  const diff = git(clone, "diff", "--cached", "--numstat", nb).trim();
  assert.match(diff, /^\d+\t\d+\t/);
  const [added, removed] = diff.split("\t").map(Number);
  assert.ok(added <= 3 && removed <= 12, `a small diff, not a rewrite: ${diff}`);
  fs.rmSync(clone, { recursive: true, force: true });
});
