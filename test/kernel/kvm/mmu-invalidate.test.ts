import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../../src/sim/simulation";
import { Histogram } from "../../../src/sim/stats/histogram";
import { RandomStreams } from "../../../src/sim/random";
import { AnonAddressSpace } from "../../../src/kernel/mm/anon-address-space";
import { MmuGatherPages } from "../../../src/kernel/mm/mmu-gather-pages";
import { MmuNotifierSubscriptions } from "../../../src/kernel/mm/mmu-notifier";
import { SecondaryFaultStats } from "../../../src/kernel/mm/secondary-fault";
import { SecondaryTlb } from "../../../src/kernel/mm/secondary-tlb";
import { zap_page_range_single } from "../../../src/kernel/mm/zap";
import { KvmMmuInvalidate, kvm_tdp_page_fault } from "../../../src/kernel/kvm/mmu-invalidate";

// 6.6 (kvm_main.c kvm_mmu_invalidate_begin(kvm, start, end), kvm_host.h mmu_invalidate_retry_hva): the model used
// 6.8's split begin/range_add and INVALID_GPA before; with one memslot both decide alike.
test("mmu_invalidate_retry_hva: in progress over the hva, or a changed sequence, means retry", () => {
  const kvm = new KvmMmuInvalidate(new Simulation(), "kvm", { ops: [], calloutNs: 0, perPageNs: 0, sptes: null });
  assert.equal(kvm.mmu_invalidate_retry_hva(0, 5), false);
  kvm.kvm_mmu_invalidate_begin(10, 20);
  assert.deepEqual([kvm.mmu_invalidate_range_start, kvm.mmu_invalidate_range_end], [10, 20]);
  kvm.kvm_mmu_invalidate_begin(2, 4); // a second invalidation merges into one min/max window
  assert.deepEqual(
    [kvm.mmu_invalidate_range_start, kvm.mmu_invalidate_range_end, kvm.mmu_invalidate_in_progress],
    [2, 20, 2],
  );
  assert.equal(kvm.mmu_invalidate_retry_hva(0, 5), true); // inside the merged window, though neither range covers it
  assert.equal(kvm.mmu_invalidate_retry_hva(0, 25), false);
  kvm.kvm_mmu_invalidate_end(2, 4);
  assert.equal(kvm.mmu_invalidate_retry_hva(0, 25), true); // the sequence moved on
  assert.equal(kvm.mmu_invalidate_retry_hva(1, 25), false);
  kvm.kvm_mmu_invalidate_end(10, 20);
  assert.equal(kvm.mmu_invalidate_retry_hva(2, 5), false); // none in progress: the stale window does not count
  kvm.kvm_mmu_invalidate_begin(30, 40); // the first one in progress again: the window restarts at its range
  assert.deepEqual([kvm.mmu_invalidate_range_start, kvm.mmu_invalidate_range_end], [30, 40]);
  assert.equal(kvm.mmu_invalidate_retry_hva(2, 5), false);
  kvm.kvm_mmu_invalidate_end(30, 40);
  assert.throws(() => kvm.kvm_mmu_invalidate_end(30, 40), /went negative/);
});

