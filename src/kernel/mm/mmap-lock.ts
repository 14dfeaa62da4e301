/**
 * struct mm_struct's locking as Linux 6.4 has it (include/linux/mmap_lock.h, include/linux/mm_types.h):
 *
 * - mmap_lock: a sleeping rwsem (kernel/locking/rwsem.c) whose count sits on one cache line shared by every CPU
 *   of the process: each mmap_read_lock()/mmap_read_unlock() is an atomic on it.
 * - mm_lock_seq (CONFIG_PER_VMA_LOCK): a plain int bumped by vma_end_write_all() inside mmap_write_unlock() and
 *   mmap_write_downgrade(). Modelled on a line of its own (an assumption: no false sharing with mmap_lock's count).
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
import { CacheLine, type CacheLineCosts } from "../cpu/cacheline";
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
}

export class MmStruct {
  readonly mmapLockLine: CacheLine;
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
    this.mmapLockLine = new CacheLine(sim, "mm.mmap_lock", topology, lineCosts);
    this.mmap_lock = new Rwsem(sim, "mmap_lock", { line: this.mmapLockLine, wakeupNs: options.wakeupNs ?? 0 });
    this.lockSeqLine = new CacheLine(sim, "mm.mm_lock_seq", topology, lineCosts);
    this.mmap_seq = new Seqcount(sim, "mmap_seq");
  }
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
