/**
 * `mmsim bench results`: how fast a result set is built, in points per second, for 1k, 10k and 100k trivial sweep
 * points (one replication each, a scenario that only returns numbers). A benchmark, not a test: it prints what it
 * measures. Issue 18 measured the quadratic build at 57 s for 100k points; the linear one takes well under a second.
 */
import { defineExperiment } from "../experiments/experiment";
import { integer } from "../experiments/params";
import { ResultSet, type Replication } from "../experiments/results";
import { runExperiment } from "../experiments/runner";
import { lastOption, parseArgs, UsageError } from "./args";
import { nsToS } from "../sim/time";

const trivial = defineExperiment({
  id: "bench-trivial",
  title: "a scenario that only returns numbers",
  thread: "bench",
  kernel: "none",
  params: { i: integer({ unit: "count", default: 0, min: 0, max: 1e9, description: "point", source: "bench" }) },
  observables: {
    a: { unit: "count", description: "i" },
    b: { unit: "count", description: "2i" },
  },
  scenario: (p) => ({ values: { a: p.i, b: 2 * p.i } }),
  claims: [],
});

export interface ResultsBench {
  points: number;
  /** runExperiment end to end, inline (check, sweep, scenarios, build). */
  runS: number;
  runPointsPerS: number;
  /** new ResultSet(...) alone on the same replications. */
  buildS: number;
  buildPointsPerS: number;
}

/** Times one size. */
export async function benchResults(points: number): Promise<ResultsBench> {
  const values = Array.from({ length: points }, (_, i) => i);
  const t0 = process.hrtime.bigint();
  const rs = await runExperiment(trivial, { i: values }, { seeds: 1, workers: 1 });
  const runS = nsToS(Number(process.hrtime.bigint() - t0));
  const t1 = process.hrtime.bigint();
  const again = new ResultSet(
    rs.experiment,
    rs.plan,
    rs.points,
    rs.seeds,
    rs.observables,
    rs.replications as Array<Replication<typeof trivial.params>>,
    0,
  );
  const buildS = nsToS(Number(process.hrtime.bigint() - t1));
  if (again.rows.length !== points) throw new Error(`bench results: ${again.rows.length} rows, expected ${points}`);
  return { points, runS, runPointsPerS: points / runS, buildS, buildPointsPerS: points / buildS };
}

/** The `mmsim bench results [--points 1000,10000,100000] [--json]` command. */
export async function benchResultsCommand(argv: string[], out: (s: string) => void): Promise<void> {
  const args = parseArgs(argv, ["json"]);
  for (const o of args.options)
    if (o.name !== "json" && o.name !== "points")
      throw new UsageError(`unknown option --${o.name}; options: --points N[,N...], --json`);
  const raw = lastOption(args, "points");
  const sizes = (typeof raw === "string" ? raw : "1000,10000,100000").split(",").map((s) => Number(s.trim()));
  for (const n of sizes)
    if (!Number.isInteger(n) || n < 1 || n > 1e6)
      throw new UsageError(`--points: each size must be an integer in [1, 1000000], got ${n}`);
  const results: ResultsBench[] = [];
  for (const n of sizes) {
    const r = await benchResults(n);
    results.push(r);
    if (lastOption(args, "json") === undefined)
      out(
        `${String(n).padStart(7)} points: runExperiment ${Math.round(r.runPointsPerS)} points/s (${r.runS.toFixed(3)} s), ` +
          `result set alone ${Math.round(r.buildPointsPerS)} points/s (${r.buildS.toFixed(3)} s)\n`,
      );
  }
  if (lastOption(args, "json") !== undefined) out(JSON.stringify(results) + "\n");
}
