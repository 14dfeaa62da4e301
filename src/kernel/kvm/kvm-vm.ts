/**
 * The slice of `struct kvm` these models share: the simulation it lives in and its mmu_lock. KVM's own code paths
 * (stage-2 faults, MMU-notifier aging and invalidation) take it as their first argument, as the kernel's take `kvm`.
 */
import type { Simulation } from "../../sim/simulation";
import type { KvmMmuLock } from "./mmu-lock";

export interface KvmVm {
  readonly sim: Simulation;
  readonly mmu_lock: KvmMmuLock;
}
