/**
 * struct mm_struct's locking as Linux 6.4-6.6 has it (include/linux/mmap_lock.h, include/linux/mm_types.h), and the
 * fault-time mmap_lock accesses of arch/x86/mm/fault.c.
 *
 * - mmap_lock: a sleeping rwsem (kernel/locking/rwsem.c, src/kernel/locking/rwsem.ts) shared by every CPU of the
 *   process. Its `count` and `owner` are on two lines: since commit 2e3025434a6b (Feng Tang, 2021, 5.14) the comment
 *   above mmap_lock in include/linux/mm_types.h says the layout keeps them apart ("count" 56 bytes past a line
 *   boundary, "owner" on the next) to cut bouncing; so the owner stores of rwsem_set_reader_owned() go to a line of
 *   their own, which only stores touch (mmapLockOwnerLine). SPF v2 put mmap_seq right after mmap_lock
 *   (lore:20220128131006.67712-11-michel@lespinasse.org), i.e. on the owner's line, not the count's.
 * - The fault path takes it with mmap_read_trylock() first: x86's do_user_addr_fault() did
 *   `if (unlikely(!mmap_read_trylock(mm))) { ... mmap_read_lock(mm); }` up to 6.4 (read at Rtoax/linux-5.10.13
 *   @834cf469, the same in Mel Gorman's 5.17), and from 6.5 lock_mm_and_find_vma() -> get_mmap_lock_carefully() does
 *   the same (mm/memory.c, read at GrapheneOS/kernel_common-6.6 @55dbf85d). A trylock is a read of the count and a
 *   try_cmpxchg loop (rwsem.c __down_read_trylock), not the fetch_add of down_read().
 * - exc_page_fault() begins with prefetchw(&current->mm->mmap_lock) (arch/x86/mm/fault.c, read at torvalds/linux
 *   @fd5439e0, a 6.6+ copy; present since the 2.6 era and removed by Mateusz Guzik's "x86/mm: stop prefetching the
 *   mmap semaphore on page faults", lore:20250401143520.1113572-1-mjguzik@gmail.com, 2025): every fault asks for the
 *   line exclusive, per-VMA faults included, without waiting for it (mmap_prefetchw; a no-op on a "fixed" line).
 * - mm_lock_seq (CONFIG_PER_VMA_LOCK): a plain int bumped by vma_end_write_all() inside mmap_write_unlock() and
 *   mmap_write_downgrade(). Modelled on a line of its own (an assumption: the 6.4 patch places it after mmlist, some
 *   56 bytes past mmap_lock's start, so it may share mmap_lock's line; mm_types.h of 6.6 was not in the stored
 *   copies).
 * - mmap_seq: the mm-wide sequence count of Michel Lespinasse's speculative page faults (SPF v2, 2022, from memory
 *   of that series): mmap_write_lock() makes it odd and mmap_write_unlock() even again, so a speculative fault that
 *   samples it before and re-checks it under the page-table lock sees any address-space change. Not in 6.4; on
 *   only for the rcu-fault scheme. It shares mm_lock_seq's line.
 *
 * Writers: mmap_write_lock() -> change the tree and the VMAs (vma_start_write on each) -> mmap_write_unlock().
 */
import type { Process, Yielded } from "../../sim/process";
import type { Simulation } from "../../sim/simulation";
import { InvariantViolation } from "../../sim/invariant";
import { CacheLine, type CacheLineCosts, type LineModel } from "../cpu/cacheline";
import type { Topology } from "../cpu/topology";
import { Rwsem } from "../locking/rwsem";
import { Seqcount } from "../locking/seqcount";
import type { MapleTree } from "./maple-tree";
import { vma_end_write_all, type VmAreaStruct } from "./vma-lock";

export interface MmStructOptions {
  /** CONFIG_PER_VMA_LOCK: writers write-lock the VMAs they touch and mmap_write_unlock bumps mm_lock_seq. */
  perVmaLock: boolean;
  /** Michel's SPF mmap_seq (the rcu-fault scheme with an mm-wide sequence). */
  spfMmapSeq: boolean;
  /** Scheduler wake-up latency for tasks sleeping on mmap_lock, ns. */
  wakeupNs?: number;
  /** The cache-line model of the mm's lines (src/kernel/cpu/cacheline.ts); "fixed" unless given. */
  lineModel?: LineModel;
}

