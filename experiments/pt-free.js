// `require("mmsim/experiments/pt-free")`: see src/experiments/faces/pt-free.ts (compiled to dist/).
module.exports = require("../dist/src/experiments/faces/pt-free.js");
