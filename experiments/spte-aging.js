// `require("mmsim/experiments/spte-aging")`: see src/experiments/faces/spte-aging.ts (compiled to dist/).
module.exports = require("../dist/src/experiments/faces/spte-aging.js");
