/**
 * Eviction from the oldest generation (mm/vmscan.c, Linux 6.6: evict_folios -> isolate_folios -> scan_folios ->
 * sort_folio / isolate_folio, then shrink_folio_list's reference check). Read in the 6.6.8 tree of
 * syslab-CAU/ScaleSwap @83341de3 (linux-6.6.8/mm/vmscan.c); torvalds/linux @538d5baa differs in isolate_folios
 * (for_each_evictable_type, type by the sum of all tiers), sort_folio (refs + workingset), and evict_folios
 * (evictable_min_seq), none of which ChromeOS ran on 6.6.
 *
 * isolate_folios picks the type: anon if its min_seq trails file's, file first at swappiness 1, anon at 200, else
 * the PID controller (get_type_to_scan); if the chosen type yields nothing it tries the other. scan_folios takes
 * folios from the tail of that type's min_seq list: it returns 0 when only MIN_NR_GENS generations remain (D15); a
 * folio the walk or look-around promoted (its flag says a younger generation) is re-filed at the head of that list;
 * one whose fd-access tier is above the controller's tier_idx, or that refaulted as workingset (refs 4), is
 * protected into the next generation (protected[tier - 1] counts it); the rest are isolated (refs kept only if
 * PG_referenced; PG_referenced cleared), up to MIN_LRU_BATCH per call and MAX_LRU_BATCH looked at.
 * For each isolated folio shrink_folio_list keeps it if the walk or look-around marked it referenced meanwhile
 * ("folio_update_gen() tried to promote"), else asks folio_referenced (mapped folios only; read() page cache has no
 * mapping); a referenced folio goes back as PG_active, i.e. to max_seq ("don't add rejected folios to the oldest
 * generation"); the rest are freed: anon swapped out to zram (try_to_unmap, and for guest memory KVM drops the SPTE
 * through mmu_notifier_invalidate_range_start), file dropped clean; the shadow entry records min_seq and refs
 * (lru_gen_eviction). Writeback is synchronous here (zram, clean page cache), so a folio is freed in the same pass.
 * Cost to the reclaiming task: scanFolioNs per folio looked at, shrinkFolioNs per isolated folio, swapOutNs per anon
 * folio written out.
 */
import { InvariantViolation } from "../../../sim/invariant";
import {
  LRU_GEN_ANON,
  LRU_GEN_FILE,
  lru_gen_from_seq,
  lru_tier_from_refs,
  LRU_REFS_WIDTH,
  MAX_LRU_BATCH,
  MAX_NR_TIERS,
  MAX_SWAPPINESS,
  MIN_LRU_BATCH,
  MIN_NR_GENS,
} from "./constants";
import { LRU_REFS_FLAGS, PG_active, PG_referenced } from "./lruvec";
import type { Mglru } from "./mglru";
import { get_tier_idx, get_type_to_scan } from "./pid-controller";
import { folio_referenced } from "./rmap";
import { folio_lru_refs } from "./tiers";

/** What one evict_folios call did. */
export interface EvictResult {
  /** Its return value: folios scanned (+1 if min_seq advanced), 0 when only MIN_NR_GENS generations remain. */
  scanned: number;
  /** Folios freed. */
  reclaimed: number;
  /** Folios isolated and put through shrink_folio_list (what sc->nr_scanned counts). */
  isolated: number;
  /** The type isolate_folios scanned (type_scanned). */
  type: number;
}

const isolatedBuf = new Int32Array(MIN_LRU_BATCH);

/**
 * scan_folios on one type: fills `out` with isolated folios and returns [scanned, isolated]; scanned is 0 when the
 * generation ran empty without isolating anything (the caller then tries the other type and lets min_seq advance),
 * and when the type is down to MIN_NR_GENS generations (6.6's guard: never evict from max_seq - 1).
 */
export function scan_folios(m: Mglru, type: number, tier: number, out: Int32Array): [number, number] {
  const lv = m.lruvec;
  if (lv.get_nr_gens(type) === MIN_NR_GENS) return [0, 0];
  const gen = lru_gen_from_seq(lv.minSeq[type]);
  let remaining = MAX_LRU_BATCH;
  let scanned = 0;
  let isolated = 0;
  for (let f = lv.tailOf(gen, type); f >= 0; f = lv.tailOf(gen, type)) {
    scanned++;
    if (!sort_folio(m, f, gen, type, tier)) {
      isolate_folio(m, f);
      out[isolated++] = f;
    }
    if (--remaining === 0 || isolated >= MIN_LRU_BATCH) break;
  }
  m.stats.scanned += scanned;
  m.costNs += scanned * m.costs.scanFolioNs;
  return [isolated > 0 || remaining === 0 ? scanned : 0, isolated];
}

