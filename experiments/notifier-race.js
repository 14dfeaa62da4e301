// `require("mmsim/experiments/notifier-race")`: see src/experiments/faces/notifier-race.ts (compiled to dist/).
module.exports = require("../dist/src/experiments/faces/notifier-race.js");
