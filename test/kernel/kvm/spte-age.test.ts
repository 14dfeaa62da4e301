// KVM's SPTE Accessed bits behind the aging notifiers (virt/kvm/kvm_main.c 6.6).
import { test } from "node:test";
import assert from "node:assert/strict";
import { SpteAge } from "../../../src/kernel/kvm/spte-age";

test("a guest access sets the A bit only through a present SPTE; a fault installs it young", () => {
  const k = new SpteAge(8, 250);
  assert.equal(k.guestAccess(3), false, "no SPTE: a KVM page fault");
  k.installSpte(3);
  assert.equal(k.young[3], 1);
  assert.equal(k.clear_young(3), true);
  assert.equal(k.clear_young(3), false);
  assert.equal(k.guestAccess(3), true);
  assert.equal(k.clear_flush_young(3), true);
  assert.equal(k.flushes, 1);
  assert.equal(k.clear_flush_young(3), false);
  assert.equal(k.flushes, 1, "no flush when the SPTE was old");
  assert.equal(k.ageCalls, 4);
  assert.equal(k.ageCostNs, 1000);
});

test("an invalidation zaps the SPTE: later accesses fault again", () => {
  const k = new SpteAge(4);
  k.installSpte(1);
  k.invalidate(1);
  k.invalidate(1);
  assert.equal(k.zaps, 1);
  assert.equal(k.present[1], 0);
  assert.equal(k.young[1], 0);
  assert.equal(k.guestAccess(1), false);
  k.resetCounters();
  assert.equal(k.zaps + k.ageCalls + k.flushes, 0);
});
