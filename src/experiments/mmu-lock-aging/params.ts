/**
 * Parameters of `mmu-lock-aging`. Sources: the mechanisms file is ../shared/reference/mechanisms-aging-rwlock.md
 * (Argument A); message ids are on lore.kernel.org/r/<id>. Values without a source say "assumption" and the notebook
 * sweeps them.
 */
import { choice, integer, real } from "../params";

const MECH = "mechanisms-aging-rwlock.md A4";
const JAMES_ARM64 =
  "James Houghton's arm64 run, quoted in <CAOUHufYc3hr-+fp14jgEkDN++v6t-z-PRf1yQdKtnje6SgLiiA@mail.gmail.com>";

export const mmuLockAgingParams = {
  workload: choice({
    choices: ["reclaim", "access-tracking", "split"] as const,
    default: "reclaim",
    description:
      "reclaim: kswapd and the direct reclaimers alternate an aging walk of agingBatchPages pages with evicting evictBatchPages folios " +
      "(try_to_shrink_lruvec). access-tracking: like access_tracking_perf_test -l -p, aging threads walk the whole guest " +
      "(vcpus x pagesPerVcpu pages) again and again while the vCPUs run, and nothing is evicted. split: kswapd only evicts " +
      "and the direct reclaimers only age, so the eviction writers' load stays fixed while the aging readers grow with D.",
    source: `${MECH}; access_tracking_perf_test as in ${JAMES_ARM64}`,
  }),
  agingLock: choice({
    choices: ["write", "read", "lockless", "faults-only"] as const,
    default: "write",
    description:
      "How aging consults KVM: under mmu_lock for write (arm64 mainline kvm_age_gfn), for read (James's relaxation, v4-v6), " +
      "without the lock (RCU walk, CONFIG_KVM_MMU_LOCKLESS_AGING), or not at all (faults-only: only vCPU faults and unmaps take the lock).",
    source: "arch/arm64/kvm/mmu.c; " + MECH,
  }),
  lockKind: choice({
    choices: ["qrwlock", "reader-pref"] as const,
    default: "qrwlock",
    description: "mmu_lock's implementation: the queued rwlock arm64 uses, or a reader-preferring rwlock for contrast.",
    source: "arch/arm64/Kconfig (ARCH_USE_QUEUED_RWLOCKS); kernel/locking/qrwlock.c",
  }),
  vcpus: integer({
    unit: "count",
    default: 32,
    min: 1,
    max: 256,
    description: "vCPUs, each on its own CPU, taking stage-2 faults under the read lock.",
    source: `access_tracking_perf_test -v 32 in ${JAMES_ARM64}`,
  }),
  reclaimers: integer({
    unit: "count",
    default: 4,
    min: 0,
    max: 128,
    description:
      "Direct reclaimers (D) running beside kswapd, each on its own CPU. In access-tracking, extra aging threads beside the first.",
    source: `${MECH} (D = 0-64); default: assumption`,
  }),
  pagesPerVcpu: integer({
    unit: "pages",
    default: 1024,
    min: 1,
    max: 262_144,
    description:
      "Guest memory per vCPU in 4 KiB pages, scaled down (262144 = 1 GiB); sets agingPassMs and the access-tracking walk. agingNsPerPage does not depend on it.",
    source: "scaled down from 1 GiB/vCPU in " + JAMES_ARM64,
  }),
  agingPageNs: real({
    unit: "ns",
    default: 30,
    min: 1,
    max: 100_000,
    description: "Walking and test/clearing one stage-2 entry with no contention, ns (the per-page base cost).",
    source:
      "derived: x86 1 vCPU, 1 GiB, 8.2 ms per pass = 31 ns/page, <20240529180510.2295118-1-jthoughton@google.com>; " +
      MECH,
  }),
  pagesPerAgingCall: integer({
    unit: "pages",
    default: 1,
    min: 1,
    max: 512,
    description:
      "Pages per clear_young notifier call, i.e. per mmu_lock acquisition while aging (1: walk_pte_range calls it per PTE; 512: per PMD).",
    source: "mm/vmscan.c with commit 1d4832becdc2 (per present PTE); mechanisms-aging-rwlock.md B2",
  }),
  agingBatchPages: integer({
    unit: "pages",
    default: 512,
    min: 0,
    max: 1_000_000,
    description: "reclaim: pages each aging walk covers per round, before the round's eviction.",
    source: "assumption: one PTE table per round",
  }),
  evictBatchPages: integer({
    unit: "pages",
    default: 64,
    min: 1,
    max: 4096,
    description: "reclaim: folios evicted per round.",
    source: "MIN_LRU_BATCH = 64, include/linux/mmzone.h",
  }),
  faultIntervalUs: real({
    unit: "us",
    default: 50,
    min: 0.1,
    max: 1e7,
    description:
      "Mean guest run time between stage-2 faults per vCPU (exponential), us: the reader arrival rate is vcpus / faultIntervalUs.",
    source:
      "assumption: no fault rate is published for these runs; 50 us is a round value in the range where the model's write/read " +
      "aging cost at 32 vCPUs comes near the published 5.4x (so the speedup is calibrated, not predicted); the notebook sweeps 20-200 us",
  }),
  faultHoldNs: real({
    unit: "ns",
    default: 2000,
    min: 1,
    max: 1e7,
    description: "Mean read hold of a stage-2 fault (lognormal, holdCv).",
    source: `assumption: 1-5 us, ${MECH}`,
  }),
  unmapHoldNs: real({
    unit: "ns",
    default: 2000,
    min: 1,
    max: 1e7,
    description: "Mean write hold of an unmap, stage-2 TLB invalidation included (lognormal, holdCv).",
    source: `assumption: 1-5 us, ${MECH}`,
  }),
  invalidateEndHoldNs: real({
    unit: "ns",
    default: 100,
    min: 0,
    max: 1e6,
    description: "Write hold of kvm_mmu_notifier_invalidate_range_end (kvm_mmu_invalidate_end, a counter update).",
    source: "assumption (from memory of virt/kvm/kvm_main.c, 6.6)",
  }),
  holdCv: real({
    unit: "fraction",
    default: 0.5,
    min: 0.01,
    max: 5,
    description: "Coefficient of variation of the lognormal fault, unmap and page-out times.",
    source: "assumption",
  }),
  pageoutNs: real({
    unit: "ns",
    default: 2000,
    min: 0,
    max: 1e8,
    description: "Mean page-out work per evicted folio outside mmu_lock (lognormal, holdCv).",
    source: "assumption",
  }),
  reclaimIdleUs: real({
    unit: "us",
    default: 0,
    min: 0,
    max: 1e7,
    description:
      "Mean pause between a reclaimer's rounds (exponential), us; 0 reclaims back to back (pathological reclaim).",
    source: "assumption",
  }),
  lineTransferNs: real({
    unit: "ns",
    default: 60,
    min: 0,
    max: 10_000,
    description:
      "Moving mmu_lock's cache line to another CPU, ns: the cost of an atomic after another CPU's and of each queued hand-off.",
    source: "assumption: same-socket transfer, src/kernel/cpu/cacheline.ts defaults",
  }),
  durationMs: real({
    unit: "ms",
    default: 5,
    min: 0.01,
    max: 10_000,
    description: "Simulated time measured after warm-up, ms.",
    source: "assumption: enough for stable p99s at the defaults",
  }),
  warmupMs: real({
    unit: "ms",
    default: 2,
    min: 0,
    max: 10_000,
    description:
      "Simulated time before measuring, ms (reclaimers start at random points of their rounds; at high D a round can take milliseconds).",
    source: "assumption: checked against 4x longer runs in the notebook",
  }),
};

export type MmuLockAgingParams = typeof mmuLockAgingParams;
