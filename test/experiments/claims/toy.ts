/**
 * A tiny deterministic experiment for the claim tests: `value` is gain x level plus seed noise (known exactly), and
 * it counts every scenario call so tests can see how often a run really ran.
 */
import { defineExperiment } from "../../../src/experiments/experiment";
import { choice, integer, real } from "../../../src/experiments/params";

export const toyParams = {
  level: integer({ unit: "count", default: 1, min: 0, max: 100_000, description: "x", source: "test" }),
  gain: real({ unit: "fraction", default: 1, min: 0, max: 100, description: "y", source: "test" }),
  variant: choice({ choices: ["a", "b"] as const, default: "a", description: "z", source: "test" }),
  noise: real({ unit: "fraction", default: 0.1, min: 0, max: 10, description: "seed noise", source: "test" }),
};

export const calls = { n: 0 };

/** The seed noise: +-1 alternating around zero mean, scaled. */
export const noiseOf = (seed: number) => (seed % 2 === 0 ? 1 : -1) * ((seed % 3) + 1);

export const toy = defineExperiment({
  id: "toy",
  title: "toy",
  thread: "test",
  kernel: "none",
  params: toyParams,
  observables: {
    value: { unit: "ns", description: "gain x level + noise" },
    count: { unit: "count", description: "level, but NaN for variant b on seed 2" },
    p99: { unit: "ns", description: "a quantile of `samples` values", samples: "p99Samples" },
  },
  scenario(p, seed) {
    calls.n++;
    const bump = p.variant === "b" ? 1.5 : 1;
    return {
      values: {
        value: p.gain * p.level * bump + p.noise * noiseOf(seed),
        count: p.variant === "b" && seed === 2 ? NaN : p.level,
        p99: p.level * 2,
        p99Samples: 100 * seed,
      },
    };
  },
  claims: [],
});
