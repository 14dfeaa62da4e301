// The walk's Bloom filters (lru_gen_mm_state.filters, mm/vmscan.c 6.6).
import { test } from "node:test";
import assert from "node:assert/strict";
import { BloomFilters, get_item_key } from "../../../../src/kernel/mm/mglru/bloom-filter";

test("a filter never allocated passes every table; reset allocates it empty; update marks for that seq only", () => {
  const b = new BloomFilters();
  assert.equal(b.test(5, 123), true);
  b.update(5, 123); // no filter yet: nothing to mark
  b.reset(6);
  assert.equal(b.test(6, 123), false);
  assert.equal(b.test(5, 123), true, "seq 5 uses the other, still unallocated, filter");
  b.update(6, 123);
  assert.equal(b.test(6, 123), true);
  assert.equal(b.test(8, 123), true, "seq 8 shares seq 6's filter (seq % 2)");
  b.reset(8);
  assert.equal(b.test(6, 123), false);
});

test("keys are two 15-bit halves of one hash, and nearby tables do not collide", () => {
  const seen = new Set<string>();
  for (let t = 0; t < 1000; t++) {
    const [a, c] = get_item_key(t);
    assert.equal(a >= 0 && a < 32768 && c >= 0 && c < 32768, true);
    seen.add(`${a}/${c}`);
  }
  assert.equal(seen.size, 1000);
  const b = new BloomFilters();
  b.reset(1);
  for (let t = 0; t < 100; t += 2) b.update(1, t);
  let falsePositives = 0;
  for (let t = 1; t < 100; t += 2) if (b.test(1, t)) falsePositives++;
  assert.equal(falsePositives, 0);
});
