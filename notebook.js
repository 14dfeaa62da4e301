// `require("mmsim/notebook")` and `import ... from "mmsim/notebook"`: the notebook toolkit, compiled to dist/.
// Notebooks reach this file through node_modules/mmsim (a link to the project root); when the build or the link is
// missing, the error says what to run.
const fs = require("node:fs");
const path = require("node:path");
const built = path.join(__dirname, "dist", "src", "notebook", "index.js");
if (!fs.existsSync(built) || !fs.existsSync(path.join(__dirname, "dist", "src", "index.js"))) {
  throw new Error(
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
  throw new Error(
    `node_modules/mmsim does not link to ${__dirname}, so notebooks cannot import "mmsim": run \`npm run setup\` there (it links it), then restart the kernel`,
  );
}
module.exports = require(built);
