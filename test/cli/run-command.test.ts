/** `mmsim run`: arguments, and bad input failing before any kernel starts, naming the parameter, writing nothing. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseRunArgs, runCommand } from "../../src/cli/run-command";
import { ParamError } from "../../src/experiments/params";
import { UsageError } from "../../src/cli/args";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const NB = path.join(ROOT, "notebooks", "00-getting-started.ipynb");

function scratch(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "mmsim-run-test-"));
}

test("flags: -p values are YAML, -f reads a mapping, a later flag wins", () => {
  const dir = scratch();
  const file = path.join(dir, "p.yaml");
  fs.writeFileSync(file, "threads: 4\nholdNs: 250\nthreadsSweep: [1, 2]\n");
  const a = parseRunArgs([
    NB,
    "-p",
    "threads",
    "16",
    "-f",
    file,
    "-p",
    "holdNs",
    "1e3",
    "-o",
    "o.ipynb",
    "--html",
    "r.html",
  ]);
  assert.deepEqual(a, {
    notebook: NB,
    params: { threads: 4, holdNs: 1000, threadsSweep: [1, 2] },
    out: "o.ipynb",
    html: "r.html",
  });
  const b = parseRunArgs([NB, "-f", file, "-p", "threads", "[2, 8]"]);
  assert.deepEqual(b?.params.threads, [2, 8]);
  assert.equal(parseRunArgs([NB, "--help"]), null);
  assert.throws(
    () => parseRunArgs([]),
    (e: Error) => e instanceof UsageError && /name a notebook/.test(e.message),
  );
  assert.throws(() => parseRunArgs([NB, "-x", "1"]), /unknown option '-x'; options: -p name value, -f params\.yaml/);
  assert.throws(() => parseRunArgs([NB, "-p", "threads"]), /option -p needs a name and a value/);
  fs.writeFileSync(file, "- 1\n- 2\n");
  assert.throws(() => parseRunArgs([NB, "-f", file]), /must hold a mapping of parameter names to values/);
  assert.throws(() => parseRunArgs([NB, "-f", path.join(dir, "missing.yaml")]), /option -f: cannot read/);
});

async function failsBeforeKernel(argv: string[], param: string, message: RegExp): Promise<void> {
  const dir = scratch();
  const out = path.join(dir, "out.ipynb");
  const html = path.join(dir, "out.html");
  const t0 = Date.now();
  await assert.rejects(
    runCommand([...argv, "-o", out, "--html", html], () => undefined),
    (e: Error) => {
      assert.ok(e instanceof ParamError, `expected a ParamError, got ${e}`);
      assert.equal(e.param, param);
      assert.match(e.message, message);
      return true;
    },
  );
  assert.ok(Date.now() - t0 < 5000, "validation happens before any kernel starts");
  assert.deepEqual(fs.readdirSync(dir), [], "nothing is written");
}

test("a bad parameter fails with its name and what is allowed, and writes nothing", async () => {
  await failsBeforeKernel(
    [NB, "-p", "thread", "2"],
    "thread",
    /unknown parameter 'thread' \(did you mean 'threads'\?\)/,
  );
  await failsBeforeKernel(
    [NB, "-p", "threads", "0"],
    "threads",
    /parameter 'threads': 0 is out of range; allowed: an integer count in \[1, 4096\]/,
  );
  await failsBeforeKernel([NB, "-p", "holdNs", "fast"], "holdNs", /parameter 'holdNs': expected a number, got "fast"/);
  await failsBeforeKernel(
    [NB, "-p", "threads", "[2, 4]"],
    "threads",
    /takes one value in this notebook \(its default is 8\), not a list/,
  );
  await failsBeforeKernel(
    [NB, "-p", "threadsSweep", "[1, 0]"],
    "threadsSweep",
    /0 is out of range; allowed: an integer count in \[1, 4096\]/,
  );
  await failsBeforeKernel([NB, "-p", "seeds", "0"], "seeds", /parameter 'seeds': 0 is out of range/);
});

test("the real CLI: exit status 2 and the message on stderr", () => {
  const dir = scratch();
  const html = path.join(dir, "r.html");
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, "bin", "mmsim.js"), "run", NB, "-p", "thread", "16", "--html", html],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 2, r.stderr);
  assert.match(
    r.stderr,
    /^mmsim run: unknown parameter 'thread' \(did you mean 'threads'\?\); parameters: seeds, seedBase, threads, thinkNs, holdNs, acquisitions, threadsSweep, traceAcquisitions\n$/,
  );
  assert.equal(fs.existsSync(html), false);
  const missing = spawnSync(
    process.execPath,
    [path.join(ROOT, "bin", "mmsim.js"), "run", path.join(dir, "nope.ipynb")],
    { encoding: "utf8" },
  );
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read notebook .*nope\.ipynb/);
});

test("the CLI's run path never loads the chart libraries (they load on first render, in the kernel)", () => {
  const probe = `require(${JSON.stringify(path.join(ROOT, "dist", "src", "cli", "main.js"))});
require(${JSON.stringify(path.join(ROOT, "dist", "src", "cli", "run-command.js"))});
require(${JSON.stringify(path.join(ROOT, "dist", "src", "cli", "report-command.js"))});
console.log(Object.keys(require.cache).filter((k) => /node_modules\\/(vega|vega-lite|plotly)[^/]*\\//.test(k)).length);`;
  const r = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8" });
  assert.equal(r.stdout.trim(), "0", r.stderr);
});
