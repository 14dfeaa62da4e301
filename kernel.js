// `require("mmsim/kernel")` and `import ... from "mmsim/kernel"`: the kernel pieces (src/kernel/index.ts), compiled
// to dist/. A physical file, not only an "exports" entry: tslab resolves modules the Node10 way and ignores "exports".
module.exports = require("./dist/src/kernel/index.js");
