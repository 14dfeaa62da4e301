/**
 * cond_resched_rwlock_write(), after kernel/sched/core.c __cond_resched_rwlock_write as added by Ben Gardon's
 * "sched: Add cond_resched_rwlock" (read in the v1 patch mail and its review, late 2020, via the search tool's
 * file verbs; later kernels' diff context shows `int __cond_resched_rwlock_write(rwlock_t *lock)` unchanged; the
 * stored torvalds/linux kernel/sched/core.c @0032f4e88976 is a 4.1x copy from before the function existed):
 * resched = should_resched(PREEMPT_LOCK_OFFSET); if (rwlock_needbreak(lock) || resched) { write_unlock(lock);
 * resched ? preempt_schedule_common() : cpu_relax(); write_lock(lock); return 1; }. include/linux/sched.h's
 * rwlock_needbreak() is rwlock_is_contended() under CONFIG_PREEMPTION and 0 otherwise; distribution kernels built
 * with CONFIG_PREEMPT_DYNAMIC have CONFIG_PREEMPTION=y whatever model they boot with, so the model takes the
 * contended test as live. should_resched() never fires here: every task has its own CPU.
 *
 * Under the queued rwlock the yielding writer's write_lock queues behind everyone who was waiting, readers first in
 * line included: that is the point of the yield (arm64 stage2_apply_range, x86 tdp_mmu_iter_cond_resched).
 */
import type { Process, Yielded } from "../../sim/process";
import type { KvmMmuLock, MmuLockSite } from "../kvm/mmu-lock";

/**
 * Yields mmu_lock (held for write at `site`) if someone waits for it, then takes it again declaring `remainingHoldNs`.
 * Returns whether it yielded.
 */
export function* cond_resched_rwlock_write(
  mmu: KvmMmuLock,
  task: Process<any>,
  cpu: number,
  site: MmuLockSite,
  remainingHoldNs: number,
): Generator<Yielded, boolean, unknown> {
  if (!mmu.rwlock_is_contended()) return false;
  yield* mmu.write_unlock(task, cpu);
  yield* mmu.write_lock(task, cpu, site, remainingHoldNs);
  return true;
}
