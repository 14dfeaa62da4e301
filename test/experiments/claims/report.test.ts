// The report forms: one JSON object, text that fits 72 columns, Markdown; the command that reproduces them.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  claimsMarkdown,
  claimsReport,
  claimsText,
  evaluateClaims,
  reproduceCommand,
  wrap,
} from "../../../src/experiments/claims/index";
import {
  atLeast,
  crossover,
  defineClaim,
  never,
  observable,
  overCases,
} from "../../../src/experiments/claims/vocabulary";
import { defineExperiment } from "../../../src/experiments/experiment";
import { toy, toyParams } from "./toy";

const info = { version: "9.9.9", commit: "0123456789abcdef0123456789abcdef01234567", dirty: true };
const LONG = "Antidisestablishmentarianism-style-hyphenated-identifier-that-is-far-longer-than-seventy-two-columns";

const claims = [
  defineClaim(
    { params: toyParams },
    {
      id: "scales",
      who: "A person with a rather long name and affiliation (Some Very Large Company, Inc.) | pipe",
      values: { levels: [1, 2, 4, 8, 16], threshold: 6 },
      statement: (v) =>
        `The value reaches ${v.threshold} from some level on, over ${v.levels.join(", ")}; ${LONG} appears ` +
        "in the statement to test that words longer than a line are cut, and this sentence goes on and on.",
      runs: (v) => ({ sweep: { level: v.levels, noise: 0.01 } }),
      test: (r, v) =>
        overCases("each gain", [1], () =>
          crossover("level", v.levels, (level) => atLeast(observable(r.sweep, "value", { level }), v.threshold)),
        ),
      expected: "depends",
    },
  ),
  defineClaim(
    { params: toyParams },
    {
      id: "never-negative",
      who: "B",
      values: {},
      statement: () => "The count is never nonzero at level 0.",
      runs: () => ({ zero: { level: 0 } }),
      test: (r) => never(observable(r.zero, "count", {})),
      expected: "holds",
      note: "A note that is long enough to need wrapping across more than one line of the seventy-two columns.",
    },
  ),
];
const exp = defineExperiment({ ...toy, id: "toy-report", claims });

test("JSON: one object with experiment, version, commit, seeds and each claim's deciding numbers", async () => {
  const list = await evaluateClaims(exp, { seeds: 3, seedBase: 5, workers: 1 });
  const r = claimsReport(list, info);
  assert.equal(r.experiment, "toy-report");
  assert.equal(r.version, "9.9.9");
  assert.equal(r.commit, info.commit);
  assert.equal(r.dirty, true);
  assert.deepEqual(r.seeds, [5, 6, 7]);
  assert.deepEqual(r.command, ["npx mmsim claims toy-report --seeds 3 --seed-base 5"]);
  const [c] = r.claims;
  assert.deepEqual([c.id, c.verdict, c.expected, c.rule], ["scales", "depends", "depends", "one-rule"]);
  assert.equal(c.numbers.length, 5);
  assert.deepEqual(
    c.numbers.map((n) => [n.case, n.verdict]),
    [
      ["1 / level=1", "fails"],
      ["1 / level=2", "fails"],
      ["1 / level=4", "fails"],
      ["1 / level=8", "holds"],
      ["1 / level=16", "holds"],
    ],
  );
  assert.equal(c.numbers[3].threshold, 6);
  assert.equal(c.numbers[3].n, 3);
  assert.equal(c.crossovers[0].after, 4);
  assert.equal(c.crossovers[0].before, 8);
  // JSON-safe: no NaN anywhere (they become null), and it round-trips.
  const text = JSON.stringify(r);
  assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(JSON.parse(text))));
  assert.doesNotMatch(text, /NaN/);
  assert.throws(() => claimsReport([]), /no verdicts/);
  // Two experiments in one list: the ids as a list, one command each.
  const other = await evaluateClaims(defineExperiment({ ...exp, id: "toy-other" }), {
    seeds: 3,
    seedBase: 5,
    workers: 1,
  });
  const both = claimsReport([...list, ...other], info);
  assert.deepEqual(both.experiment, ["toy-report", "toy-other"]);
  assert.equal(both.command.length, 2);
});

test("text: every line at most 72 columns; who, verdict, numbers with CIs and seeds; footer with version, commit, seeds, command", async () => {
  const list = await evaluateClaims(exp, { seeds: 3, seedBase: 5, workers: 1, base: { noise: 0.5, gain: 1 } });
  const text = claimsText(list, { info });
  for (const line of text.split("\n")) assert.ok(line.length <= 72, `${line.length} columns: ${line}`);
  assert.match(text, /^scales: DEPENDS$/m);
  assert.match(text, /^ {2}who: A person with a rather long name/m);
  assert.match(text, /^never-negative: HOLDS$/m);
  assert.match(text, /7\.99 ± 0\.052 ns, 3 seeds: holds/);
  assert.match(text, /crossover: fails at level=4, holds from level=8/);
  assert.equal(claimsReport(list, info).claims[0].crossovers[0].case, "1", "a crossover names the case it sits in");
  assert.match(text, /mmsim 9\.9\.9, commit 0123456789ab \(modified\); seeds 5-7/);
  // Overrides that differ from the defaults are part of the command (gain 1 is the default: left out).
  assert.match(text, /npx mmsim claims toy-report --seeds 3 --seed-base 5 --noise 0\.5\n/);
  assert.ok(text.replace(/\n\s*/g, "").includes(LONG), "a long word is cut across lines, not dropped");
  const narrow = claimsText(list, { info, width: 40 });
  for (const line of narrow.split("\n")) assert.ok(line.length <= 40, `${line.length} columns: ${line}`);
  // The command wraps as a shell continuation.
  assert.match(narrow, / \\\n {4}/);
});

test("markdown: a table with escaped pipes and the same footer", async () => {
  const list = await evaluateClaims(exp, { seeds: 3, seedBase: 5, workers: 1 });
  const md = claimsMarkdown(list, { info });
  assert.match(md, /^\| claim \| who \| verdict \| deciding numbers/m);
  assert.match(md, /\(Some Very Large Company, Inc\.\) \\\| pipe/);
  assert.match(md, /\*\*depends\*\*/);
  assert.match(md, /```sh\nnpx mmsim claims toy-report --seeds 3 --seed-base 5\n```/);
  // Every table row has the four cells.
  for (const row of md.split("\n").filter((l) => l.startsWith("| **")))
    assert.equal(row.replace(/\\\|/g, "").split("|").length, 6, row);
});

test("reproduceCommand names --claim, parameters and quotes what the shell would split", () => {
  const cmd = reproduceCommand(
    [
      {
        experiment: "x",
        id: "a",
        who: "",
        statement: "",
        expected: "holds",
        verdict: "holds",
        rule: "one-rule",
        detail: "",
        seeds: [1, 2],
        base: { policy: "walk notify", cpus: 4 },
        only: ["a"],
        evidence: {},
      },
    ],
    "x",
  );
  assert.equal(cmd, "npx mmsim claims x --seeds 2 --seed-base 1 --policy 'walk notify' --cpus 4 --claim a");
});

test("wrap keeps words, cuts words longer than a line, and indents", () => {
  assert.deepEqual(wrap("aa bb cc", 5), ["aa bb", "cc"]);
  assert.deepEqual(wrap("aa bb", 10, "> ", "  "), ["> aa bb"]);
  assert.deepEqual(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
  assert.deepEqual(wrap("", 10, "x"), ["x"]);
});
