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
      "reclaim: kswapd and D direct reclaimers run try_to_shrink_lruvec on the VM's lruvec: each round either ages (when " +
      "should_run_aging says so; iterate_mm_list lets one walker walk the VM's mm per generation, and whoever ends the mm list " +
      "opens the generation) or evicts a batch of evictBatchPages folios (folio_referenced -> lru_gen_look_around, then " +
      "try_to_unmap for the old ones). access-tracking: like access_tracking_perf_test -l -p, 1 + D threads write the lru_gen " +
      "debugfs aging command back to back (run_aging -> try_to_inc_max_seq) while the vCPUs run, and nothing is evicted. " +
      "split (new meaning since issue 11: the first model's D aging-only reclaimers cannot exist in the kernel): kswapd alone " +
      "reclaims as in reclaim, beside D proactive agers as in access-tracking, so the eviction load stays fixed while the aging " +
      "walks' readers come and go; the kernel still lets one walker at a time walk the VM (a walk overtaken by another's " +
      "generation finishes its chunk first).",
    source: `${MECH}; mm/vmscan.c (iterate_mm_list, try_to_inc_max_seq, run_aging); access_tracking_perf_test as in ${JAMES_ARM64}`,
  }),
  arch: choice({
    choices: ["arm64", "x86-tdp"] as const,
    default: "arm64",
    description:
      "The secondary MMU: arm64 stage 2 (arch/arm64/kvm/mmu.c, hyp/pgtable.c) or x86's TDP MMU (arch/x86/kvm/mmu/tdp_mmu.c). " +
      "Both take mmu_lock once per notifier call and never yield it while aging (kvm_age_gfn; kvm_tdp_mmu_handle_gfn does not " +
      "reschedule); they differ in where a long unmap yields it (stage2_apply_range per 1 GiB, tdp_mmu_iter_cond_resched per " +
      "leaf when contended), and in which lock modes exist: lockless aging is x86's merged series (CONFIG_KVM_MMU_LOCKLESS_AGING), " +
      "read-lock aging was arm64-only (James's v4-v6 patch); the other combinations are what-ifs.",
    source: "arch/arm64/kvm/mmu.c; arch/x86/kvm/mmu/tdp_mmu.c; <20240529180510.2295118-1-jthoughton@google.com>",
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
      "D, each on its own CPU: in reclaim, direct reclaimers beside kswapd; in access-tracking, debugfs aging threads beside " +
      "the first; in split, debugfs aging threads beside kswapd's reclaim.",
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
      "Pages per clear_young notifier call of the aging walk, i.e. per mmu_lock acquisition while walking (1: walk_pte_range " +
      "calls it per PTE; 512: per PMD). The rmap path's look-around calls it per PTE regardless.",
    source: "mm/vmscan.c with commit 1d4832becdc2 (per present PTE); mechanisms-aging-rwlock.md B2",
  }),
  agingBatchPages: integer({
    unit: "pages",
    default: 0,
    min: 0,
    max: 1_000_000,
    description:
      "Pages walk_mm covers between its checks whether another caller already finished its generation (new meaning since " +
      "issue 11; it was the pages each reclaimer walked per round, which the kernel does not do). walk_pud_range ends a " +
      "walk_page_range call with -EAGAIN at PUD boundaries (1 GiB: one vCPU's memory in the published runs), so 0 means one " +
      "PUD scaled like the guest: pagesPerVcpu pages.",
    source: "mm/vmscan.c walk_mm, walk_pud_range (need_resched or MAX_LRU_BATCH checked per PUD)",
  }),
  evictBatchPages: integer({
    unit: "pages",
    default: 64,
    min: 1,
    max: 4096,
    description: "Folios one evict_folios call isolates from min_seq (scan_folios stops at MIN_LRU_BATCH).",
    source: "MIN_LRU_BATCH = 64, include/linux/mmzone.h; mm/vmscan.c scan_folios",
  }),
  youngFraction: real({
    unit: "fraction",
    default: 0.2,
    min: 0,
    max: 1,
    description:
      "Chance a guest page is found young at a check (the aging walk's or the rmap path's): the guest touched it since its " +
      "Accessed bit was last cleared. Young folios at eviction are kept and their look-around window is checked too " +
      "(1 + up to 64 clear_young calls); the walk promotes young pages to the walked generation.",
    source: "assumption (the published runs give no access pattern); the notebook sweeps it",
  }),
  faultIntervalUs: real({
    unit: "us",
    default: 50,
    min: 0.1,
    max: 1e7,
    description:
      "Mean guest run time between stage-2 faults per vCPU (exponential), us: the reader arrival rate is vcpus / faultIntervalUs.",
    source:
      "assumption: no fault rate is published; 50 us was the first model's round value near its calibration of the 5.4x. The " +
      "published -p runs fault every 4 KiB page in once while aging (1 GiB per vCPU), which implies wall / 262144 per fault " +
      "cycle: 11.6 us (arm64, 32 vCPUs), 12.7 us (x86, 32), 32.4 us (x86, 112). calibration.ts maps the region of fault " +
      "intervals consistent with the published numbers; the notebook sweeps 5-5000 us",
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
    description:
      "Mean write hold of an unmap (all of its unmapPages pages), stage-2 TLB invalidation included (lognormal, holdCv).",
    source: `assumption: 1-5 us, ${MECH}`,
  }),
  invalidateEndHoldNs: real({
    unit: "ns",
    default: 100,
    min: 0,
    max: 1e6,
    description: "Write hold of kvm_mmu_notifier_invalidate_range_end (kvm_mmu_invalidate_end, a counter update).",
    source:
      "assumption (virt/kvm/kvm_main.c: on_lock = kvm_mmu_invalidate_end, a null handler; the hold is unpublished)",
  }),
  unmapPages: integer({
    unit: "pages",
    default: 1,
    min: 1,
    max: 1_000_000,
    description:
      "Pages one invalidate_range_start unmaps (try_to_unmap: one folio). Longer ranges yield mmu_lock where the kernel " +
      "does: arm64 stage2_apply_range between 1 GiB chunks (262144 pages), x86 tdp_mmu_iter_cond_resched before each leaf " +
      "after the first, both only when someone waits (cond_resched_rwlock_write).",
    source:
      "arch/arm64/kvm/mmu.c stage2_apply_range; arch/x86/kvm/mmu/tdp_mmu.c tdp_mmu_zap_leafs; kernel/sched/core.c",
  }),
  walkInterferenceFraction: real({
    unit: "fraction",
    default: 0.012,
    min: 0,
    max: 1,
    description:
      "How much longer a vCPU's guest run takes while an aging walk over its VM's memory is in flight (the walk's cache, TLB " +
      "and memory-bandwidth interference), as a fraction; counted in vcpuInterferenceFraction and vcpuWallLostFraction, not in " +
      "vcpuTimeLostFraction (mmu_lock only).",
    source:
      "calibration: x86 lockless aging, which takes no mmu_lock, cost the vCPUs +1.2% at 32 vCPUs (3.36 vs 3.32 s) and +4.7% at " +
      "112 (8.90 vs 8.50 s) with a walk running all along, <20240529180510.2295118-1-jthoughton@google.com>; 0.012 is the " +
      "32-vCPU value; the notebook sweeps 0-0.05",
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
      "Moving mmu_lock's cache line to another CPU, ns: the cost of an atomic or a read after another CPU's write. Every atomic " +
      "of the qrwlock's fast and slow paths (cnts and wait_lock share the line) is charged on it.",
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
