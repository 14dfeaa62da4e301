/**
 * Comparisons the claims of thread 004 decide with (pt-free and spinlock-convoy): ratios of means backed by paired
 * differences on common random numbers, and relative closeness.
 */
import type { ParamSpecs } from "../params";
import type { ResultSet } from "../results";

type Match<S extends ParamSpecs> = Parameters<ResultSet<S>["stat"]>[1];

/** A number for claim details, three significant digits. */
export const fmt = (x: number, digits = 3): string =>
  Number.isFinite(x) ? Number(x.toPrecision(digits)).toString() : String(x);

export function meanOf<S extends ParamSpecs>(rs: ResultSet<S>, obs: string, m: Match<S>): number {
  return rs.stat(obs, m).mean;
}

/** a's mean is at least `ratio` x b's, and the paired difference a - b excludes zero. */
export function largerBy<S extends ParamSpecs>(
  rs: ResultSet<S>,
  obs: string,
  a: Match<S>,
  b: Match<S>,
  ratio: number,
): { ok: boolean; text: string } {
  const d = rs.difference(obs, a, b);
  const ma = meanOf(rs, obs, a);
  const mb = meanOf(rs, obs, b);
  const ok = ma >= ratio * mb && d.mean - (Number.isFinite(d.ci95) ? d.ci95 : 0) > 0;
  return { ok, text: `${fmt(ma)} vs ${fmt(mb)} (x${fmt(ma / mb)}, difference ${fmt(d.mean)} +- ${fmt(d.ci95)})` };
}

/** |mean a - mean b| <= tol x mean b. */
export function within<S extends ParamSpecs>(
  rs: ResultSet<S>,
  obs: string,
  a: Match<S>,
  b: Match<S>,
  tol: number,
): { ok: boolean; text: string } {
  const ma = meanOf(rs, obs, a);
  const mb = meanOf(rs, obs, b);
  return { ok: Math.abs(ma - mb) <= tol * mb, text: `${fmt(ma)} vs ${fmt(mb)} (${fmt((100 * (ma - mb)) / mb, 2)}%)` };
}
