/**
 * The per-VMA lock as merged in Linux 6.4 and as 6.6 has it: include/linux/mm.h (vma_start_read, vma_end_read,
 * vma_start_write, __is_vma_write_locked) read at GrapheneOS/kernel_common-6.6 @55dbf85d (the Android 6.6 common
 * kernel; torvalds/linux's stored include/linux/mm.h @dda1dd3b is a 4.19-era copy without per-VMA locks), and
 * include/linux/mmap_lock.h (vma_end_write_all) from Suren Baghdasaryan's v4 series
 * (lore:20230227173632.3292573-1-surenb@google.com). Newer kernels differ: 6.7 moved mm_lock_seq into a seqcount
 * (vm_lock_seq unsigned), 6.13-6.15 replaced the VMA's rwsem by the vm_refcnt reference count (vma_start_read is
 * then a refcount_inc_not_zero loop) and made VMAs SLAB_TYPESAFE_BY_RCU; the model follows 6.4-6.6.
 *
 * - A VMA is write-locked iff `vma->vm_lock_seq == mm->mm_lock_seq`.
 * - vma_start_write() (caller holds mmap_lock for write): unless already write-locked, down_write() of the VMA's
 *   rwsem, which waits out the readers inside, WRITE_ONCE(vm_lock_seq, mm_lock_seq), and up_write() at once.
 * - There is no per-VMA write unlock: mmap_write_unlock() calls vma_end_write_all(), which bumps mm_lock_seq
 *   (store-release) and so unlocks every VMA the writer locked.
 * - vma_start_read(): READ_ONCE of vm_lock_seq (the VMA's own line) and of mm->mm_lock_seq, then
 *   down_read_trylock(&vma->vm_lock->lock), which in kernel/locking/rwsem.c is a read of sem->count and a
 *   try_cmpxchg loop, then rwsem_set_reader_owned()'s read and store of sem->owner (D10: all on the vma_lock's line,
 *   src/kernel/locking/rwsem.ts), then smp_load_acquire(&mm->mm_lock_seq). A false "locked" answer is allowed (the
 *   fault falls back to mmap_lock); a false "unlocked" answer is not. vma_end_read() is up_read() inside
 *   rcu_read_lock() (6.6).
 *
 * Willy's point (lore:Y63FmaNoLAcdsLaU@casper.infradead.org) is visible here: what locks the VMA is the sequence
 * comparison; the rwsem only lets a writer wait until readers are done.
 *
 * Lines: 6.4-6.6 allocate struct vma_lock separately (vm_area_struct holds a pointer), so the rwsem's count and
 * owner sit on a line of their own, `lockLine`; vm_lock_seq sits in the VMA, `structLine` (read-mostly: written
 * only by vma_start_write). A VMA faulted by one thread keeps its lock line local; one VMA faulted by every thread
 * bounces it on each trylock and up_read. mm_lock_seq is read, never written, by faults.
 *
 * Ground truth for the invariants: `modifying` is set by the writer while it changes the VMA (between vma_start_write
 * and mmap_write_unlock); a reader let in meanwhile, or a writer changing a VMA with readers inside, throws.
 */
import type { Process, Yielded } from "../../sim/process";
import type { Simulation } from "../../sim/simulation";
import { InvariantViolation } from "../../sim/invariant";
import { CacheLine, type CacheLineCosts, type LineModel } from "../cpu/cacheline";
import type { Topology } from "../cpu/topology";
import { Rwsem } from "../locking/rwsem";
import { Seqcount } from "../locking/seqcount";
import type { MmStruct } from "./mmap-lock";

export class VmAreaStruct {
  /** The rwsem of struct vma_lock, on its own cache line. */
  readonly vm_lock: Rwsem;
  readonly lockLine: CacheLine;
  /** The line of vm_area_struct that holds vm_lock_seq. */
  readonly structLine: CacheLine;
  /** Equal to mm->mm_lock_seq while write-locked; -1 = never locked. */
  vm_lock_seq = -1;
  /**
   * A per-VMA sequence for the store-free fault (Willy's plan): odd while a writer changes this VMA. Not in 6.4;
   * used only by the rcu-fault path with a per-VMA scope.
   */
  readonly vm_seq: Seqcount;
  /** The writer changing this VMA now (ground truth for the invariants), or null. */
  modifying: Process<any> | null = null;
  /** Changes begun so far (ground truth: a speculative fault that saw another value must not commit). */
  changes = 0;
  /** Only anonymous VMAs with an anon_vma are handled under the VMA lock in 6.4 (lock_vma_under_rcu). */
  anonymous = true;
  hasAnonVma = true;

  constructor(
    readonly sim: Simulation,
    readonly id: number,
    topology: Topology,
    lineCosts: CacheLineCosts,
    wakeupNs = 0,
    lineModel: LineModel = "fixed",
  ) {
    this.lockLine = new CacheLine(sim, `vma${id}.vm_lock`, topology, lineCosts, { model: lineModel });
    this.structLine = new CacheLine(sim, `vma${id}.vm_lock_seq`, topology, lineCosts, { model: lineModel });
    this.vm_lock = new Rwsem(sim, `vma${id}.vm_lock`, { line: this.lockLine, wakeupNs });
    this.vm_seq = new Seqcount(sim, `vma${id}.vm_seq`);
  }

