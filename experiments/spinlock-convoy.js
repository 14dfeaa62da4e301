// `require("mmsim/experiments/spinlock-convoy")`: see src/experiments/faces/spinlock-convoy.ts (compiled to dist/).
module.exports = require("../dist/src/experiments/faces/spinlock-convoy.js");
