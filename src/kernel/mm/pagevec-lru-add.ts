/**
 * Adding new anonymous pages to the LRU, after mm/swap.c (folio_add_lru / lru_add_drain, Linux 6.6: folio_get, then
 * under local_lock(&cpu_fbatches.lock) folio_batch_add_and_move(&cpu_fbatches.lru_add, folio, lru_add), which moves
 * the batch to the LRU under the folio's lruvec->lru_lock when it is full). The stored torvalds/linux mm/swap.c
 * @00501b531c47 is a 3.1x copy (__lru_cache_add into the per-CPU lru_add_pvec, drained under zone->lru_lock) and
 * include/linux/pagevec.h @00ed905ab8e5 a 4.x one (PAGEVEC_SIZE 14); the 6.6 form was read in patch context lines
 * (PAGEVEC_SIZE 15, "15 pointers + header align the folio_batch structure"; a later patch raises it to 31). Each
 * CPU batches pages in a per-CPU vector of PAGEVEC_SIZE (15) and drains the batch under the node's lruvec->lru_lock,
 * a spinlock shared by every CPU that allocates from that node (one memcg: one lruvec per node).
 *
 * Per drain: an atomic on the lock word's line, the queued spinlock, then, under the lock, the writes to the
 * lruvec's own lines (the LRU list head and the per-zone LRU sizes that every add updates: one line transfer when
 * another CPU drained last, `lruvecLines`), and `batchPages * perPageNs` of per-page work. This is the model's only
 * shared cost besides the fault locks, and what bends the RCU-fault curve (docs/fidelity/003-vma-lock.md, "the SPF
 * curve", for what it saturates on and why).
 */
import type { Process, Yielded } from "../../sim/process";
import type { Simulation } from "../../sim/simulation";
import type { CacheLine, CacheLineCosts, LineModel } from "../cpu/cacheline";
import type { Topology } from "../cpu/topology";
import { PerNodeSpinlock } from "../locking/per-node-spinlock";
import type { QueuedSpinlock } from "../locking/qspinlock";

export interface LruAddOptions {
  /** Pages per per-CPU batch (PAGEVEC_SIZE = 15, include/linux/pagevec.h). */
  batchPages: number;
  /** Time under lru_lock per page (LRU add plus its later removal), ns. */
  perPageNs: number;
  /** Cache-line model of the lock lines (src/kernel/cpu/cacheline.ts); "fixed" unless given. */
  lineModel?: LineModel;
}

export class LruAddBatches {
  /** lruvec->lru_lock of each node, its lock word's line and the lruvec's lines. */
  private readonly nodes: PerNodeSpinlock;
  /** lruvec->lru_lock of each node. */
  readonly lru_lock: QueuedSpinlock[];
  readonly lockLines: CacheLine[];
  /** The lines of each node's lruvec that the adds write (list heads, LRU sizes). */
  readonly lruvecLines: CacheLine[];
  private readonly pending: Int32Array;
  drains = 0;

  constructor(
    readonly sim: Simulation,
    readonly topology: Topology,
    lineCosts: CacheLineCosts,
    readonly options: LruAddOptions,
  ) {
    this.nodes = new PerNodeSpinlock(sim, topology, lineCosts, "lru_lock", "lruvec", options.lineModel);
    this.lru_lock = this.nodes.locks;
    this.lockLines = this.nodes.lockLines;
    this.lruvecLines = this.nodes.dataLines;
    this.pending = new Int32Array(topology.cpus);
  }

  /**
   * folio_add_lru() of one new page on `cpu` (allocated from the CPU's own node). Every `batchPages`-th call drains
   * the batch under the node's lru_lock. The time under the lock is not stretched by a busy SMT sibling: it is
   * spent mostly waiting for struct page lines, which a sibling does not slow.
   */
  *folio_add_lru(task: Process<any>, cpu: number): Generator<Yielded, void, unknown> {
    if (++this.pending[cpu] < this.options.batchPages) return;
    this.pending[cpu] = 0;
    this.drains++;
    yield* this.nodes.batch(task, cpu, Math.round(this.options.batchPages * this.options.perPageNs));
  }
}
