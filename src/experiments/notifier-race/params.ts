/**
 * Parameters of `notifier-race`. Sources: ../shared/reference/mechanisms-notifiers-vma-rcu.md, Argument C
 * (lore:<id> = https://lore.kernel.org/r/<id>).
 */
import { choice, flag, integer, real } from "../params";
import { zapAndDeviceParams } from "../notifier-cost/params";
import { paramRules } from "../rules";
import { usToNs } from "../../sim/time";

export const RACE_PROTOCOLS = [
  "flush-at-start",
  "start-end-block",
  "kvm-seq-retry",
  "invalidate-range-ptl",
  "invalidate-page-after-ptl",
  "interval-notifier",
] as const;
export type RaceProtocol = (typeof RACE_PROTOCOLS)[number];

/** Protocols whose design must never leave a stale translation (strict mode makes one an invariant violation). */
export const SAFE_PROTOCOLS: ReadonlySet<RaceProtocol> = new Set<RaceProtocol>([
  "start-end-block",
  "kvm-seq-retry",
  "invalidate-range-ptl",
  "interval-notifier",
]);

export const notifierRaceParams = {
  protocol: choice({
    choices: RACE_PROTOCOLS,
    default: "start-end-block",
    description:
      "flush-at-start: GRU flushes at range_start, fills not held off; start-end-block: GRU's ms_range_active holds fills off until range_end; " +
      "kvm-seq-retry: KVM's mmu_invalidate_seq/in_progress and RET_PF_RETRY; invalidate-range-ptl: the device flushes only from invalidate_range, at each mmu_gather flush under the PT lock; " +
      "invalidate-page-after-ptl: per-page invalidate_page after the PT lock is dropped (3.17-4.12, removed 2017); " +
      "interval-notifier: mmu_interval_notifier (5.5+, amdgpu, nouveau, HMM): read_begin waits out invalidations, the fill re-checks mmu_interval_read_retry under the driver lock the invalidate callback takes to set the seq and flush.",
    source:
      "lore:Pine.LNX.4.64.0802051400200.14665@schroedinger.engr.sgi.com; lore:20170831211738.17922-1-jglisse@redhat.com; virt/kvm/kvm_main.c (6.6); mm/mmu_notifier.c mmu_interval_read_begin (torvalds/linux @c2818c9a); Documentation/mm/hmm.rst (@12117083)",
  }),
  faultRatePerSec: real({
    unit: "per-s",
    default: 200_000,
    min: 1,
    max: 1e8,
    description:
      "Device faults (secondary TLB misses, or KVM EPT violations) per second, Poisson, on uniformly random pages the device does not hold.",
    source: "assumption (no published GRU fault rate; the notebook sweeps it)",
  }),
  zapRatePerSec: real({
    unit: "per-s",
    default: 100,
    min: 0.1,
    max: 1e5,
    description:
      "Invalidation rate: MADV_DONTNEED of the whole buffer per second (exponential gaps between the end of one zap and the next; zaps never overlap).",
    source: "assumption (the notebook sweeps it)",
  }),
  bufferMiB: integer({
    unit: "MiB",
    default: 64,
    min: 1,
    max: 256,
    description:
      "The anonymous buffer the device works on; repopulated by the application after each zap. 64 MiB (16,384 pages) crosses one forced mmu_gather flush per zap.",
    source: "assumption",
  }),
  durationMs: real({
    unit: "ms",
    default: 100,
    min: 1,
    max: 60_000,
    description: "Simulated time per replication; counts (stale translations, retries) are over this window.",
    source: "assumption: about 10 zaps at the default rate",
  }),
  fillUs: real({
    unit: "us",
    default: 10,
    min: 0.1,
    max: 10_000,
    description:
      "Device-fault service time with nothing in the way: miss interrupt or VM exit, handler entry, page-table walk, insert.",
    source: "assumption (mechanisms file: D_fill = 5-50 us)",
  }),
  walkToInsertNs: real({
    unit: "ns",
    default: 1000,
    min: 0,
    max: 1e7,
    description:
      "Part of fillUs between reading the PTE and the translation becoming usable (tfh_write_restart; for KVM, to the mmu_lock check): the window a flush can fall into.",
    source: "assumption",
  }),
  cpuFaultUs: real({
    unit: "us",
    default: 2,
    min: 0,
    max: 10_000,
    description:
      "handle_mm_fault for a pte_none page the device needs (do_anonymous_page: allocate, zero, map under the PT lock).",
    source: "assumption",
  }),
  tlbEntries: integer({
    unit: "count",
    default: 2048,
    min: 1,
    max: 1 << 24,
    description:
      "Device TLB entries (GRU protocols and interval-notifier's device page table; KVM's sptes hold the whole buffer). Random replacement.",
    source: "assumption (GRU TLB size not in the sources)",
  }),
  fillDrainOnFlush: flag({
    default: true,
    description:
      "A device invalidation drops fills between their walk and their insert in its range (PCIe ATS invalidation completion; a driver doing check, walk and insert under its invalidate lock). Off: the window reopens.",
    source:
      "assumption; Christoph's rw-spinlock proposal, lore:Pine.LNX.4.64.0802051555380.17243@schroedinger.engr.sgi.com",
  }),
  strict: flag({
    default: false,
    description:
      "For the protocols that must never leave one (start-end-block, kvm-seq-retry, invalidate-range-ptl, interval-notifier), a stale translation stops the run as an invariant violation.",
    source: "test mode",
  }),
  ...zapAndDeviceParams,
};

/** Rules between the parameters, checked on every sweep point before anything runs (../rules.ts). */
export const notifierRaceRules = paramRules(notifierRaceParams, [
  {
    params: ["walkToInsertNs", "fillUs"],
    holds: (p) => p.walkToInsertNs <= usToNs(p.fillUs),
    rule:
      "walkToInsertNs must be at most fillUs x 1000: the window from reading the PTE to the translation being " +
      "usable is part of the fill",
  },
]);
