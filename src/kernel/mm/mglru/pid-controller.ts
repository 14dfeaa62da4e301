/**
 * The refault feedback loop MGLRU uses to choose what to evict (mm/vmscan.c, Linux 6.6: struct ctrl_pos,
 * read_ctrl_pos, positive_ctrl_err, get_tier_idx, get_type_to_scan; reset_ctrl_pos is in lruvec.ts). Read in the
 * 6.6.8 tree of syslab-CAU/ScaleSwap @83341de3 (linux-6.6.8/mm/vmscan.c); the Dec 2024 rework in torvalds/linux
 * @538d5baa compares the sum of all tiers of anon with that of file and uses a 2:3 gain for tiers, and is not
 * what ChromeOS ran on 6.6.
 *
 * The P term is refaulted / (evicted + protected) of a tier in the generation being evicted; the I term is its
 * running average, halved each time min_seq moves. The setpoint is the first tier of one type; the process
 * variable is a tier of the other type, or another tier of the same type. 6.6 chooses the type by comparing tier 0
 * of anon (gain swappiness) with tier 0 of file (gain 200 - swappiness): anon is scanned unless its first tier
 * refaults more, relative to its gain, than file's. It then protects the tiers of the chosen type whose refault
 * rate exceeds the other type's first tier.
 */
import { LRU_GEN_ANON, LRU_GEN_FILE, MAX_NR_TIERS, MAX_SWAPPINESS, MIN_LRU_BATCH } from "./constants";
import type { Lruvec } from "./lruvec";

/** struct ctrl_pos. */
export interface CtrlPos {
  refaulted: number;
  total: number;
  gain: number;
}

/** read_ctrl_pos (6.6): one tier's refaulted and evicted (+ protected, above tier 0) with their averages. */
export function read_ctrl_pos(lv: Lruvec, type: number, tier: number, gain: number): CtrlPos {
  const i = type * MAX_NR_TIERS + tier;
  let total = lv.avgTotal[i] + lv.evicted[i];
  if (tier > 0) total += lv.protected[i - 1];
  return { refaulted: lv.avgRefaulted[i] + lv.refaulted[i], total, gain };
}

/**
 * positive_ctrl_err (6.6): true if the PV has few refaults (< MIN_LRU_BATCH) or a refault rate, weighted by the
 * gains, no higher than the SP's: pv.refaulted * (sp.total + 64) * sp.gain <= (sp.refaulted + 1) * pv.total * pv.gain.
 */
export function positive_ctrl_err(sp: CtrlPos, pv: CtrlPos): boolean {
  return (
    pv.refaulted < MIN_LRU_BATCH ||
    pv.refaulted * (sp.total + MIN_LRU_BATCH) * sp.gain <= (sp.refaulted + 1) * pv.total * pv.gain
  );
}

/**
 * get_tier_idx (6.6): the last tier of `type` to evict. Tier 0 is the SP with gain 1, each higher tier a PV with
 * gain 2 (a margin: any other tier would have at least twice the refaults); the first tier that refaults more
 * than that margin, and all above it, are protected.
 */
export function get_tier_idx(lv: Lruvec, type: number): number {
  const sp = read_ctrl_pos(lv, type, 0, 1);
  let tier = 1;
  for (; tier < MAX_NR_TIERS; tier++) {
    if (!positive_ctrl_err(sp, read_ctrl_pos(lv, type, tier, 2))) break;
  }
  return tier - 1;
}

/**
 * get_type_to_scan (6.6): anon's tier 0 (gain swappiness) as SP against file's tier 0 (gain 200 - swappiness) as
 * PV; positive error means scan file (returns LRU_GEN_FILE = 1), else anon. Then the other type's tier 0 is the SP
 * for the chosen type's tiers, which gives the last tier to evict.
 */
export function get_type_to_scan(lv: Lruvec, swappiness: number): { type: number; tier: number } {
  const gain = [swappiness, MAX_SWAPPINESS - swappiness];
  const type = positive_ctrl_err(
    read_ctrl_pos(lv, LRU_GEN_ANON, 0, gain[LRU_GEN_ANON]),
    read_ctrl_pos(lv, LRU_GEN_FILE, 0, gain[LRU_GEN_FILE]),
  )
    ? LRU_GEN_FILE
    : LRU_GEN_ANON;
  const sp = read_ctrl_pos(lv, 1 - type, 0, gain[1 - type]);
  let tier = 1;
  for (; tier < MAX_NR_TIERS; tier++) {
    if (!positive_ctrl_err(sp, read_ctrl_pos(lv, type, tier, gain[type]))) break;
  }
  return { type, tier: tier - 1 };
}
