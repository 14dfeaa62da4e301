/**
 * A zone's free pages and its watermarks (mm/page_alloc.c, Linux 6.6: calculate_min_free_kbytes,
 * __setup_per_zone_wmarks, and the order-0 test of __zone_watermark_ok). Read in the 6.6.8 tree of
 * syslab-CAU/ScaleSwap @83341de3 (linux-6.6.8/mm/page_alloc.c); the same code is in torvalds/linux since 5.18.
 *
 * min_free_kbytes = int_sqrt(lowmem_kbytes * 16), clamped to [128, 262144] (4096 MiB of RAM: 8192 kB); WMARK_MIN is
 * that in pages (one zone here: all of it); the kswapd distance is max(min / 4, managed * watermark_scale_factor /
 * 10000) (default scale factor 10, 0.1%); WMARK_LOW = min + distance, WMARK_HIGH = low + distance.
 * An order-0 allocation passes a watermark when free pages exceed it (no lowmem_reserve: one zone, no highatomic
 * reserve, no CMA). Not modelled: watermark boosting (no fragmentation events), per-cpu page lists.
 */
import type { WatermarkView } from "./mglru/reclaim";

/** calculate_min_free_kbytes (6.6). */
export function calculate_min_free_kbytes(lowmemKbytes: number): number {
  return Math.min(262144, Math.max(128, Math.floor(Math.sqrt(lowmemKbytes * 16))));
}

/** The three watermarks of a zone, pages. */
export interface Watermarks {
  min: number;
  low: number;
  high: number;
}

/** __setup_per_zone_wmarks (6.6) for a single lowmem zone of `managedPages` 4 KiB pages. */
export function setup_per_zone_wmarks(
  managedPages: number,
  minFreeKbytes: number,
  watermarkScaleFactor = 10,
): Watermarks {
  const min = minFreeKbytes >> 2; // pages_min = min_free_kbytes >> (PAGE_SHIFT - 10)
  const distance = Math.max(min >> 2, Math.floor((managedPages * watermarkScaleFactor) / 10000));
  return { min, low: min + distance, high: min + 2 * distance };
}

export class Zone implements WatermarkView {
  /** NR_FREE_PAGES. */
  free: number;
  readonly wmark: Watermarks;

  constructor(
    readonly managedPages: number,
    watermarkScaleFactor = 10,
    minFreeKbytes = calculate_min_free_kbytes(managedPages * 4),
  ) {
    this.free = managedPages;
    this.wmark = setup_per_zone_wmarks(managedPages, minFreeKbytes, watermarkScaleFactor);
  }

  /** __zone_watermark_ok for order 0: free pages above `mark`. */
  zone_watermark_ok(mark: number): boolean {
    return this.free > mark;
  }

  /** pgdat_balanced: free above WMARK_HIGH. */
  get balanced(): boolean {
    return this.free > this.wmark.high;
  }

  highWatermarkOk(extra: number): boolean {
    return this.free > this.wmark.high + extra;
  }
}
