/** The claim of `lock-contention`: the simulated finite-source queue agrees with its closed form. */
import { defineClaim, observable, overCases, pairedRatio, within } from "../claims/vocabulary";
import { lockContentionParams } from "./params";

export const matchesClosedForm = defineClaim(
  { params: lockContentionParams },
  {
    id: "matches-closed-form",
    who: "queueing theory (finite-source M/M/1)",
    values: { threads: [2, 8, 32], holdNs: [100, 400], tolerance: 0.02 },
    statement: (v) =>
      `The simulated mean wait agrees with the closed form within ${100 * v.tolerance}% at every sweep point ` +
      `(threads ${v.threads.join(", ")} x holdNs ${v.holdNs.join(", ")}): the 95% CI of the per-seed ratio ` +
      `simulated / exact lies inside [${1 - v.tolerance}, ${1 + v.tolerance}].`,
    runs: (v) => ({ sweep: { threads: v.threads, holdNs: v.holdNs } }),
    test: (r, v) =>
      overCases(
        "every sweep point",
        v.threads.flatMap((threads) => v.holdNs.map((holdNs) => ({ threads, holdNs }))),
        (at) =>
          within(
            pairedRatio(observable(r.sweep, "meanWaitNs", at), observable(r.sweep, "exactMeanWaitNs", at), {
              label: "simulated / exact mean wait",
            }),
            1 - v.tolerance,
            1 + v.tolerance,
          ),
      ),
    expected: "holds",
  },
);

export const lockContentionClaims = [matchesClosedForm];
