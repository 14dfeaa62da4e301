/**
 * The user page-fault paths for anonymous memory, after Linux 6.4-6.6 (arch/x86/mm/fault.c: exc_page_fault,
 * do_user_addr_fault, read at torvalds/linux @fd5439e0; mm/memory.c: lock_vma_under_rcu, lock_mm_and_find_vma,
 * handle_mm_fault, read at GrapheneOS/kernel_common-6.6 @55dbf85d), and the two "whole fault under RCU" designs argued
 * about in the thread. The Android 6.6 copy of lock_vma_under_rcu() carries later backports (no anonymous/anon_vma
 * check, lock_next_vma()); the model keeps 6.4-6.6 upstream's anonymous-only rule.
 *
 * - exc_page_fault() first does prefetchw(&current->mm->mmap_lock) (every scheme; env.prefetchMmapLock), then the
 *   exception entry work (env.entryNs, part of the fault's work) before do_user_addr_fault() looks at any lock.
 * - mmap-lock (the kernel before per-VMA locks): mmap_read_trylock (a read and a try_cmpxchg loop on mmap_lock's
 *   line; mmap_read_lock only if a writer holds or waits) -> find the VMA (mas_walk) -> handle_mm_fault ->
 *   mmap_read_unlock (an atomic). 5.17's do_user_addr_fault and 6.5+'s get_mmap_lock_carefully() both try first.
 * - per-vma (6.4): lock_vma_under_rcu() = rcu_read_lock, mas_walk, vma_start_read (src/kernel/mm/vma-lock.ts),
 *   range/anon checks, rcu_read_unlock; then handle_mm_fault(FAULT_FLAG_VMA_LOCK) and vma_end_read(). On NULL (VMA
 *   write-locked, trylock lost, not anonymous, no anon_vma) the arch handler falls back to lock_mm_and_find_vma()
 *   (from 6.5, also in 6.4.y; before it, mmap_read_trylock/mmap_read_lock + find_vma) and faults under mmap_lock.
 * - rcu-fault: the whole fault under rcu_read_lock, with no shared store: sample a sequence, walk the tree, do the
 *   fault, and re-check the sequence under the page-table lock before installing the PTE (pte_map_lock in Michel
 *   Lespinasse's SPF v2, from memory of that series). A changed sequence discards the work (VM_FAULT_RETRY) and the
 *   fault is redone under mmap_lock, as SPF does. The sequence is Michel's mm-wide mmap_seq (`seqScope` "mm") or a
 *   per-VMA one as in Willy's store-free plan ("vma": https://www.infradead.org/~willy/linux/store-free-page-faults.html).
 * - rcu-fault-vma-atomic: rcu-fault plus one atomic on the VMA's line per fault: Michel's check of what a per-VMA
 *   reference would cost on the SPF path (lore:20210407014502.24091-1-michel@lespinasse.org).
 *
 * What is not modelled: the page-table lock (pft threads fault disjoint ranges, so split PTLs do not contend), I/O
 * and swap (every fault here is a first-touch anonymous fault), kernel-mode faults.
 */
import type { Process, Yielded } from "../../sim/process";
import type { Simulation } from "../../sim/simulation";
import { InvariantViolation } from "../../sim/invariant";
import type { Rcu } from "../rcu/tree";
import type { LruAddBatches } from "./pagevec-lru-add";
import type { PcpLists } from "./page-alloc-pcplist";
import { mmap_prefetchw, mmap_read_lock, mmap_read_trylock, mmap_read_unlock, type MmStruct } from "./mmap-lock";
import { vma_end_read, vma_start_read, type VmAreaStruct } from "./vma-lock";

export type FaultScheme = "mmap-lock" | "per-vma" | "rcu-fault" | "rcu-fault-vma-atomic";
export type SeqScope = "mm" | "vma";

/** How a fault completed; the arch handler's vmstat events (VMA_LOCK_SUCCESS/ABORT, SPF_ABORT) in one number. */
export const FaultOutcome = {
  /** Under mmap_lock read, the only path of the mmap-lock scheme. */
  MmapLock: 0,
  /** Under the VMA lock (VMA_LOCK_SUCCESS). */
  VmaLock: 1,
  /** lock_vma_under_rcu returned NULL; done under mmap_lock (VMA_LOCK_ABORT). */
  VmaLockFallback: 2,
  /** Under RCU only. */
  Speculative: 3,
  /** The sequence changed: work discarded and redone under mmap_lock (SPF_ABORT). */
  SpeculativeRetry: 4,
} as const;
export type FaultOutcome = (typeof FaultOutcome)[keyof typeof FaultOutcome];

