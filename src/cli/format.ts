/** Plain-text tables for the terminal: the experiments layer's, so notebooks format the same way without importing src/cli. */
export { formatNumber, formatTable } from "../experiments/format";
