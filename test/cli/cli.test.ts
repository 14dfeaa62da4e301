// The command line as users' scripts call it: exit codes, messages that name the bad input, output formats.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const BIN = path.resolve(__dirname, "../../../bin/mmsim.js");

function mmsim(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("experiment --help lists experiments; <id> --help lists parameters with unit, default, range, description", () => {
  const list = mmsim("experiment", "--help");
  assert.equal(list.code, 0);
  assert.match(list.stdout, /lock-contention\s+K threads, one FIFO mutex/);
  const help = mmsim("experiment", "lock-contention", "--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--holdNs <number>\s+default 100 ns; a number in \[1, 1000000000000\] ns/);
  assert.match(help.stdout, /Mean hold time, exponential\. \[source: \.\.\/shared\/bench\/README\.md\]/);
  assert.match(help.stdout, /meanWaitNs \(ns\)/);
});

test("json output is one object {experiment, params, rows}; a comma list sweeps", () => {
  const r = mmsim(
    "experiment",
    "lock-contention",
    "--threads",
    "2,4",
    "--acquisitions",
    "2000",
    "--seeds",
    "2",
    "--format",
    "json",
  );
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.experiment, "lock-contention");
  assert.deepEqual(out.params.threads, [2, 4]);
  assert.equal(out.rows.length, 2);
  assert.equal(typeof out.rows[0].meanWaitNs, "number");
  assert.equal(typeof out.rows[0].meanWaitNsCi95, "number");
});

test("csv output has a header and a line per sweep point; kebab-case names work too", () => {
  const r = mmsim(
    "experiment",
    "lock-contention",
    "--hold-ns",
    "50,100,200",
    "--acquisitions",
    "1000",
    "--seeds",
    "2",
    "--format",
    "csv",
  );
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines.length, 4);
  assert.match(lines[0], /^threads,thinkNs,holdNs,acquisitions,meanWaitNs,meanWaitNsCi95,/);
});

test("a multiplicative range sweeps", () => {
  const r = mmsim(
    "experiment",
    "lock-contention",
    "--threads",
    "1:16:x2",
    "--acquisitions",
    "500",
    "--seeds",
    "2",
    "--format",
    "json",
  );
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).params.threads, [1, 2, 4, 8, 16]);
});

test("bad input exits 2 naming the parameter and what is allowed, and prints no results", () => {
  const cases: Array<[string[], RegExp]> = [
    [["experiment", "nope"], /unknown experiment 'nope'; experiments: lock-contention/],
    [["experiment", "lock-contention", "--thraeds", "3"], /unknown parameter 'thraeds' \(did you mean 'threads'\?\)/],
    [
      ["experiment", "lock-contention", "--threads", "many"],
      /parameter 'threads': expected a number, got "many"; allowed: an integer count in \[1, 4096\]/,
    ],
    [
      ["experiment", "lock-contention", "--threads", "0"],
      /parameter 'threads': 0 is out of range; allowed: an integer count in \[1, 4096\]/,
    ],
    [["experiment", "lock-contention", "--holdNs", "NaN"], /parameter 'holdNs': expected a number, got "NaN"/],
    [["experiment", "lock-contention", "--threads", ""], /parameter 'threads': an empty value sweeps nothing/],
    [["experiment", "lock-contention", "--threads", "2,x"], /parameter 'threads': expected a number, got "x"/],
    [
      ["experiment", "lock-contention", "--seeds", "0"],
      /option --seeds: "0" is not allowed; expected an integer in \[1, 10000\]/,
    ],
    [
      ["experiment", "lock-contention", "--format", "xml"],
      /option --format: 'xml' is not allowed; expected table, json or csv/,
    ],
    [["experiment", "lock-contention", "--threads"], /option --threads needs a value/],
    [["bench", "lock", "--threads", "100"], /option --threads: "100" is not allowed; expected an integer in \[1, 64\]/],
    [["frobnicate"], /unknown command 'frobnicate'/],
  ];
  for (const [args, message] of cases) {
    const r = mmsim(...args);
    assert.equal(r.code, 2, `${args.join(" ")} exited ${r.code}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(" "));
    assert.equal(r.stdout, "", `${args.join(" ")} printed results`);
  }
});

test("bench lock --json prints one object with the documented fields", () => {
  const r = mmsim("bench", "lock", "--acquisitions", "20000", "--json");
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  for (const k of ["acquisitions", "simNs", "meanWaitNs", "wallS", "acqPerS", "peakRssMB"])
    assert.equal(typeof o[k], "number", k);
  assert.equal(o.acquisitions, 20000);
});

test("claims <id> --json (an alias of --format json) prints one report object", () => {
  const r = mmsim("claims", "lock-contention", "--seeds", "3", "--json");
  assert.equal(r.code, 0, r.stderr);
  const v = JSON.parse(r.stdout);
  assert.equal(v.experiment, "lock-contention");
  assert.deepEqual(v.seeds, [1, 2, 3]);
  assert.equal(v.claims[0].id, "matches-closed-form");
  assert.ok(["holds", "fails", "depends", "undecided"].includes(v.claims[0].verdict));
});

test("claims --format text fits 72 columns with a footer that reproduces it; markdown; a bad format is named", () => {
  const r = mmsim("claims", "spinlock-convoy", "--claim", "miss-outside", "--seeds", "2", "--format", "text");
  assert.equal(r.code, 0, r.stderr);
  for (const line of r.stdout.split("\n")) assert.ok(line.length <= 72, `${line.length} columns: ${line}`);
  assert.match(r.stdout, /^miss-outside: HOLDS$/m);
  assert.match(r.stdout, /^ {2}who: Matthew Wilcox/m);
  assert.match(r.stdout, /\d+\.\d+ ± [\d.]+, 2 seeds: holds/);
  assert.match(r.stdout, /^mmsim \d+\.\d+\.\d+, commit [0-9a-f]{12}/m);
  // The command may wrap as a shell continuation; as one line it is exact.
  assert.match(
    r.stdout.replace(/ \\\n\s+/g, " "),
    /\n {2}npx mmsim claims spinlock-convoy --seeds 2 --seed-base 1 --claim miss-outside\n/,
  );
  const md = mmsim("claims", "spinlock-convoy", "--claim", "miss-outside", "--seeds", "2", "--format", "markdown");
  assert.equal(md.code, 0, md.stderr);
  assert.match(md.stdout, /^\| \*\*miss-outside\*\*/m);
  const bad = mmsim("claims", "spinlock-convoy", "--format", "yaml");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--format must be one of table, text, markdown, json/);
  const param = mmsim("claims", "spinlock-convoy", "--claim", "miss-outside", "--seeds", "2", "--cpu", "4");
  assert.equal(param.code, 2);
  assert.match(param.stderr, /unknown option --cpu; .* or a parameter of spinlock-convoy: cpus/);
});