export interface FaultEnv {
  sim: Simulation;
  mm: MmStruct;
  rcu: Rcu;
  lru: LruAddBatches;
  /** The per-CPU page lists and their refill under zone->lock (src/kernel/mm/page-alloc-pcplist.ts); absent: not modelled. */
  pcp?: PcpLists;
  scheme: FaultScheme;
  seqScope: SeqScope;
  /** Atomics per fault on the VMA's line in rcu-fault-vma-atomic (1: one RMW; 2: a reference get and put). */
  vmaAtomics?: number;
  /** Draws one fault's CPU work in ns (exception entry/exit, page allocation, clear_page, PTE set), unstretched. */
  workNs: () => number;
  /** exc_page_fault's prefetchw(&current->mm->mmap_lock) (x86 up to 2025); a no-op on a "fixed" line. */
  prefetchMmapLock?: boolean;
  /** Part of the work done before do_user_addr_fault touches a lock (exception entry, irqentry_enter), ns, unstretched. */
  entryNs?: number;
}

/** A speculative fault's snapshot: which sequence it sampled, and the ground truth to check its commit against. */
interface Snapshot {
  seq: number;
  vmaChanges: number;
}

/**
 * handle_mm_fault() -> do_anonymous_page(): the fault's work, then (speculative) the sequence re-check under the
 * page-table lock, then the PTE and folio_add_lru(). Returns false for VM_FAULT_RETRY (work discarded).
 */
export function* handle_mm_fault(
  env: FaultEnv,
  task: Process<any>,
  cpu: number,
  vma: VmAreaStruct,
  slowdown: number,
  spec?: Snapshot,
  /** Work already spent before the locks (exception entry), taken off this call's draw. */
  entryPaidNs = 0,
): Generator<Yielded, boolean, unknown> {
  // do_anonymous_page() -> vma_alloc_zeroed_movable_folio() -> rmqueue_pcplist(): the page first, then its work.
  if (env.pcp?.enabled) yield* env.pcp.rmqueue_pcplist(task, cpu);
  yield Math.max(1, Math.round(env.workNs() * slowdown) - entryPaidNs);
  if (spec) {
    // pte_map_lock(): re-check the sequence before installing the PTE.
    const seqcount = env.seqScope === "mm" ? env.mm.mmap_seq : vma.vm_seq;
    yield (env.seqScope === "mm" ? env.mm.lockSeqLine : vma.lockLine).read(cpu);
    if (seqcount.read_seqcount_retry(spec.seq)) {
      if (env.sim.trace) env.sim.record(task.name, "spf_abort", vma.name);
      env.pcp?.free_unref_page(cpu);
      return false;
    }
    if (vma.changes !== spec.vmaChanges || vma.modifying !== null) {
      throw new InvariantViolation(
        `fault ${task.name}`,
        env.sim.now,
        `speculative fault would install a PTE in ${vma.name}, changed since the fault began, with an unchanged sequence`,
      );
    }
  } else if (vma.modifying !== null) {
    throw new InvariantViolation(
      `fault ${task.name}`,
      env.sim.now,
      `fault in ${vma.name} while '${vma.modifying.name}' changes it`,
    );
  }
  if (env.sim.trace) env.sim.record(task.name, "set_pte", vma.name);
  yield* env.lru.folio_add_lru(task, cpu);
  return true;
}

/** lock_vma_under_rcu(): true with the VMA read-locked, false for NULL (the caller falls back). */
export function* lock_vma_under_rcu(
  env: FaultEnv,
  task: Process<any>,
  cpu: number,
  vma: VmAreaStruct,
): Generator<Yielded, boolean, unknown> {
  env.rcu.rcu_read_lock(cpu);
  yield env.mm.mm_mt.mas_walk(cpu);
  // Only anonymous VMAs with an anon_vma are handled under the VMA lock in 6.4.
  let ok = vma.anonymous && vma.hasAnonVma;
  if (ok) ok = yield* vma_start_read(env.mm, vma, task, cpu);
  // The address range and detached re-checks pass: writers here change VMAs but do not remove faulted ones.
  env.rcu.rcu_read_unlock(cpu);
  if (!ok && env.sim.trace) env.sim.record(task.name, "vma_lock_abort", vma.name);
  return ok;
}