  get name(): string {
    return `vma${this.id}`;
  }
}

/** __is_vma_write_locked(): the sequence comparison that is the real lock. */
export function vma_is_write_locked(mm: MmStruct, vma: VmAreaStruct): boolean {
  return vma.vm_lock_seq === mm.mm_lock_seq;
}

/**
 * vma_start_read(): true when the fault may proceed under the VMA lock. The caller is inside rcu_read_lock().
 */
export function* vma_start_read(
  mm: MmStruct,
  vma: VmAreaStruct,
  task: Process<any>,
  cpu: number,
): Generator<Yielded, boolean, unknown> {
  // Lockless check before locking (READ_ONCE of both sequences); a race may give a false "locked", which only costs
  // a fallback.
  yield vma.structLine.read(cpu);
  yield mm.lockSeqLine.read(cpu);
  if (vma_is_write_locked(mm, vma)) return false;
  if (!(yield* vma.vm_lock.down_read_trylock(task, cpu))) return false;
  // smp_load_acquire(&mm->mm_lock_seq): a writer that locked the VMA before our trylock is seen here.
  yield mm.lockSeqLine.read(cpu);
  if (vma_is_write_locked(mm, vma)) {
    yield vma.vm_lock.up_read(task, cpu);
    return false;
  }
  if (vma.modifying !== null) {
    throw new InvariantViolation(
      `vma lock ${vma.name}`,
      mm.sim.now,
      `'${task.name}' got the VMA read lock while '${vma.modifying.name}' is changing the VMA (a false "unlocked")`,
    );
  }
  return true;
}

/** vma_end_read(): up_read() of the VMA's rwsem; the caller yields the returned cost. */
export function vma_end_read(vma: VmAreaStruct, task: Process<any>, cpu: number): number {
  return vma.vm_lock.up_read(task, cpu);
}

/**
 * vma_start_write(): the caller holds mmap_lock for write. Waits out the VMA's readers, marks it write-locked until
 * the next mmap_write_unlock(), and records that `task` now changes it.
 */
export function* vma_start_write(
  mm: MmStruct,
  vma: VmAreaStruct,
  task: Process<any>,
  cpu: number,
): Generator<Yielded, void, unknown> {
  if (mm.mmap_lock_writer !== task) {
    throw new InvariantViolation(
      `vma lock ${vma.name}`,
      mm.sim.now,
      `'${task.name}' called vma_start_write without holding mmap_lock for write`,
    );
  }
  if (!vma_is_write_locked(mm, vma)) {
    yield vma.vm_lock.down_write(task, cpu);
    // WRITE_ONCE(vma->vm_lock_seq, mm_lock_seq)
    vma.vm_lock_seq = mm.mm_lock_seq;
    yield vma.structLine.store(cpu);
    if (mm.sim.trace) mm.sim.record(task.name, "vma_start_write", vma.name);
    yield vma.vm_lock.up_write(task, cpu);
  }
  vma_begin_change(mm, vma, task);
}

/**
 * The writer (holding mmap_lock for write) starts changing `vma` until mmap_write_unlock(): ground truth for the
 * invariants, and the store-free variant's per-VMA sequence. Without per-VMA locks writers call this directly.
 */
export function vma_begin_change(mm: MmStruct, vma: VmAreaStruct, task: Process<any>): void {
  if (mm.mmap_lock_writer !== task) {
    throw new InvariantViolation(
      `vma ${vma.name}`,
      mm.sim.now,
      `'${task.name}' changes the VMA without holding mmap_lock for write`,
    );
  }
  if (vma.modifying === task) return;
  if (vma.vm_lock.readersInside > 0) {
    throw new InvariantViolation(
      `vma lock ${vma.name}`,
      vma.sim.now,
      `'${task.name}' changes the VMA with ${vma.vm_lock.readersInside} fault(s) inside under its read lock`,
    );
  }
  vma.modifying = task;
  vma.changes++;
  mm.changing.push(vma);
  vma.vm_seq.write_seqcount_begin(task.name);
}

/**
 * vma_end_write_all(): bumps mm_lock_seq (a store-release on its line), unlocking every VMA this writer locked.
 * Returns the store's cost for the caller to yield.
 */
export function vma_end_write_all(mm: MmStruct, task: Process<any>, cpu: number): number {
  if (mm.mmap_lock_writer !== task) {
    throw new InvariantViolation(
      "mm_lock_seq",
      mm.sim.now,
      `'${task.name}' called vma_end_write_all without holding mmap_lock for write`,
    );
  }
  mm.mm_lock_seq++;
  if (mm.sim.trace) mm.sim.record(task.name, "vma_end_write_all", `mm_lock_seq=${mm.mm_lock_seq}`);
  return mm.lockSeqLine.atomic(cpu);
}
