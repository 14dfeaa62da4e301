/**
 * Every experiment the CLI, the workers and the notebooks know by id, in thread order. Looking one up by a literal
 * id gives its full type (parameters, detail, observable names), so a misspelt name is a compile error.
 */
import type { AnyExperiment } from "./experiment";
import { lockContention } from "./lock-contention/experiment";
import { mmuLockAging } from "./mmu-lock-aging/experiment";
import { notifierCost } from "./notifier-cost/experiment";
import { notifierRace } from "./notifier-race/experiment";
import { ptFree } from "./pt-free/experiment";
import { spinlockConvoy } from "./spinlock-convoy/experiment";
import { spteAging } from "./spte-aging/experiment";
import { vmaLock } from "./vma-lock/experiment";

/** The built-in experiments by id, each with its own type. */
export const builtinExperiments = {
  "lock-contention": lockContention, // the engine's reference model
  "mmu-lock-aging": mmuLockAging, // 000: KVM mmu_lock, aging readers vs eviction writers
  "spte-aging": spteAging, // 001: MGLRU aging frequency vs SPTE youth
  "notifier-cost": notifierCost, // 002: per-page vs per-PT vs range MMU-notifier callouts
  "notifier-race": notifierRace, // 002: the device-TLB race that start/end closes
  "vma-lock": vmaLock, // 003: mmap_lock vs per-VMA locks vs the fault under RCU
  "pt-free": ptFree, // 004: freeing page tables after an IPI or after an RCU grace period
  "spinlock-convoy": spinlockConvoy, // 004: a cache miss under a spinlock and the pile-up
} as const;

/** The type of every built-in experiment, by id. */
export type BuiltinExperiments = typeof builtinExperiments;
/** The id of a built-in experiment. */
export type ExperimentId = keyof BuiltinExperiments;

/** Every built-in experiment, in thread order. */
export const experiments: AnyExperiment[] = Object.values(builtinExperiments);

for (const [id, e] of Object.entries(builtinExperiments))
  if (e.id !== id) throw new Error(`registry: '${id}' names experiment '${e.id}'`);

/**
 * A built-in experiment by id. With a literal id the result is fully typed (and never undefined); with an id known
 * only at run time it may be undefined.
 *
 * @example
 * const exp = findExperiment("spinlock-convoy"); // Experiment<SpinlockConvoyParams, SpinlockConvoyDetail, "lockWaitMeanNs" | ...>
 * const any = findExperiment(process.argv[2]); // AnyExperiment | undefined
 */
export function findExperiment<K extends ExperimentId>(id: K): BuiltinExperiments[K];
export function findExperiment(id: string): AnyExperiment | undefined;
export function findExperiment(id: string): AnyExperiment | undefined {
  return Object.prototype.hasOwnProperty.call(builtinExperiments, id)
    ? (builtinExperiments as Record<string, AnyExperiment>)[id]
    : undefined;
}
