/**
 * mmsim's kernel pieces, as `import { QueuedSpinlock, CacheLine, Topology, Rcu } from "mmsim/kernel"`: every
 * primitive and model piece a user would compose into an experiment of their own. Each file follows one kernel
 * source file and names it (and the commit it was checked against) in its first lines, e.g. qrwlock.ts:
 * kernel/locking/qrwlock.c at torvalds/linux @0d3001e2690a.
 *
 * MGLRU is a namespace (`mglru.Mglru`, `mglru.walk_mm`, ...): its files reuse names of the flat exports
 * (MmStruct, PTRS_PER_PTE, evict_folios). A kernel file that is not exported here fails test/kernel/face.test.ts.
 */

// locks: queued spinlock, queued rwlock, reader-preferring rwlock, rwsem, seqcount
export * from "./locking/lock-stats";
export * from "./locking/per-node-spinlock";
export * from "./locking/qrwlock";
export * from "./locking/qspinlock";
export * from "./locking/reader-holds";
export * from "./locking/rwlock-reader-pref";
export * from "./locking/rwlock-timed";
export * from "./locking/rwsem";
export * from "./locking/seqcount";

// CPUs, IPIs, cache lines, socket topology
export * from "./cpu/cacheline";
export * from "./cpu/cpu";
export * from "./cpu/topology";

// RCU: read-side sections, grace periods, call_rcu, synchronize_rcu
export * from "./rcu/tree";

// the scheduler: cond_resched, the NUMA level's placement of a process's threads (5.11-5.17)
export * from "./sched/cond-resched";
export * from "./sched/numa-imbalance";

// mm: the zap loop, MMU notifiers, mmu_gather, gup_fast, TLB shootdown, maple tree, mmap/VMA locks, faults, reclaim
export * from "./mm/anon-address-space";
export * from "./mm/fault";
export * from "./mm/gup-fast";
export * from "./mm/lru-gen-folio";
export * from "./mm/lru-gen-mm-state";
export * from "./mm/maple-tree";
export * from "./mm/mglru-reclaim-lock-traffic";
export * from "./mm/mmap-lock";
export * from "./mm/mmu-gather-pages";
export * from "./mm/mmu-gather-table-free";
export * from "./mm/mmu-notifier";
export * from "./mm/mmu-interval-notifier";
export * from "./mm/page-alloc-pcplist";
export * from "./mm/page-alloc-slowpath";
export * from "./mm/page-alloc-watermarks";
export * from "./mm/pagevec-lru-add";
export * from "./mm/secondary-fault";
export * from "./mm/secondary-tlb";
export * from "./mm/tlb-shootdown";
export * from "./mm/vma-lock";
export * from "./mm/vmscan-kswapd";
export * from "./mm/zap";

// KVM: mmu_lock, stage-2 faults, notifier aging and invalidation, SPTE Accessed bits
export * from "./kvm/kvm-unmap-gfn-range";
export * from "./kvm/kvm-vm";
export * from "./kvm/mmu-invalidate";
export * from "./kvm/mmu-lock";
export * from "./kvm/mmu-notifier-aging";
export * from "./kvm/mmu-notifier-invalidate";
export * from "./kvm/spte-age";
export * from "./kvm/stage2-fault";

// drivers: the SGI GRU's device TLB
export * from "./drivers/sgi-gru/grufault";
export * from "./drivers/sgi-gru/grutlbpurge";
export * from "./drivers/hmm-mirror";

// Names two files export alike (the same value): one of them, explicitly.
export { PTRS_PER_PTE } from "./mm/anon-address-space";

// MGLRU (mm/vmscan.c lru_gen_*, mm/workingset.c), as one namespace
export * as mglru from "./faces/mglru";
