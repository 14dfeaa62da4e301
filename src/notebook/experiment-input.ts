/** From a notebook's params object to one experiment's input: only the names that experiment declares. */
import type { Experiment } from "../experiments/experiment";
import type { ParamInput, ParamSpecs } from "../experiments/params";

/**
 * The entries of `params` that are parameters of `exp` (lists sweep), so one params object can feed several
 * experiments and notebook-level settings (seeds, workers) stay out.
 *
 * @example
 * const rs = await runExperiment(exp, { ...experimentInput(exp, params), threads: params.threadsSweep });
 */
export function experimentInput<S extends ParamSpecs>(
  exp: Experiment<S, any>,
  params: Record<string, unknown>,
): ParamInput<S> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(exp.params)) if (params[name] !== undefined) out[name] = params[name];
  return out as ParamInput<S>;
}