test("a vCPU fault during an invalidation retries until range_end, then once more for the changed sequence", () => {
  const sim = new Simulation({ trace: true });
  const mm = new AnonAddressSpace(sim, "mm", 4);
  mm.populate();
  const sptes = new SecondaryTlb("kvm sptes", 4, 4, new RandomStreams(1).stream("v"), false);
  mm.secondary.push(sptes);
  mm.strict = true;
  const kvm = new KvmMmuInvalidate(sim, "kvm", {
    ops: ["invalidate_range_start", "invalidate_range_end"],
    calloutNs: 10,
    perPageNs: 1,
    sptes,
  });
  const notifiers = new MmuNotifierSubscriptions(sim);
  notifiers.register(kvm);
  const gather = new MmuGatherPages(notifiers, mm, 100, { tlbFlushNs: 100, freePageNs: 1 });
  const stats = new SecondaryFaultStats();
  sim.spawn("zap", function* (self) {
    yield* zap_page_range_single(
      { sim, scheme: "range", notifiers, gather, mm, zapPteNs: 10, ptlHoldNs: new Histogram() },
      self,
      0,
      4,
    );
  });
  sim.spawn("vcpu", function* (self) {
    yield 3;
    yield* kvm_tdp_page_fault(
      { kvm, sptes, mm, timing: { preWalkNs: 2, walkToInsertNs: 4, cpuFaultNs: 5 }, stats },
      self,
      2,
    );
  });
  sim.run();
  assert.deepEqual(sim.trace!.lines(), [
    "0 zap zap_begin [0,4)",
    "0 zap invalidate_range_start kvm [0,4)",
    "0 zap acquired-write kvm mmu_lock", // in_progress = 1, sptes zapped, f + 4c = 14 ns
    "3 vcpu miss 2",
    "5 vcpu gup 2=p3 seq0",
    "9 vcpu wait kvm mmu_lock",
    "9 vcpu head-spinning kvm mmu_lock",
    "14 zap release kvm mmu_lock",
    "14 vcpu acquired-read kvm mmu_lock",
    "14 zap acquired ptl0",
    "14 vcpu release kvm mmu_lock",
    "14 vcpu RET_PF_RETRY 2", // in progress over gfn 2
    "16 vcpu gup 2=p3 seq0",
    "20 vcpu acquired-read kvm mmu_lock",
    "20 vcpu release kvm mmu_lock",
    "20 vcpu RET_PF_RETRY 2",
    "22 vcpu gup 2=p3 seq0",
    "26 vcpu acquired-read kvm mmu_lock",
    "26 vcpu release kvm mmu_lock",
    "26 vcpu RET_PF_RETRY 2",
    "28 vcpu gup 2=p3 seq0",
    "32 vcpu acquired-read kvm mmu_lock",
    "32 vcpu release kvm mmu_lock",
    "32 vcpu RET_PF_RETRY 2",
    "34 vcpu gup 2=p3 seq0",
    "38 vcpu acquired-read kvm mmu_lock",
    "38 vcpu release kvm mmu_lock",
    "38 vcpu RET_PF_RETRY 2",
    "40 vcpu gup 2=p3 seq0",
    "44 vcpu acquired-read kvm mmu_lock",
    "44 vcpu release kvm mmu_lock",
    "44 vcpu RET_PF_RETRY 2", // the zap cleared the PTE at 44; the pin kept p3 allocated until this unpin
    "51 vcpu wait ptl0", // pte_none: handle_mm_fault waits for the zapper's PT lock
    "54 zap release ptl0",
    "54 vcpu acquired ptl0",
    "54 zap invalidate_range_end kvm [0,4)",
    "54 zap acquired-write kvm mmu_lock",
    "54 vcpu release ptl0",
    "54 vcpu gup 2=p5 seq0",
    "58 vcpu wait kvm mmu_lock",
    "58 vcpu head-spinning kvm mmu_lock",
    "64 zap release kvm mmu_lock", // seq = 1, in_progress = 0
    "64 vcpu acquired-read kvm mmu_lock",
    "64 zap tlb_flush [0,4)",
    "64 vcpu release kvm mmu_lock",
    "64 vcpu RET_PF_RETRY 2", // nothing in progress now, but the sequence moved on
    "66 vcpu gup 2=p5 seq1",
    "70 vcpu acquired-read kvm mmu_lock",
    "70 vcpu map_spte 2=p5",
    "70 vcpu release kvm mmu_lock",
    "164 zap free_pages 4",
    "168 zap zap_end [0,4)",
  ]);
  assert.deepEqual([stats.retries, stats.heldOff, stats.cpuFaults], [7, 6, 1]);
  assert.equal(stats.latencyNs.max, 67);
  assert.equal(mm.staleTranslations, 0);
  assert.equal(sptes.lookup(2), 5);
});
