#!/usr/bin/env node
// mmsim's TypeScript kernel: the project's tslab (1.0.22, pinned in package.json), started the way `tslab kernel`
// starts it (tslab/dist/main.js, startKernel), with four changes that tslab cannot be configured to make. `npm run
// setup` registers this file as the kernel "tslab" in .venv (kernel.json argv: this file, --config-path FILE [--js]).
//
// 1. The project, whatever the working directory. MMSIM_ROOT names the project (the first cell of every notebook loads
//    "$MMSIM_ROOT/notebook"). tslab resolves imports from the directory it starts in, and papermill starts kernels in
//    its caller's directory: when `mmsim` cannot be imported from there, the kernel runs in notebooks/ instead, and
//    the first cell says so (MMSIM_KERNEL_STARTED_IN). A directory that sees mmsim (papermill --cwd, JupyterLab's
//    notebook folder) is kept.
// 2. The busy indicator. tslab handles shell messages concurrently and sends `status: idle` when each one is done,
//    also while later ones still run (JupyterHandlerImpl queues the executions): after Run All, the first cell's idle
//    makes JupyterLab show "Idle" while the rest run, and every completion or hover request during a run does the
//    same. Here `idle` goes out only when no request is left, as ipykernel does (one `idle` per request still
//    arrives, for the clients that wait for it, followed by `busy` while others remain).
// 3. Failures as Jupyter errors (and the execute_input broadcast, which carries the execution count). tslab prints a failing cell's exception or compile errors on stderr and replies
//    `status: error` with no ename/evalue, so papermill does not see the failure (it looks for error outputs) and
//    JupyterLab shows a bare stream. Here a failure is an `error` output and the reply carries ename, evalue and
//    traceback. An input problem (ParamError, UsageError, NotebookFileError, SetupError) shows as its one-line
//    message; its stack only with MMSIM_DEBUG=1.
// 4. Dying with its parent. jupyter_client starts kernels in their own session and sets JPY_PARENT_PID; like
//    ipykernel's parent poller, the kernel exits when that process is gone (kill -9 of the runner leaves nothing).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const util = require("node:util");

const root = path.resolve(__dirname, "..");
const tslabDist = path.join(root, "node_modules", "tslab", "dist");

/** The errors that report bad input: shown as one line. */
const INPUT_ERRORS = new Set(["ParamError", "UsageError", "NotebookFileError", "SetupError"]);

function canImportMmsim(dir) {
  try {
    require.resolve("mmsim/package.json", { paths: [dir] });
    return true;
  } catch {
    return false;
  }
}

function parseArgs(argv) {
  const args = { configPath: "", jsKernel: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "kernel") continue;
    else if (argv[i] === "--config-path") args.configPath = argv[++i];
    else if (argv[i].startsWith("--config-path=")) args.configPath = argv[i].slice("--config-path=".length);
    else if (argv[i] === "--js") args.jsKernel = true;
    else {
      process.stderr.write(
        `mmsim kernel: unknown argument '${argv[i]}'; usage: tslab-kernel.js --config-path FILE [--js]\n`,
      );
      process.exit(2);
    }
  }
  if (!args.configPath) {
    process.stderr.write("mmsim kernel: --config-path FILE (the connection file) is required\n");
    process.exit(2);
  }
  return args;
}

// 1. The project and the working directory.
function placeKernel() {
  process.env.MMSIM_ROOT = root;
  const cwd = process.cwd();
  if (!canImportMmsim(cwd)) {
    const notebooks = path.join(root, "notebooks");
    process.env.MMSIM_KERNEL_STARTED_IN = cwd;
    process.chdir(fs.existsSync(notebooks) ? notebooks : root);
  }
}

// 2. One `idle` when nothing is left to do.
function patchStatus(ZmqServer) {
  const publish = ZmqServer.prototype.publishStatus;
  ZmqServer.prototype.publishStatus = function (status, parent) {
    const pending = (this.mmsimPending ??= []);
    if (status === "busy") pending.push(parent);
    publish.call(this, status, parent);
    if (status === "idle") {
      const at = pending.indexOf(parent);
      if (at >= 0) pending.splice(at, 1);
      if (pending.length > 0) publish.call(this, "busy", pending[0]);
    }
  };
}

// 3. A cell's failure, as tslab's executor reports it (through the console object it is given).
let failure = null;

