/**
 * Clean failure and clean exit (issue 18): a closed stdout ends quietly, output paths are checked before the kernel
 * starts, a killed or interrupted `mmsim run` leaves no executor, kernel or scratch directory behind, SIGTERM sent to
 * `npx mmsim` reaches mmsim, and input problems show one line (the stack only with MMSIM_DEBUG=1).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkJupyter } from "../../src/notebook/jupyter";
import { sweepTempRuns } from "../../src/notebook/temp-runs";
import { readNotebook } from "../../src/notebook/ipynb";
import { codeCell, tinyNotebookJson } from "../notebook/helpers";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const BIN = path.join(ROOT, "bin", "mmsim.js");
const NB = path.join(ROOT, "notebooks", "00-getting-started.ipynb");

function scratch(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "mmsim-exit-test-"));
}

/** A small notebook of the given code cells, the first tagged `parameters` when `params` is given. */
function tinyNotebook(dir: string, cells: string[], params?: string): string {
  const file = path.join(dir, "tiny.ipynb");
  fs.writeFileSync(
    file,
    tinyNotebookJson([...(params ? [codeCell(params, ["parameters"])] : []), ...cells.map((c) => codeCell(c))]),
  );
  return file;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

function childrenOf(pid: number): number[] {
  const r = spawnSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" });
  return r.stdout
    .split("\n")
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/\) Z /.test(stat); // a zombie is dead
  } catch {
    return false;
  }
}