/**
 * lock_mm_and_find_vma() + handle_mm_fault() + mmap_read_unlock(): the fault under mmap_lock read. The lock is
 * taken as get_mmap_lock_carefully() (and 5.17's do_user_addr_fault) take it: mmap_read_trylock, then
 * mmap_read_lock when that fails.
 */
export function* fault_under_mmap_lock(
  env: FaultEnv,
  task: Process<any>,
  cpu: number,
  vma: VmAreaStruct,
  slowdown: number,
  entryPaidNs = 0,
): Generator<Yielded, void, unknown> {
  if (!(yield* mmap_read_trylock(env.mm, task, cpu))) yield mmap_read_lock(env.mm, task, cpu);
  yield env.mm.mm_mt.mas_walk(cpu);
  yield* handle_mm_fault(env, task, cpu, vma, slowdown, undefined, entryPaidNs);
  yield mmap_read_unlock(env.mm, task, cpu);
}

/** The speculative fault under RCU; true when it committed, false when it must be redone under mmap_lock. */
export function* do_speculative_fault(
  env: FaultEnv,
  task: Process<any>,
  cpu: number,
  vma: VmAreaStruct,
  slowdown: number,
  entryPaidNs = 0,
): Generator<Yielded, boolean, unknown> {
  env.rcu.rcu_read_lock(cpu);
  const mmScope = env.seqScope === "mm";
  const seqcount = mmScope ? env.mm.mmap_seq : vma.vm_seq;
  yield (mmScope ? env.mm.lockSeqLine : vma.lockLine).read(cpu);
  const seq = seqcount.read_seqcount_begin();
  let committed = false;
  // An odd sequence means a writer is inside: abort at once, before any work (SPF's `if (seq & 1) goto spf_abort`).
  if ((seq & 1) === 0) {
    yield env.mm.mm_mt.mas_walk(cpu);
    const atomics = env.scheme === "rcu-fault-vma-atomic" ? (env.vmaAtomics ?? 1) : 0;
    // A reference taken on the VMA: the first atomic before the fault's work, any others (the put) after it.
    if (atomics > 0) yield vma.lockLine.atomic(cpu);
    committed = yield* handle_mm_fault(env, task, cpu, vma, slowdown, { seq, vmaChanges: vma.changes }, entryPaidNs);
    for (let k = 1; k < atomics; k++) yield vma.lockLine.atomic(cpu);
  } else {
    seqcount.retries++;
    if (env.sim.trace) env.sim.record(task.name, "spf_abort", vma.name);
  }
  env.rcu.rcu_read_unlock(cpu);
  return committed;
}

/**
 * do_user_addr_fault() for a user-mode fault at an address in `vma`, by the scheme in `env`. `slowdown` stretches
 * the CPU work when an SMT sibling is busy. Returns how the fault completed.
 */
export function* do_user_addr_fault(
  env: FaultEnv,
  task: Process<any>,
  cpu: number,
  vma: VmAreaStruct,
  slowdown: number,
): Generator<Yielded, FaultOutcome, unknown> {
  // exc_page_fault(): prefetchw(&current->mm->mmap_lock), then the entry work before any lock is looked at.
  if (env.prefetchMmapLock) mmap_prefetchw(env.mm, cpu);
  const entry = env.entryNs ? Math.max(0, Math.round(env.entryNs * slowdown)) : 0;
  if (entry > 0) yield entry;
  switch (env.scheme) {
    case "mmap-lock":
      yield* fault_under_mmap_lock(env, task, cpu, vma, slowdown, entry);
      return FaultOutcome.MmapLock;
    case "per-vma": {
      if (yield* lock_vma_under_rcu(env, task, cpu, vma)) {
        yield* handle_mm_fault(env, task, cpu, vma, slowdown, undefined, entry);
        yield vma_end_read(vma, task, cpu);
        return FaultOutcome.VmaLock;
      }
      yield* fault_under_mmap_lock(env, task, cpu, vma, slowdown, entry);
      return FaultOutcome.VmaLockFallback;
    }
    case "rcu-fault":
    case "rcu-fault-vma-atomic": {
      if (yield* do_speculative_fault(env, task, cpu, vma, slowdown, entry)) return FaultOutcome.Speculative;
      // The work redone under mmap_lock is a new draw; the exception entry is not repeated.
      yield* fault_under_mmap_lock(env, task, cpu, vma, slowdown);
      return FaultOutcome.SpeculativeRetry;
    }
  }
}