function traceOf(e) {
  const head = `${e.name ?? "Error"}: ${e.message ?? String(e)}`;
  if (INPUT_ERRORS.has(e.name) && process.env.MMSIM_DEBUG !== "1") return [head];
  // node:vm puts the failing line of the compiled cell above the stack: drop it.
  const stack = typeof e.stack === "string" && e.stack.includes(head) ? e.stack.slice(e.stack.indexOf(head)) : head;
  // The kernel's own frames (tslab, node:vm) say nothing about the notebook.
  const lines = stack.split("\n");
  const internal = lines.findIndex((l, i) => i > 0 && /\(node:|node_modules\/tslab\/|\bsigintHandlersWrap\b/.test(l));
  return internal > 0 && process.env.MMSIM_DEBUG !== "1" ? lines.slice(0, internal) : lines;
}

const executorConsole = {
  log: console.log,
  error(first, ...rest) {
    if (first instanceof Error || (first && typeof first === "object" && "message" in first && "stack" in first)) {
      failure = { ename: first.name || "Error", evalue: String(first.message), traceback: traceOf(first) };
      return;
    }
    // Compile errors: "line:col - message", one call each.
    const line = util.format(first, ...rest);
    if (failure && failure.ename === "TypeScriptError") failure.traceback.push(line);
    else failure = { ename: "TypeScriptError", evalue: line, traceback: [line] };
  },
};

function patchExecute(JupyterHandlerImpl, ZmqServer) {
  const impl = JupyterHandlerImpl.prototype.handleExecuteImpl;
  const failures = new WeakMap();
  const inputs = new WeakMap();
  JupyterHandlerImpl.prototype.handleExecuteImpl = async function (req, ...rest) {
    // The execute_input broadcast tslab leaves out (nbclient and papermill take the cell's execution count from it).
    inputs.get(req)?.(this.execCount + 1);
    failure = null;
    try {
      return await impl.call(this, req, ...rest);
    } finally {
      if (failure) failures.set(req, failure);
      failure = null;
    }
  };
  // tslab's ZmqServer.handleExecute, with the failure published as an error output and put in the reply.
  ZmqServer.prototype.handleExecute = async function (sock, msg) {
    const send = (type, content, socket) => {
      const m = msg.createReply();
      m.header.msg_type = type;
      m.content = content;
      m.signAndSend(this.connInfo.key, socket);
    };
    const writeStream = (name, text) => send("stream", { name, text }, this.iopub);
    const writeDisplayData = (data, update) => send(update ? "update_display_data" : "display_data", data, this.iopub);
    inputs.set(msg.content, (count) =>
      send("execute_input", { code: msg.content.code, execution_count: count }, this.iopub),
    );
    const content = await this.handler.handleExecute(msg.content, writeStream, writeDisplayData);
    if (content.status === "error") {
      const f = failures.get(msg.content) ?? { ename: "Error", evalue: "the cell failed", traceback: [] };
      send("error", f, this.iopub);
      Object.assign(content, f);
    }
    send("execute_reply", content, sock);
  };
}

// 4. Exit when the process that started the kernel is gone.
function watchParent() {
  const parent = Number(process.env.JPY_PARENT_PID);
  if (!Number.isInteger(parent) || parent <= 1) return;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(1);
  }, 1000).unref();
}

// tslab's startKernel (dist/main.js), with the executor given the console above and always the project's tslab.
function startKernel({ configPath, jsKernel }) {
  const { createConverter } = require(path.join(tslabDist, "converter.js"));
  const { createExecutor } = require(path.join(tslabDist, "executor.js"));
  const { ZmqServer, JupyterHandlerImpl } = require(path.join(tslabDist, "jupyter.js"));
  patchStatus(ZmqServer);
  patchExecute(JupyterHandlerImpl, ZmqServer);
  const made = {};
  const convs = {
    get node() {
      return (made.node ??= createConverter({ isJS: jsKernel, isBrowser: false }));
    },
    get browser() {
      return (made.browser ??= createConverter({ isJS: jsKernel, isBrowser: true }));
    },
    close() {
      made.node?.close();
      made.browser?.close();
    },
  };
  void convs.node; // warm the converter, as tslab does
  const executor = createExecutor(process.cwd(), convs, executorConsole);
  const server = new ZmqServer(new JupyterHandlerImpl(executor, jsKernel), configPath);
  process.on("SIGINT", () => executor.interrupt());
  process.on("uncaughtException", (err) => console.error("UncaughtException:", err));
  process.on("unhandledRejection", (reason) => console.error("UnhandledPromiseRejection:", reason));
  server.init();
}

const args = parseArgs(process.argv.slice(2));
placeKernel();
watchParent();
startKernel(args);
