/**
 * Sweeps on a real distributed queue (BullMQ on redis-server started here on loopback) and sharded for batch
 * schedulers: byte-identical output to a local run, and the faults: a worker killed mid-job, Redis stopped mid-run,
 * a replication that throws, a worker with other code, SIGINT and SIGTERM; shards merged, and merges refused.
 * Everything started here is stopped in `after`, also when a test fails. Without redis-server the tests fail saying
 * what to install.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { evaluateClaims } from "../../src/experiments/claims";
import { defineExperiment } from "../../src/experiments/experiment";
import { lockContention } from "../../src/experiments/lock-contention/experiment";
import { integer } from "../../src/experiments/params";
import { runExperiment } from "../../src/experiments/runner";
import { main } from "../../src/cli/main";
import { checkParts, readPart, type PartFile } from "../../src/experiments/distributed/shard";
import { checkJob } from "../../src/experiments/distributed/redis-worker";
import { parseRedisUrl, redactText } from "../../src/experiments/distributed/redis-url";
import { REDIS_MISSING, startRedisServer, type RedisServer } from "../../src/experiments/distributed/redis-server";
import {
  FAILING_PRELOAD,
  keys,
  keysLeft,
  mmsim,
  redis,
  ROOT,
  run,
  stopAll,
  worker,
  type Proc,
} from "../helpers/cluster";

const OUT = path.join(ROOT, "test-output", "distributed");
const SWEEP = ["experiment", "lock-contention", "--threads", "2,4,8", "--acquisitions", "2000", "--seeds", "3"];
/** About 0.1-0.3 s per replication here: long enough to kill a worker, or Redis, mid-run. */
const SLOW = ["experiment", "lock-contention", "--threads", "2,4", "--acquisitions", "300000", "--seeds", "3"];

let server: RedisServer;
let url: string;
let workers: Proc[];

before(async () => {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  // With a password, so every test also checks that the URL's password reaches every connection.
  server = await redis({ password: "s3cret pass" });
  url = server.url;
  workers = await Promise.all([worker(url), worker(url)]);
});

after(stopAll);

/**
 * The CLI in this process, through the entry bin/mmsim.js calls (stdout captured): the local reference runs, which
 * need no process of their own. Inline runs block this process, so never while a test waits on a child's output.
 */
async function cli(argv: string[]) {
  let stdout = "";
  const code = await main(argv, (t) => (stdout += t));
  return { code, stdout };
}

test("the executor's output is byte-identical to a local run's (CSV and JSON), with progress on stderr", async () => {
  const remote = Promise.all([
    run([...SWEEP, "--format", "csv", "--executor", url]),
    run([...SWEEP, "--format", "json", "--executor", url]),
  ]);
  const localCsv = await cli([...SWEEP, "--format", "csv", "--workers", "2"]);
  const localJson = await cli([...SWEEP, "--format", "json", "--workers", "1"]);
  const [csv, json] = await remote;
  for (const r of [csv, json]) assert.equal(r.code, 0, r.stderr);
  assert.equal(csv.stdout, localCsv.stdout);
  assert.equal(json.stdout, localJson.stdout);
  assert.equal(localCsv.stdout.split("\n").length, 5, "a header and three rows");
  assert.match(csv.stderr, /lock-contention on redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: 9\/9 replications \(100%\)/);
  assert.match(csv.stderr, /9 replications on [12] worker\(s\)/);
  assert.doesNotMatch(csv.stderr + json.stderr, /s3cret/, "the password is never printed");
  assert.deepEqual(await keysLeft(url), [], "a finished run leaves nothing in Redis");
});

test("in a notebook: runExperiment and evaluateClaims with { executor: URL } give the local results", async () => {
  const input = { threads: [2, 8], acquisitions: 2000 };
  const progress: number[] = [];
  const [local, remote] = await Promise.all([
    runExperiment(lockContention, input, { seeds: 3, workers: 1, detail: true }),
    runExperiment(lockContention, input, {
      seeds: 3,
      detail: true,
      executor: url,
      onProgress: (d) => progress.push(d),
    }),
  ]);
  assert.equal(remote.toCSV(), local.toCSV());
  assert.deepEqual(remote.replications, local.replications, "every replication's values and chart detail");
  assert.ok(remote.details({ threads: 8 })[0].cdf.length > 10);
  assert.deepEqual(progress, [1, 2, 3, 4, 5, 6], "progress counts each replication once");
  const base = { acquisitions: 2000 };
  const [claimsLocal, claimsRemote] = await Promise.all([
    evaluateClaims(lockContention, { seeds: 2, base, workers: 1 }),
    evaluateClaims(lockContention, { seeds: 2, base, executor: url }),
  ]);
  assert.deepEqual(claimsRemote, claimsLocal);
  const mine = defineExperiment({
    id: "notebook-only",
    title: "defined in a cell",
    thread: "-",
    kernel: "-",
    params: { n: integer({ unit: "count", default: 1, min: 1, max: 9, description: "n", source: "test" }) },
    observables: { y: { unit: "count", description: "y" } },
    scenario: (p) => ({ values: { y: p.n } }),
    claims: [],
  });
  await assert.rejects(runExperiment(mine, {}, { executor: url }), {
    message:
      /notebook-only: this experiment is not one of mmsim's registered experiments .* Run it without an executor/,
  });
  assert.deepEqual(await keysLeft(url), []);
});

