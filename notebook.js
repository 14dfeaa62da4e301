// `require("mmsim/notebook")` and `import ... from "mmsim/notebook"`: the notebook toolkit, compiled to dist/.
// The first cell of every notebook loads this file as "$MMSIM_ROOT/notebook" (mmsim's kernel, scripts/tslab-kernel.js,
// sets MMSIM_ROOT), so it is found from any working directory; when the build or the node_modules/mmsim link is
// missing, the error says what to run.
const fs = require("node:fs");
const path = require("node:path");

function setupError(message) {
  const e = new Error(message);
  // Shown as this one line by mmsim's kernel (no stack: nothing in it would help).
  e.name = "SetupError";
  return e;
}

const built = path.join(__dirname, "dist", "src", "notebook", "index.js");
if (!fs.existsSync(built) || !fs.existsSync(path.join(__dirname, "dist", "src", "index.js"))) {
  throw setupError(
    `mmsim is not built (${built} is missing): run \`npm run build\` in ${__dirname} (or \`npm run setup\` for everything), then restart the kernel`,
  );
}
const link = path.join(__dirname, "node_modules", "mmsim");
let linked;
try {
  linked = fs.realpathSync(link) === fs.realpathSync(__dirname);
} catch {
  linked = false;
}
if (!linked) {
  throw setupError(
    `node_modules/mmsim does not link to ${__dirname}, so notebooks cannot import "mmsim": run \`npm run setup\` there (it links it), then restart the kernel`,
  );
}
const startedIn = process.env.MMSIM_KERNEL_STARTED_IN;
if (startedIn && !process.env.MMSIM_KERNEL_NOTED) {
  // Said once per kernel: the first cell's output.
  process.env.MMSIM_KERNEL_NOTED = "1";
  console.log(
    `mmsim: the kernel started in ${startedIn}, where "mmsim" cannot be imported; it runs in ${process.cwd()} (papermill --cwd chooses another folder that can)`,
  );
}
module.exports = require(built);
