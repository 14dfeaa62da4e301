// `require("mmsim/host")`: what runs notebooks and writes reports (runNotebook, reportAll), for scripts on the host.
// Notebook cells use "mmsim/notebook" instead; this face is never loaded in a kernel.
const fs = require("node:fs");
const path = require("node:path");

const built = path.join(__dirname, "dist", "src", "notebook", "host.js");
if (!fs.existsSync(built)) {
  const e = new Error(`mmsim is not built (${built} is missing): run \`npm run build\` in ${__dirname}`);
  e.name = "SetupError";
  throw e;
}
module.exports = require(built);