test("the local path and the notebook toolkit never load bullmq or ioredis", () => {
  const script = `
    const mm = require(${JSON.stringify(path.join(ROOT, "dist/src/index.js"))});
    require(${JSON.stringify(path.join(ROOT, "dist/src/notebook/index.js"))});
    const exp = mm.experiments.find((e) => e.id === "lock-contention");
    mm.runExperiment(exp, { threads: [2, 4], acquisitions: 1000 }, { seeds: 2, workers: 2 }).then(() => {
      const loaded = Object.keys(require.cache).filter((k) => /node_modules[\\/](bullmq|ioredis)[\\/]/.test(k));
      console.log(JSON.stringify(loaded));
    });`;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", cwd: ROOT });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), "[]");
});

test("a worker killed with SIGKILL mid-replication loses nothing: the job runs again elsewhere, counted once", async () => {
  const [a, b] = workers;
  const remote = mmsim([...SLOW, "--format", "csv", "--executor", url]);
  const started = await a.waitFor(/start (p\d+) of run (\S+):/);
  a.child.kill("SIGKILL");
  await a.exited;
  const r = await remote.exited;
  assert.equal(r.code, 0, remote.stderr);
  assert.equal(remote.stdout, (await cli([...SLOW, "--format", "csv", "--workers", "2"])).stdout);
  // The killed worker's job was computed by the other one, and the progress never counted past the total.
  assert.match(b.stderr, new RegExp(`done ${started[1]} of run ${started[2]}`));
  assert.match(remote.stderr, /6\/6 replications \(100%\)/);
  assert.doesNotMatch(remote.stderr, /\b([7-9]|\d\d)\/6 /);
  assert.deepEqual(await keysLeft(url), []);
  workers[0] = await worker(url);
});

test("a replication that throws fails the run naming the point and the error, as locally; nothing printed", async () => {
  const args = ["experiment", "test-failing-point", "--n", "1,2,3,4", "--seeds", "2", "--format", "csv"];
  const preload = FAILING_PRELOAD;
  const failing = [await worker(url, { preload }), await worker(url, { preload })];
  const [local, remote] = await Promise.all([
    run([...args, "--workers", "1"], { preload }),
    run([...args, "--executor", url], { preload }),
  ]);
  // Locally the message comes with its stack ("Error: ..."); remotely alone.
  const first = (s: string) =>
    s
      .split("\n")
      .find((l) => l.startsWith("mmsim experiment:"))
      ?.replace(/^mmsim experiment: Error: /, "mmsim experiment: ");
  assert.equal(local.code, 1, local.stderr);
  assert.equal(remote.code, 1, remote.stderr);
  assert.equal(
    first(local.stderr),
    'mmsim experiment: test-failing-point: replication with seed 1 at {"n":3,"failAt":3} failed: deliberate failure at n=3',
  );
  assert.match(
    first(remote.stderr)!,
    /^mmsim experiment: test-failing-point: replication with seed [12] at \{"n":3,"failAt":3\} failed: deliberate failure at n=3$/,
  );
  assert.equal(remote.stdout, "");
  assert.deepEqual(await keysLeft(url), []);
  for (const w of failing) w.child.kill("SIGKILL");
});

