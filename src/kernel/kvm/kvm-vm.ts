/**
 * The slice of `struct kvm` these models share: the simulation it lives in, its mmu_lock, and which architecture's
 * secondary MMU it runs (arm64 stage 2, or x86's TDP MMU). KVM's own code paths (stage-2 faults, MMU-notifier aging
 * and invalidation) take it as their first argument, as the kernel's take `kvm`.
 *
 * Follows no kernel function: a descriptor after struct kvm (include/linux/kvm_host.h, torvalds/linux @002c6ca75289),
 * whose first field is `rwlock_t mmu_lock` under KVM_HAVE_MMU_RWLOCK (else a spinlock_t); x86 defines it in
 * arch/x86/include/asm/kvm_host.h (@004a0aa56ede). The stored kvm_host.h is a 6.1-era copy (kvm_init still takes
 * `opaque`); the mmu_lock field is unchanged in 6.6, which the models follow.
 */
import type { Simulation } from "../../sim/simulation";
import type { KvmMmuLock } from "./mmu-lock";

/** arm64: arch/arm64/kvm/mmu.c + hyp/pgtable.c; x86-tdp: arch/x86/kvm/mmu/tdp_mmu.c (the TDP MMU, EPT/NPT). */
export type KvmArch = "arm64" | "x86-tdp";
export const KVM_ARCHES: readonly KvmArch[] = ["arm64", "x86-tdp"];

export interface KvmVm {
  readonly sim: Simulation;
  readonly mmu_lock: KvmMmuLock;
  readonly arch: KvmArch;
}
