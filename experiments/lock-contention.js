// `require("mmsim/experiments/lock-contention")`: see src/experiments/faces/lock-contention.ts (compiled to dist/).
module.exports = require("../dist/src/experiments/faces/lock-contention.js");
