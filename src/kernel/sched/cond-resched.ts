/**
 * cond_resched_rwlock_write(), after kernel/sched/core.c __cond_resched_rwlock_write as added by Ben Gardon's
 * "sched: Add cond_resched_rwlock" (the patch mail as stored, early 2021; 6.6 has the same body with a long return
 * type): if rwlock_needbreak(lock) or should_resched(), write_unlock(lock); cpu_relax() (or schedule);
 * write_lock(lock). include/linux/sched.h's rwlock_needbreak() is rwlock_is_contended() under CONFIG_PREEMPTION and 0
 * otherwise; distribution kernels built with CONFIG_PREEMPT_DYNAMIC have CONFIG_PREEMPTION=y whatever model they boot
 * with, so the model takes the contended test as live. should_resched() never fires here: every task has its own CPU.
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
