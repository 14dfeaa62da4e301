#!/usr/bin/env node
// Entry point of `npx mmsim`: runs the compiled CLI, or says how to build it.
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
require(main)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
