/**
 * The walk's Bloom filters (lru_gen_mm_state.filters in mm/vmscan.c: get_item_key, test_bloom_filter,
 * update_bloom_filter, reset_bloom_filter, read at torvalds/linux @538d5baacd8a; Linux 6.6 has the same functions,
 * the stored copy is newer and unchanged here): which PTE tables (PMD entries) the next aging walk should visit.
 * Two filters of 2^15 bits alternate by seq: the walk of seq tests filters[seq % 2] and fills
 * filters[(seq + 1) % 2]; lru_gen_look_around adds to max_seq's. A filter never allocated passes everything (the
 * first walk visits every table); iterate_mm_list resets filters[(seq + 1) % 2] when it hands out the first mm.
 *
 * Keys: get_item_key splits hash_ptr(pmd, 30) into two 15-bit keys. The item here is the PTE table's index; we
 * hash an address-like value (index * 8, as a pmd_t pointer would step) with hash_32's golden-ratio multiply (the
 * kernel's hash_ptr is hash_long, i.e. hash_64 on 64-bit: a different but equally arbitrary spread). Not modelled:
 * reset_bloom_filter's bitmap_zalloc(__GFP_HIGH | __GFP_NOMEMALLOC | __GFP_NOWARN) may fail, leaving no filter.
 */
import { BLOOM_FILTER_SHIFT, NR_BLOOM_FILTERS } from "./constants";

const BITS = 1 << BLOOM_FILTER_SHIFT;
const GOLDEN_RATIO_32 = 0x61c88647;

/** get_item_key: two 15-bit keys from one 30-bit hash of the item. */
export function get_item_key(table: number): [number, number] {
  const hash = Math.imul((table * 8 + 0x1000) >>> 0, GOLDEN_RATIO_32) >>> (32 - 2 * BLOOM_FILTER_SHIFT);
  return [hash & (BITS - 1), hash >>> BLOOM_FILTER_SHIFT];
}

export class BloomFilters {
  private readonly filters: Array<Uint32Array | null> = new Array(NR_BLOOM_FILTERS).fill(null);

  /** test_bloom_filter: true if the table may have been marked for this seq (or the filter does not exist). */
  test(seq: number, table: number): boolean {
    const filter = this.filters[seq % NR_BLOOM_FILTERS];
    if (filter === null) return true;
    const [k0, k1] = get_item_key(table);
    return testBit(filter, k0) && testBit(filter, k1);
  }

  /** update_bloom_filter: marks the table for the walk of `seq`. */
  update(seq: number, table: number): void {
    const filter = this.filters[seq % NR_BLOOM_FILTERS];
    if (filter === null) return;
    const [k0, k1] = get_item_key(table);
    filter[k0 >>> 5] |= 1 << (k0 & 31);
    filter[k1 >>> 5] |= 1 << (k1 & 31);
  }

  /** reset_bloom_filter: clears (allocating on first use) the filter the walk of `seq` will read. */
  reset(seq: number): void {
    const i = seq % NR_BLOOM_FILTERS;
    const filter = this.filters[i];
    if (filter === null) this.filters[i] = new Uint32Array(BITS / 32);
    else filter.fill(0);
  }
}

function testBit(filter: Uint32Array, k: number): boolean {
  return (filter[k >>> 5] & (1 << (k & 31))) !== 0;
}
