// `require("mmsim/experiments/vma-lock")`: see src/experiments/faces/vma-lock.ts (compiled to dist/).
module.exports = require("../dist/src/experiments/faces/vma-lock.js");