test("a worker with another commit refuses the run, saying why; SIGINT withdraws the jobs", async () => {
  const other = await redis();
  const stranger = await worker(other.url, { env: { MMSIM_COMMIT: "0123456789abcdef0123456789abcdef01234567" } });
  const submit = mmsim([...SWEEP, "--format", "csv", "--executor", other.url]);
  await submit.waitFor(/warning: worker \S+ refused run \S+: it needs mmsim .* \(commit \w+ vs 0123456789ab\)/);
  assert.match(
    stranger.stderr,
    /refusing run \S+ \(lock-contention from \S+\): it needs .* \(commit \w+ vs 0123456789ab\)/,
  );
  assert.ok(
    (await keys(other.url)).some((k) => k.includes(":run-")),
    "the run's jobs wait in Redis",
  );
  submit.child.kill("SIGINT");
  const r = await submit.exited;
  assert.equal(r.signal, "SIGINT", "the process ends by the signal, after withdrawing its jobs");
  assert.equal(submit.stdout, "");
  assert.match(submit.stderr, /cancelled by SIGINT: its 9 unfinished replications are withdrawn/);
  assert.deepEqual(await keysLeft(other.url), []);

  // SIGTERM mid-run, with a worker that takes the jobs.
  const good = await worker(other.url);
  const slow = mmsim([...SLOW, "--format", "csv", "--executor", other.url]);
  await good.waitFor(/done p\d+/);
  slow.child.kill("SIGTERM");
  assert.equal((await slow.exited).signal, "SIGTERM");
  assert.equal(slow.stdout, "");
  assert.deepEqual(await keysLeft(other.url), []);
  await good.waitFor(/run \S+ ended/, { since: 0 });
});

test("Redis stopped mid-run fails the run with a clear message and no output", async () => {
  const doomed = await redis();
  await worker(doomed.url);
  const submit = mmsim([...SLOW, "--format", "csv", "--executor", doomed.url]);
  await submit.waitFor(/replications of lock-contention queued/);
  doomed.process.kill("SIGKILL");
  const r = await submit.exited;
  assert.equal(r.code, 1, submit.stderr);
  assert.equal(submit.stdout, "");
  assert.match(
    submit.stderr,
    /mmsim experiment: lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+ \(.*\) and it did not come back within 5 s; run \S+ failed after \d+ of 6 replications, and nothing was written\n/,
  );
  assert.doesNotMatch(submit.stderr, /\n\s+at /, "no stack trace");
});

