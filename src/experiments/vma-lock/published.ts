/**
 * The published numbers this experiment compares against (data/published/vma-lock.csv), for notebooks and tests:
 * Mel Gorman's pft table as elapsed times and speedups over one thread.
 */
import { loadPublished as loadPublishedCsv, type PublishedRow } from "../published";

export type { PublishedRow };

export interface PftPoint {
  threads: number;
  elapsedS: number;
  /** Elapsed at 1 thread over elapsed at `threads`, same kernel. */
  speedup: number;
  source: string;
}

/** Every row of data/published/vma-lock.csv. */
export function loadPublished(): PublishedRow[] {
  return loadPublishedCsv("vma-lock");
}

/** Mel's pft table for one kernel ("baseline" or "SPF"), with speedups over its own 1-thread time. */
export function pftCurve(kernel: "baseline" | "SPF", rows = loadPublished()): PftPoint[] {
  const pts = rows
    .filter((r) => r.quantity === `pft elapsed ${kernel}`)
    .map((r) => ({ threads: Number(/^(\d+) thread/.exec(r.conditions)?.[1]), elapsedS: r.value, source: r.source }))
    .sort((a, b) => a.threads - b.threads);
  const one = pts.find((p) => p.threads === 1);
  if (!one) throw new Error(`vma-lock: no 1-thread pft time for ${kernel}`);
  return pts.map((p) => ({ ...p, speedup: one.elapsedS / p.elapsedS }));
}
