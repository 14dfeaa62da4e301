#!/usr/bin/env node
// Entry point of `npx mmsim`: runs the compiled CLI, or says how to build it.

// npx (and npm run) start us through `sh -c`, which does not pass SIGINT or SIGTERM on: when the signal ends that
// parent, we are left running on our own. Noticing the parent is gone, we stop as if the signal had reached us. The
// watch runs in a worker thread (a simulation may keep this thread busy for minutes), started first thing, so that
// the parent it watches is still the one that started us.
if (process.env.npm_lifecycle_event) {
  const { Worker } = require("node:worker_threads");
  const watch = `const parent = ${process.ppid};
setInterval(() => { if (process.ppid !== parent) process.kill(process.pid, "SIGTERM"); }, 200);`;
  new Worker(watch, { eval: true }).unref();
}
const path = require("node:path");
const fs = require("node:fs");
const main = path.join(__dirname, "..", "dist", "src", "cli", "main.js");
if (!fs.existsSync(main)) {
  process.stderr.write(
    "mmsim is not built yet: run `npm run build` (or `npm run setup` for everything) in " +
      path.resolve(__dirname, "..") +
      "\n",
  );
  process.exit(2);
}
const cli = require(main);
cli.installProcessHandlers();
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
