/**
 * Aging (mm/vmscan.c, Linux 6.6): when to open a new generation (should_run_aging), and doing it
 * (try_to_inc_max_seq: walk every mm's page tables, then inc_max_seq), from the reclaim path or proactively
 * (run_aging, the `+ memcg_id node_id seq can_swap force_scan` command of /sys/kernel/debug/lru_gen).
 * Read in the 6.6.8 tree of syslab-CAU/ScaleSwap @83341de3 (linux-6.6.8/mm/vmscan.c should_run_aging,
 * get_nr_to_scan, try_to_inc_max_seq); torvalds/linux @538d5baa (6.14+) aims at MIN_NR_GENS + 1 generations
 * without the young/old balance and lets inc_max_seq fail.
 * should_run_aging counts both types from min_seq[!can_swap], which with swap on is min_seq[anon], the trailing one.
 */
import { ANON_AND_FILE, LRU_GEN_ANON, MAX_NR_GENS, MIN_NR_GENS, lru_gen_from_seq } from "./constants";
import type { Mglru } from "./mglru";
import { should_skip_mm, walk_mm, type MmWalk } from "./walk";

export interface AgingDecision {
  /** Whether to age now. */
  run: boolean;
  /** Folios in the live generations (the caller scans total >> priority); 0 when out of cold folios. */
  total: number;
}

/**
 * should_run_aging, 6.6: forced when only MIN_NR_GENS generations remain (no cold folios left); not needed with
 * four; with three, needed if the youngest holds more than half of all folios or the oldest less than a quarter.
 */
export function should_run_aging(m: Mglru): AgingDecision {
  const lv = m.lruvec;
  const minSeq = lv.minSeq[LRU_GEN_ANON];
  if (minSeq + MIN_NR_GENS > lv.maxSeq) return { run: true, total: 0 };
  let young = 0;
  let old = 0;
  let total = 0;
  for (let type = 0; type < ANON_AND_FILE; type++) {
    for (let seq = lv.minSeq[type]; seq <= lv.maxSeq; seq++) {
      const size = Math.max(lv.sizeOf(lru_gen_from_seq(seq), type), 0);
      total += size;
      if (seq === lv.maxSeq) young += size;
      else if (seq + MIN_NR_GENS === lv.maxSeq) old += size;
    }
  }
  if (minSeq + MIN_NR_GENS < lv.maxSeq) return { run: false, total };
  if (young * MIN_NR_GENS > total) return { run: true, total };
  if (old * (MIN_NR_GENS + 2) < total) return { run: true, total };
  return { run: false, total };
}

/**
 * try_to_inc_max_seq: ages `maxSeq` once (a second caller for the same seq fails, as the mm_state seq check makes
 * concurrent reclaimers share one walk). With MM_WALK, each mm is walked (iterate_mm_list hands out every mm once
 * per seq, resetting the Bloom filter the walk fills); without it, iterate_mm_list_nowalk only bumps the seq.
 * Then inc_max_seq opens the new generation. Returns success.
 */
export function try_to_inc_max_seq(m: Mglru, maxSeq: number, forceScan: boolean): boolean {
  if (maxSeq <= m.mmStateSeq) return false;
  if (m.config.mmWalk) {
    const walk: MmWalk = { maxSeq, forceScan };
    m.bloom.reset(maxSeq + 1);
    for (const mm of m.as.mms) {
      if (should_skip_mm(mm, walk)) continue;
      walk_mm(m, mm, walk);
    }
  }
  m.mmStateSeq = maxSeq;
  m.lruvec.inc_max_seq();
  m.stats.agingPasses++;
  m.record("inc_max_seq", `max_seq ${m.lruvec.maxSeq} min_seq ${m.lruvec.minSeq.join("/")}`);
  return true;
}

/**
 * run_aging (the lru_gen debugfs interface): -ERANGE (returns false) if all generations are in use and force_scan
 * is off; with force_scan, inc_max_seq makes room by folding the oldest generation into the next (inc_min_seq).
 */
export function run_aging(m: Mglru, forceScan: boolean): boolean {
  const lv = m.lruvec;
  if (!forceScan && lv.minSeq[LRU_GEN_ANON] + MAX_NR_GENS - 1 <= lv.maxSeq) return false;
  return try_to_inc_max_seq(m, lv.maxSeq, forceScan);
}
