/**
 * A short traced run for the lock timeline: who waited for mmu_lock and who held it, for what (fault, aging,
 * unmap, invalidate-end), from the model's own trace (Trace.intervals()).
 */
import { Trace } from "../../sim/trace";
import { nsToMs } from "../../sim/time";
import { defaults, checkInput, type ParamInput } from "../params";
import { mmuLockAgingParams, type MmuLockAgingParams } from "./params";
import { runMmuLockModel, type Params } from "./model";

export interface LockInterval {
  /** The task: vcpuN, kswapd0, reclaimN. */
  who: string;
  /** Why it took the lock. */
  site: string;
  /** "wait" (from asking, cache line included, to holding) or "hold". */
  state: "wait" | "hold";
  /** Read or write side, from the site and the aging mode. */
  side: "read" | "write" | "none";
  startNs: number;
  endNs: number;
}

export interface LockTimeline {
  params: Params;
  seed: number;
  fromNs: number;
  toNs: number;
  intervals: LockInterval[];
  /** The trace hit its limit before the window ended. */
  truncated: boolean;
}

/**
 * Runs the model traced from 0 to `toNs` and returns the intervals that overlap [fromNs, toNs], clipped to it.
 * Parameters are checked as any run's are (single values only).
 */
export function lockTimeline(
  input: ParamInput<MmuLockAgingParams>,
  seed: number,
  fromNs: number,
  toNs: number,
  traceLimit = 200_000,
): LockTimeline {
  const plan = checkInput(mmuLockAgingParams, input as Record<string, unknown>);
  const p = { ...defaults(mmuLockAgingParams) } as Record<string, unknown>;
  for (const [k, v] of Object.entries(plan)) {
    if ((v as unknown[]).length !== 1) throw new RangeError(`lockTimeline: '${k}' must be a single value, not a sweep`);
    p[k] = (v as unknown[])[0];
  }
  const params = { ...(p as Params), warmupMs: 0, durationMs: nsToMs(toNs) };
  const trace = new Trace(traceLimit);
  runMmuLockModel(params, seed, { trace });
  const side = (site: string): LockInterval["side"] =>
    site === "fault"
      ? "read"
      : site === "aging"
        ? params.agingLock === "read"
          ? "read"
          : params.agingLock === "write"
            ? "write"
            : "none"
        : "write";
  const intervals: LockInterval[] = [];
  for (const iv of trace.intervals({ ask: "hold", hold: "release" })) {
    if (iv.end <= fromNs || iv.start >= toNs) continue;
    intervals.push({
      who: iv.who,
      site: iv.on,
      state: iv.state === "ask" ? "wait" : "hold",
      side: side(iv.on),
      startNs: Math.max(iv.start, fromNs),
      endNs: Math.min(iv.end, toNs),
    });
  }
  return { params, seed, fromNs, toNs, intervals, truncated: trace.truncated };
}