export class MmStruct {
  readonly mmapLockLine: CacheLine;
  /** The line of mmap_lock's `owner` (5.14+ layout: count at byte 56 of one line, owner on the next). */
  readonly mmapLockOwnerLine: CacheLine;
  readonly mmap_lock: Rwsem;
  /** The task holding mmap_lock for write (mmap_assert_write_locked's ground truth). */
  mmap_lock_writer: Process<any> | null = null;
  mm_lock_seq = 0;
  readonly lockSeqLine: CacheLine;
  readonly mmap_seq: Seqcount;
  /** VMAs the current writer is changing; all released at mmap_write_unlock(). */
  readonly changing: VmAreaStruct[] = [];

  constructor(
    readonly sim: Simulation,
    topology: Topology,
    lineCosts: CacheLineCosts,
    readonly mm_mt: MapleTree,
    readonly options: MmStructOptions,
  ) {
    const model = { model: options.lineModel ?? "fixed" } as const;
    this.mmapLockLine = new CacheLine(sim, "mm.mmap_lock", topology, lineCosts, model);
    this.mmapLockOwnerLine = new CacheLine(sim, "mm.mmap_lock.owner", topology, lineCosts, model);
    this.mmap_lock = new Rwsem(sim, "mmap_lock", {
      line: this.mmapLockLine,
      ownerLine: this.mmapLockOwnerLine,
      wakeupNs: options.wakeupNs ?? 0,
    });
    this.lockSeqLine = new CacheLine(sim, "mm.mm_lock_seq", topology, lineCosts, model);
    this.mmap_seq = new Seqcount(sim, "mmap_seq");
  }
}

/** prefetchw(&current->mm->mmap_lock) at exception entry: the line is requested exclusive; the CPU does not wait. */
export function mmap_prefetchw(mm: MmStruct, cpu: number): void {
  mm.mmapLockLine.prefetchw(cpu);
}

/** mmap_read_trylock(): the caller yields* it; true when granted (down_read_trylock's read and cmpxchg loop). */
export function mmap_read_trylock(mm: MmStruct, task: Process<any>, cpu: number): Generator<Yielded, boolean, unknown> {
  return mm.mmap_lock.down_read_trylock(task, cpu);
}

/** mmap_read_lock(): the caller yields the result (an atomic's cost, or PARK behind a writer). */
export function mmap_read_lock(mm: MmStruct, task: Process<any>, cpu: number): number {
  return mm.mmap_lock.down_read(task, cpu);
}

/** mmap_read_unlock(): the caller yields the atomic's cost. */
export function mmap_read_unlock(mm: MmStruct, task: Process<any>, cpu: number): number {
  return mm.mmap_lock.up_read(task, cpu);
}

/** mmap_write_lock(): down_write(), then (SPF) mmap_seq becomes odd. */
export function* mmap_write_lock(mm: MmStruct, task: Process<any>, cpu: number): Generator<Yielded, void, unknown> {
  yield mm.mmap_lock.down_write(task, cpu);
  if (mm.mmap_lock_writer !== null) {
    throw new InvariantViolation(
      "mmap_lock",
      mm.sim.now,
      `'${task.name}' got mmap_lock for write while '${mm.mmap_lock_writer.name}' holds it`,
    );
  }
  mm.mmap_lock_writer = task;
  if (mm.options.spfMmapSeq) {
    mm.mmap_seq.write_seqcount_begin(task.name);
    yield mm.lockSeqLine.atomic(cpu);
  }
}

/**
 * mmap_write_unlock(): vma_end_write_all() (per-VMA locks), then (SPF) mmap_seq even again, then up_write(). Every
 * VMA the writer changed is released here; a fault may use it again from now on.
 */
export function* mmap_write_unlock(mm: MmStruct, task: Process<any>, cpu: number): Generator<Yielded, void, unknown> {
  if (mm.mmap_lock_writer !== task) {
    throw new InvariantViolation(
      "mmap_lock",
      mm.sim.now,
      `'${task.name}' mmap_write_unlock without holding mmap_lock for write`,
    );
  }
  for (const vma of mm.changing) {
    vma.modifying = null;
    vma.vm_seq.write_seqcount_end(task.name);
  }
  mm.changing.length = 0;
  if (mm.options.perVmaLock) yield vma_end_write_all(mm, task, cpu);
  if (mm.options.spfMmapSeq) {
    mm.mmap_seq.write_seqcount_end(task.name);
    yield mm.lockSeqLine.atomic(cpu);
  }
  mm.mmap_lock_writer = null;
  yield mm.mmap_lock.up_write(task, cpu);
}