test("bad executor URLs and a wrong password fail naming the problem, never the password", async () => {
  const bad = await run([...SWEEP, "--executor", "http://x:1"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /option --executor: "http:\/\/x:1" is not allowed; expected redis:\/\//);
  const wrong = await run([...SWEEP, "--executor", `redis://:nope@127.0.0.1:${server.port}`]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: .*(WRONGPASS|invalid)/);
  assert.doesNotMatch(wrong.stderr, /nope/);
  assert.equal(wrong.stdout, "");
  assert.deepEqual(parseRedisUrl("rediss://alice:p%40ss@cache.internal:6380/2"), {
    host: "cache.internal",
    port: 6380,
    username: "alice",
    password: "p@ss",
    db: 2,
    tls: true,
    display: "rediss://alice:***@cache.internal:6380/2",
  });
  assert.equal(redactText("at redis://u:pw@h:1 and rediss://:x@y"), "at redis://u:***@h:1 and rediss://:***@y");
  await assert.rejects(startRedisServer({ binary: "/nonexistent/redis-server" }), { message: REDIS_MISSING });
});

test("shards merged print exactly what the one run prints, in each format; --out writes the same", async () => {
  // In this process through cli(), to spare a dozen node start-ups; the commands also run as processes below.
  for (const [format, n] of [
    ["csv", 3],
    ["json", 2],
    ["table", 4],
  ] as const) {
    const args = [...SWEEP, "--format", format, "--workers", "1"];
    const whole = await cli(args);
    const parts = Array.from({ length: n }, (_, k) => path.join(OUT, `${format}-part-${k + 1}.json`));
    for (const [k, p] of parts.entries())
      assert.deepEqual(await cli([...args, "--shard", `${k + 1}/${n}`, "--out", p]), { code: 0, stdout: "" });
    assert.deepEqual(await cli(["merge", ...[...parts].reverse()]), whole, format);
    const file = path.join(OUT, `merged.${format}`);
    assert.deepEqual(await cli(["merge", ...parts, "--out", file]), { code: 0, stdout: "" });
    assert.equal(fs.readFileSync(file, "utf8"), whole.stdout);
  }
  const csvParts = [1, 2, 3].map((k) => path.join(OUT, `csv-part-${k}.json`));
  const [local, merged] = await Promise.all([run([...SWEEP, "--format", "csv"]), run(["merge", ...csvParts])]);
  assert.equal(merged.code, 0, merged.stderr);
  assert.equal(merged.stdout, local.stdout, "the commands as processes");
  const part = readPart(path.join(OUT, "csv-part-2.json"));
  assert.deepEqual(
    part.results.map((r) => r.job),
    [1, 4, 7],
    "job i goes to shard (i mod N) + 1",
  );
});

test("merge refuses parts of different runs or code, and missing or duplicate shards, naming what differs", async () => {
  const files = [1, 2, 3].map((k) => path.join(OUT, `csv-part-${k}.json`));
  const parts = files.map((file) => ({ file, part: readPart(file) }));
  const edit = (k: number, f: (p: PartFile) => void) => {
    const copy = parts.map((p) => ({ file: p.file, part: structuredClone(p.part) }));
    f(copy[k].part);
    return copy;
  };
  const refuse = (ps: Array<{ file: string; part: PartFile }>, message: RegExp) =>
    assert.throws(() => checkParts(ps), { name: "PartError", message });
  checkParts(parts);
  refuse(parts.slice(0, 2), /shard 3\/3 is missing \(given: 1, 2\)/);
  refuse([...parts, parts[1]], /shard 2\/3 is given twice: .*csv-part-2\.json and .*csv-part-2\.json/);
  refuse(
    edit(1, (p) => (p.experiment = "pt-free")),
    /the experiments differ: .*has lock-contention, .* has pt-free/,
  );
  refuse(
    edit(2, (p) => (p.params.threads = [2, 4, 16])),
    /the parameters differ: .*threads=\[2,4,8\].*threads=\[2,4,16\]/,
  );
  refuse(
    edit(1, (p) => (p.seedBase = 7)),
    /the seeds differ: .* has 3 seeds from 1, .* has 3 seeds from 7/,
  );
  refuse(
    edit(1, (p) => (p.format = "json")),
    /the output formats differ/,
  );
  refuse(
    edit(1, (p) => (p.build.commit = "f".repeat(40))),
    /the code that computed them differ: .*\(commit \w+ vs ffffffffffff\)/,
  );
  refuse(
    edit(1, (p) => (p.build.version = "9.9.9")),
    /version \d+\.\d+\.\d+ vs 9\.9\.9/,
  );
  refuse(
    edit(1, (p) => p.results.pop()),
    /csv-part-2\.json: does not hold exactly the replications of shard 2\/3/,
  );

  // The command: exit 2 and the message, nothing on stdout.
  const r = await run(["merge", files[0], files[2]]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^mmsim merge: cannot merge: shard 2\/3 is missing/);
  const foreign = path.join(OUT, "foreign-part.json");
  fs.writeFileSync(
    foreign,
    JSON.stringify({ ...parts[1].part, build: { ...parts[1].part.build, commit: "e".repeat(40) } }),
  );
  const stale = await run(["merge", files[0], foreign, files[2]]);
  assert.equal(stale.code, 2);
  assert.match(stale.stderr, /the code that computed them differ/);
  // All parts from other code than the merging mmsim's.
  const alien = files.map((f, k) => {
    const p = readPart(f);
    const file = path.join(OUT, `alien-part-${k + 1}.json`);
    fs.writeFileSync(file, JSON.stringify({ ...p, build: { ...p.build, version: "0.0.1" } }));
    return file;
  });
  const other = await run(["merge", ...alien]);
  assert.equal(other.code, 2);
  assert.match(
    other.stderr,
    /cannot merge: the parts were computed by mmsim 0\.0\.1, .*; merge with the checkout that computed them/,
  );
});

test("a worker checks every job as outside input: registered experiment of its run, complete valid parameters", () => {
  const params = { threads: 2, thinkNs: 1000, holdNs: 100, acquisitions: 2000 };
  const job = { experiment: "lock-contention", point: 0, params, seed: 1, detail: false };
  assert.deepEqual(checkJob({ index: 0, job }, "lock-contention"), job);
  const refused = (data: unknown, message: RegExp, experiment = "lock-contention") =>
    assert.throws(() => checkJob(data, experiment), { message });
  refused("rm -rf /", /not an mmsim replication/);
  refused(
    { index: 0, job: { ...job, experiment: "pt-free" } },
    /names experiment "pt-free", its run is 'lock-contention'/,
  );
  refused({ index: 0, job: { ...job, experiment: "evil" } }, /not registered/, "evil");
  refused(
    { index: 0, job: { ...job, params: { ...params, threads: 1e9 } } },
    /parameter 'threads': 1000000000 is out of range/,
  );
  refused({ index: 0, job: { ...job, params: { ...params, code: "process.exit()" } } }, /unknown parameter 'code'/);
  refused(
    { index: 0, job: { ...job, params: { ...params, threads: "2" } } },
    /parameter 'threads' is missing or not a single checked value/,
  );
  const { holdNs: _holdNs, ...partial } = params;
  refused({ index: 0, job: { ...job, params: partial } }, /parameter 'holdNs' is missing/);
  refused({ index: 0, job: { ...job, seed: -1 } }, /seed -1 is not a non-negative integer/);
});
