/**
 * One queued spinlock per NUMA node, with its lock word's cache line and the line of the node's data it guards:
 * the shape shared by lruvec->lru_lock (folio_batch_move_lru in mm/swap.c, read at torvalds/linux @00501b531c47 as
 * its 3.x __pagevec_lru_add form) and zone->lock (rmqueue_bulk in mm/page_alloc.c, read at @dac22531bbd4). Both take
 * the lock once per batch of pages, write the node's shared lines under it, and do per-page work. Follows no single
 * kernel file: src/kernel/mm/pagevec-lru-add.ts and src/kernel/mm/page-alloc-pcplist.ts say which step is whose.
 */
import type { Process, Yielded } from "../../sim/process";
import type { Simulation } from "../../sim/simulation";
import { CacheLine, type CacheLineCosts, type LineModel } from "../cpu/cacheline";
import type { Topology } from "../cpu/topology";
import { QueuedSpinlock } from "./qspinlock";

export class PerNodeSpinlock {
  /** The lock of each node, named `node<n>.<lockName>`. */
  readonly locks: QueuedSpinlock[];
  /** The line of each node's lock word. */
  readonly lockLines: CacheLine[];
  /** The line of each node's guarded data, named `node<n>.<dataName>`. */
  readonly dataLines: CacheLine[];

  constructor(
    sim: Simulation,
    private readonly topology: Topology,
    lineCosts: CacheLineCosts,
    lockName: string,
    dataName: string,
    lineModel: LineModel = "fixed",
  ) {
    const nodes = topology.sockets;
    this.locks = Array.from(
      { length: nodes },
      (_, n) => new QueuedSpinlock(sim, `node${n}.${lockName}`, { handoffNs: lineCosts.sameSocketNs }),
    );
    this.lockLines = Array.from(
      { length: nodes },
      (_, n) => new CacheLine(sim, `node${n}.${lockName}`, topology, lineCosts, { model: lineModel }),
    );
    this.dataLines = Array.from(
      { length: nodes },
      (_, n) => new CacheLine(sim, `node${n}.${dataName}`, topology, lineCosts, { model: lineModel }),
    );
  }

  /**
   * One batch on `cpu`'s node: an atomic on the lock word's line, the queued spinlock, the write of the guarded
   * line, `holdNs` of work under the lock, the unlock.
   */
  *batch(task: Process<any>, cpu: number, holdNs: number): Generator<Yielded, void, unknown> {
    const node = this.topology.socketOf(cpu);
    const lock = this.locks[node];
    yield this.lockLines[node].atomic(cpu);
    yield lock.queued_spin_lock(task);
    yield this.dataLines[node].atomic(cpu);
    yield holdNs;
    lock.queued_spin_unlock(task);
  }
}
