/**
 * The slice of `struct kvm` these models share: the simulation it lives in, its mmu_lock, and which architecture's
 * secondary MMU it runs (arm64 stage 2, or x86's TDP MMU). KVM's own code paths (stage-2 faults, MMU-notifier aging
 * and invalidation) take it as their first argument, as the kernel's take `kvm`.
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