/** sort_folio (6.6): re-files a promoted folio, or protects one by its tier; returns true if it did either. */
export function sort_folio(m: Mglru, f: number, minGen: number, type: number, tierIdx: number): boolean {
  const lv = m.lruvec;
  const gen = lv.gen[f];
  // promoted
  if (gen !== minGen) {
    lv.moveToHead(f, gen);
    return true;
  }
  // protected
  const refs = folio_lru_refs(lv, f);
  const tier = lru_tier_from_refs(refs);
  if (tier > tierIdx || refs === 1 << LRU_REFS_WIDTH) {
    const newGen = lv.folio_inc_gen(f);
    lv.moveToTail(f, newGen);
    lv.protected[type * MAX_NR_TIERS + tier - 1]++;
    m.stats.protectedByTier++;
    return true;
  }
  return false;
}

/**
 * isolate_folio (6.6): off the LRU; "see the comment on MAX_NR_TIERS": without PG_referenced the refs and
 * LRU_REFS_FLAGS go; then PG_referenced is cleared for shrink_folio_list.
 */
export function isolate_folio(m: Mglru, f: number): void {
  const lv = m.lruvec;
  if ((lv.flags[f] & PG_referenced) === 0) {
    lv.refs[f] = 0;
    lv.flags[f] &= ~LRU_REFS_FLAGS;
  }
  lv.flags[f] &= ~PG_referenced;
  lv.delFolio(f);
}

/**
 * isolate_folios (6.6): the obvious choice first (anon when its min_seq trails, file at swappiness 1, anon at 200),
 * else get_type_to_scan; scan that type and, if it yields nothing, the other. Returns [scanned, isolated, type].
 */
export function isolate_folios(m: Mglru, swappiness: number, out: Int32Array): [number, number, number] {
  const lv = m.lruvec;
  let type: number;
  let tier = -1;
  if (lv.minSeq[LRU_GEN_ANON] < lv.minSeq[LRU_GEN_FILE]) type = LRU_GEN_ANON;
  else if (swappiness === 1) type = LRU_GEN_FILE;
  else if (swappiness === MAX_SWAPPINESS) type = LRU_GEN_ANON;
  else ({ type, tier } = get_type_to_scan(lv, swappiness));
  let scanned = 0;
  let isolated = 0;
  for (let i = 0; i < 2; i++) {
    if (tier < 0) tier = get_tier_idx(lv, type);
    [scanned, isolated] = scan_folios(m, type, tier, out);
    if (scanned) break;
    type = 1 - type;
    tier = -1;
  }
  return [scanned, isolated, type];
}

/** evict_folios (6.6): one batch from min_seq through the reference check to swap-out or dropping. */
export function evict_folios(m: Mglru, swappiness = m.swappiness): EvictResult {
  const lv = m.lruvec;
  const [scannedFolios, n, type] = isolate_folios(m, swappiness, isolatedBuf);
  if (n > 0) {
    if (type === LRU_GEN_FILE) m.stats.fileBatches++;
    else m.stats.anonBatches++;
  }
  let scanned = scannedFolios;
  if (lv.try_to_inc_min_seq()) scanned++;
  if (lv.get_nr_gens(LRU_GEN_ANON) === MIN_NR_GENS) scanned = 0;
  let reclaimed = 0;
  for (let i = 0; i < n; i++) {
    const f = isolatedBuf[i];
    m.stats.isolated++;
    m.costNs += m.costs.shrinkFolioNs;
    // shrink_folio_list: "folio_update_gen() tried to promote this page?" keeps a mapped folio without an rmap
    // walk; otherwise folio_check_references (folio_referenced finds nothing for unmapped page cache)
    const mapped = m.as.present[f] === 1;
    const keep = (mapped && (lv.flags[f] & PG_referenced) !== 0) || folio_referenced(m, f) > 0;
    if (keep) {
      m.stats.referenced++;
      // set_mask_bits(&folio->flags, LRU_REFS_MASK | LRU_REFS_FLAGS, BIT(PG_active)), then lru_gen_add_folio
      lv.refs[f] = 0;
      lv.flags[f] = (lv.flags[f] & ~LRU_REFS_FLAGS) | PG_active;
      lv.lru_gen_add_folio(f);
      m.record("activate", `folio ${f}`);
      continue;
    }
    evictFolio(m, f);
    reclaimed++;
  }
  return { scanned, reclaimed, isolated: n, type };
}

/** Frees an isolated folio: unmap (PTE and any SPTE), swap out anon or drop clean file, leave the shadow. */
function evictFolio(m: Mglru, f: number): void {
  const as = m.as;
  const lv = m.lruvec;
  if (as.present[f] === 1) {
    const mm = as.mmOf(f);
    as.unmapPte(f);
    if (mm.notifier !== null) mm.notifier.invalidate(f);
  } else if (as.kindOf(f) !== "pagecache") {
    throw new InvariantViolation("lru_gen", m.now, `folio ${f} isolated for eviction but not mapped`);
  }
  if (lv.type[f] === LRU_GEN_ANON) m.costNs += m.costs.swapOutNs;
  m.workingset.lru_gen_eviction(lv, f);
  lv.refs[f] = 0;
  lv.flags[f] = 0;
  m.stats.evicted++;
  m.record("evict", `folio ${f}`);
  m.onEvict(f);
}
