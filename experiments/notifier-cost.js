// `require("mmsim/experiments/notifier-cost")`: see src/experiments/faces/notifier-cost.ts (compiled to dist/).
module.exports = require("../dist/src/experiments/faces/notifier-cost.js");
