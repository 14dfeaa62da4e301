/**
 * The claim vocabulary: what an experiment's claims.ts imports to state its thread's claims as data, decided by one
 * rule (rule.ts): a claim **holds** when the 95% CI of its measure lies wholly on the claimed side of its threshold,
 * **fails** when it lies wholly on the other side, is **undecided** otherwise, and **depends** when it holds in some
 * named cases and fails in others (with the crossover located when the cases are a sweep).
 *
 * - Measures (one value per seed): `observable`, `pairedRatio`, `pairedDifference`, `perSeed`.
 * - Checks: `atLeast`, `atMost`, `above`, `below`, `within`; counts by counterexample: `never`, `always`.
 * - Combinations: `allOf`, `anyOf`, `overCases` (every case, or some case), `crossover` (along a swept parameter).
 * - The escape for a claim the rule cannot state: `freeForm(verdict, why, measures)` (marked `rule: "free-form"`).
 * - `defineClaim(subject, spec)`: the claim as data.
 *
 * Import this module, not ./index: the evaluator imports the runner, which imports the registry, which imports every
 * experiment and its claims.
 *
 * ## Stating a claim that was decided by its own code
 *
 * Before the vocabulary, a claim was `{ id, who, statement, expected, evaluate(ctx) }`: it ran what it needed,
 * compared by its own rule and wrote its detail by hand. Every built-in claim has been restated, and the adapter
 * that ran such claims is gone: a claim is decided by the one rule (or marked free-form). To restate one of yours:
 *
 * 1. Keep its `id` and `who`. Collect every number of the statement and the code (thresholds, swept values, fixed
 *    parameters) into `values`, each under a name that says what it is (`highCpus`, `pileUpFactor`).
 * 2. Write `statement` as a function of `values`: no number in the text that is not a value.
 * 3. Move every `ctx.run(input)` into `runs`, by name. Runs with equal inputs are shared with other claims.
 * 4. Write `test` with the verbs: a ratio of means becomes a `pairedRatio` (per seed, on common random numbers), a
 *    "paired CI excluding 0" an `above(pairedDifference(...), 0)`, "within 5%" a `within(pairedRatio(...), 0.95,
 *    1.05)`, "zero on every seed" a `never(...)`, a sweep with a switch a `crossover`, "at every X" an `overCases`,
 *    "at some X" an `overCases(..., { quantifier: "some" })`. Compare CIs with the threshold, never bare means.
 * 5. Decide it on the test seeds (`npm test -- experiments/<id>`). Where the one rule changes the verdict, set
 *    `expected` to the new verdict and say why in `note` (old verdict and numbers, new ones), and in the notebook.
 *
 * @example
 * // Before: decided on two means, threshold written twice.
 * //   statement: "Taking the miss before the lock cuts the mean lock wait at 16 CPUs by at least half",
 * //   async evaluate(ctx) { const rs = await ctx.run({ cpus: 16, missPlacement: ["inside", "outside"] });
 * //     return { verdict: meanOf(rs, inside) >= 2 * meanOf(rs, outside) ? "holds" : "fails", ... }; }
 * // After:
 * const missOutside = defineClaim({ params: spinlockConvoyParams }, {
 *   id: "miss-outside",
 *   who: "Matthew Wilcox ('read A, take lock L, then read A')",
 *   values: { cpus: 16, missNs: 1000, cut: 2 },
 *   statement: (v) =>
 *     `Taking the same ${v.missNs} ns miss before the lock instead of inside it cuts the mean lock wait at ` +
 *     `${v.cpus} CPUs by at least ${v.cut}x (paired ratio inside / outside, 95% CI at or above ${v.cut}).`,
 *   runs: (v) => ({ placement: { cpus: v.cpus, missNs: v.missNs, missPlacement: ["inside", "outside"] } }),
 *   test: (r, v) =>
 *     atLeast(
 *       pairedRatio(r.placement, "lockWaitMeanNs", { missPlacement: "inside" }, { missPlacement: "outside" }),
 *       v.cut,
 *     ),
 *   expected: "holds",
 * });
 */
export * from "./rule";
export * from "./measures";
export * from "./checks";
export * from "./claim";
export { num, meanCi } from "./numbers";