test("a closed stdout ends quietly: exit 0, no EPIPE trace", () => {
  for (const reader of ["head -1", "true"]) {
    const r = spawnSync(
      "bash",
      [
        "-c",
        `node ${JSON.stringify(BIN)} experiment lock-contention --threads 1:64:+1 --acquisitions 500 --seeds 2 --workers 1 --format csv | ${reader}; echo "status \${PIPESTATUS[0]}" >&2`,
      ],
      { encoding: "utf8" },
    );
    assert.match(r.stderr, /status 0\n$/, `${reader}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /EPIPE|at /, reader);
    if (reader === "head -1") assert.match(r.stdout, /^threads,/);
  }
});

test("mmsim run -o into a path that cannot be written fails before the kernel starts, naming the path", () => {
  const dir = scratch();
  const file = path.join(dir, "a-file");
  fs.writeFileSync(file, "");
  for (const [args, message] of [
    [["-o", path.join(file, "out.ipynb")], /option -o: cannot write .*a-file\/out\.ipynb: .*a-file is not a directory/],
    [["-o", dir], /option -o: cannot write .*: it is a directory/],
    [["--html", path.join(file, "sub", "r.html")], /option --html: cannot write .*a-file is not a directory/],
  ] as Array<[string[], RegExp]>) {
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [BIN, "run", NB, "-p", "threads", "4", ...args], { encoding: "utf8" });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split("\n").length, 1, `one line: ${r.stderr}`);
    assert.ok(Date.now() - t0 < 5000, "checked before any kernel starts");
  }
  assert.deepEqual(fs.readdirSync(dir), ["a-file"], "nothing written");
});

test("-p with a single value for a list parameter is accepted, and the run's log says so", () => {
  checkJupyter(ROOT);
  const dir = scratch();
  const nb = tinyNotebook(dir, ["console.log(JSON.stringify(params.sweep));"], "const params = { sweep: [1, 2] };");
  const r = spawnSync(process.execPath, [BIN, "run", nb, "-p", "sweep", "8", "-o", path.join(dir, "out.ipynb")], {
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^mmsim run: note: sweep takes a list \(its default is \[1, 2\]\): 8 became \[8\]\n$/);
  assert.match(JSON.stringify(readNotebook(path.join(dir, "out.ipynb")).cells.at(-1)!.outputs), /\[8\]/);
});

/** Starts `mmsim run` on a notebook whose cell sleeps, with its scratch root in `tmp`; resolves once the kernel runs. */
async function startLongRun(tmp: string): Promise<{ mmsim: ChildProcess; executor: number; kernel: number }> {
  const nb = tinyNotebook(tmp, ['console.log("started"); await new Promise((r) => setTimeout(r, 120_000));']);
  const mmsim = spawn(process.execPath, [BIN, "run", nb, "-o", path.join(tmp, "out.ipynb")], {
    env: { ...process.env, TMPDIR: tmp },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let executor = 0;
  let kernel = 0;
  await until("the executor and its kernel", () => {
    executor = childrenOf(mmsim.pid!)[0] ?? 0;
    kernel = executor ? (childrenOf(executor)[0] ?? 0) : 0;
    return kernel > 0;
  });
  // The kernel is up once it has a connection: give it time to start the cell.
  await sleep(3000);
  return { mmsim, executor, kernel };
}

function runDirs(tmp: string): string[] {
  const root = path.join(tmp, `mmsim-${process.getuid!()}`);
  return fs.existsSync(root) ? fs.readdirSync(root).filter((n) => n.startsWith("run-")) : [];
}

test("kill -9 of mmsim run: the executor and the kernel die with it; the next run sweeps its scratch directory", async () => {
  checkJupyter(ROOT);
  const tmp = scratch();
  const { mmsim, executor, kernel } = await startLongRun(tmp);
  assert.equal(runDirs(tmp).length, 1, "one scratch directory under the one root");
  mmsim.kill("SIGKILL");
  await until("the executor to exit", () => !alive(executor), 15_000);
  await until("the kernel to exit", () => !alive(kernel), 15_000);
  assert.equal(runDirs(tmp).length, 1, "kill -9 leaves its scratch directory...");
  sweepTempRuns(path.join(tmp, `mmsim-${process.getuid!()}`));
  assert.deepEqual(runDirs(tmp), [], "...which the next run sweeps: its owner is gone");
});

test("SIGINT (Ctrl-C) and SIGTERM of mmsim run: children stopped, scratch removed, exit 130 and 143", async () => {
  checkJupyter(ROOT);
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    const tmp = scratch();
    const { mmsim, executor, kernel } = await startLongRun(tmp);
    let stderr = "";
    mmsim.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((r) => mmsim.on("exit", (c) => r(c)));
    mmsim.kill(signal);
    assert.equal(await exited, code, stderr);
    assert.match(stderr, new RegExp(`mmsim: stopped by ${signal}`));
    assert.deepEqual(runDirs(tmp), [], `${signal} removes the scratch directory`);
    await until("the executor to exit", () => !alive(executor), 15_000);
    await until("the kernel to exit", () => !alive(kernel), 15_000);
  }
});

test("SIGTERM sent to `npx mmsim` reaches mmsim", async () => {
  const npx = spawn(
    "npx",
    ["--no-install", "mmsim", "experiment", "lock-contention", "--acquisitions", "300000000", "--seeds", "1"],
    { cwd: ROOT, stdio: "ignore", env: { ...process.env } },
  );
  let node = 0;
  const find = (pid: number): number => {
    for (const c of childrenOf(pid)) {
      const cmd = fs.readFileSync(`/proc/${c}/cmdline`, "utf8");
      if (/mmsim(\.js)?\0experiment/.test(cmd)) return c;
      const deeper = find(c);
      if (deeper) return deeper;
    }
    return 0;
  };
  await until("mmsim under npx", () => (node = find(npx.pid!)) > 0, 30_000);
  // Let it get going (the signal is meant for a running mmsim).
  await sleep(2000);
  npx.kill("SIGTERM");
  await until("mmsim to stop", () => !alive(node), 10_000);
});

test("an input problem in a notebook cell: one line in the run's message and in the failed notebook; the stack with MMSIM_DEBUG=1", () => {
  checkJupyter(ROOT);
  const dir = scratch();
  const nb = tinyNotebook(
    dir,
    [
      'const { ParamError } = require(process.env.MMSIM_ROOT + "/dist/src/experiments/params");\n' +
        'function deep() { throw new ParamError("threads", "parameter \'threads\': 0 is out of range"); }\ndeep();',
    ],
    "const params = { threads: 1 };",
  );
  const out = path.join(dir, "out.ipynb");
  const html = path.join(dir, "report.html");
  fs.writeFileSync(html, "previous report");
  const plain = spawnSync(process.execPath, [BIN, "run", nb, "-o", out, "--html", html], { encoding: "utf8" });
  assert.equal(plain.status, 1, plain.stderr);
  assert.match(
    plain.stderr,
    /^mmsim run: .*tiny\.ipynb failed in cell 1: ParamError: parameter 'threads': 0 is out of range\nwrote the failed notebook to .*out\.ipynb \(papermill's banner at the top links to the failing cell\); .*report\.html was not written/,
  );
  assert.doesNotMatch(plain.stderr, /^\s+at /m, "no stack");
  assert.equal(fs.readFileSync(html, "utf8"), "previous report", "the previous report is kept");
  const failed = readNotebook(out);
  assert.match(
    String(failed.cells[0].source),
    /An Exception was encountered at '<a href="#papermill-error-cell">In \[2\]<\/a>'/,
  );
  assert.deepEqual(failed.cells[0].metadata.tags, ["papermill-error-cell-tag"]);
  assert.match(String(failed.cells[2].source), /id="papermill-error-cell"/);
  const error = failed.cells[3].outputs!.find((o) => o.output_type === "error")!;
  assert.deepEqual(error.traceback, ["ParamError: parameter 'threads': 0 is out of range"]);
  assert.equal(failed.metadata.papermill?.exception, true);

  const debug = spawnSync(process.execPath, [BIN, "run", nb, "-o", out], {
    encoding: "utf8",
    env: { ...process.env, MMSIM_DEBUG: "1" },
  });
  assert.equal(debug.status, 1);
  assert.match(debug.stderr, /^\s+at deep /m, "MMSIM_DEBUG=1 shows the stack");
});

test("mmsim run without a parameters cell: runs when nothing is overridden, refuses overrides", () => {
  checkJupyter(ROOT);
  const dir = scratch();
  const nb = tinyNotebook(dir, ['console.log("no parameters here");']);
  const out = path.join(dir, "out.ipynb");
  const r = spawnSync(process.execPath, [BIN, "run", nb, "-o", out], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(JSON.stringify(readNotebook(out).cells[0].outputs), /no parameters here/);
  const p = spawnSync(process.execPath, [BIN, "run", nb, "-p", "n", "1"], { encoding: "utf8" });
  assert.equal(p.status, 2);
  assert.match(p.stderr, /tiny\.ipynb has no cell tagged 'parameters', so it takes no parameters \(given: n\)/);
});

test("the CLI's own errors: one line, exit 1, the stack only with MMSIM_DEBUG=1", () => {
  // A notebooks folder that is a file: not an input mmsim checks for, so an unexpected error.
  const dir = scratch();
  const file = path.join(dir, "not-a-dir");
  fs.writeFileSync(file, "");
  const r = spawnSync(process.execPath, [BIN, "report", "--notebooks", file, "--reports", dir], { encoding: "utf8" });
  assert.notEqual(r.status, 0);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
  const d = spawnSync(process.execPath, [BIN, "report", "--notebooks", file, "--reports", dir], {
    encoding: "utf8",
    env: { ...process.env, MMSIM_DEBUG: "1" },
  });
  assert.match(d.stderr, /^\s+at /m);
});
