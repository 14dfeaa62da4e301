// `require("mmsim/experiments/mmu-lock-aging")`: see src/experiments/faces/mmu-lock-aging.ts (compiled to dist/).
module.exports = require("../dist/src/experiments/faces/mmu-lock-aging.js");
