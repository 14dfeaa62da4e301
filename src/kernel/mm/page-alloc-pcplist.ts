/**
 * Order-0 page allocation from the per-CPU page lists, and their refill under the zone's lock, after mm/page_alloc.c
 * (read at torvalds/linux @dac22531bbd4, a 6.1-6.2 tree: rmqueue -> rmqueue_pcplist -> __rmqueue_pcplist ->
 * rmqueue_bulk). 5.17, the kernel of Mel's pft runs, has the same shape with local_lock_irqsave instead of the pcp
 * spinlock (pcp_spin_trylock_irqsave, 6.0+); neither is shared between CPUs.
 *
 * - rmqueue_pcplist() takes the CPU's own pcp list: no shared line on the common path.
 * - __rmqueue_pcplist(): when the list is empty, `batch = READ_ONCE(pcp->batch)` (order 0: batch unchanged) and
 *   rmqueue_bulk(zone, 0, batch, ...) takes `spin_lock(&zone->lock)` and moves `batch` pages from the buddy free
 *   lists with __rmqueue() one at a time (list work on struct pages, expand() splitting a larger block), then
 *   __mod_zone_page_state(zone, NR_FREE_PAGES, -i) and spin_unlock.
 * - pcp->batch is zone_batchsize(): min(managed_pages >> 10, 1 MiB / PAGE_SIZE) / 4, clamped to 2^n - 1: 63 for any
 *   zone of 1 GiB or more (Mel's /proc/zoneinfo in his pcp patches shows "batch: 63"). 6.7+ scales the refill by
 *   nr_pcp_alloc() (pcp->alloc_factor, up to high); the stored tree and 5.17 refill by batch alone.
 *
 * One zone per node takes the faults (ZONE_NORMAL; a first-touch anonymous fault allocates on the faulting CPU's
 * node), so zone->lock is a per-node spinlock, like the node's lru_lock (src/kernel/mm/pagevec-lru-add.ts) but taken
 * once per `batchPages` pages instead of once per PAGEVEC_SIZE. Per refill: an atomic on the lock word's line, the
 * queued spinlock, the zone's free-area lines (written by every refill: one transfer when another CPU refilled
 * last), and `batchPages * perPageNs` under the lock. How long __rmqueue() takes per page is not published:
 * `perPageNs` is an assumption and the notebook sweeps it. Freeing (free_pcppages_bulk at munmap) is after pft's
 * timed phase and is not modelled.
 */
import type { Process, Yielded } from "../../sim/process";
import type { Simulation } from "../../sim/simulation";
import type { CacheLine, CacheLineCosts, LineModel } from "../cpu/cacheline";
import type { Topology } from "../cpu/topology";
import { PerNodeSpinlock } from "../locking/per-node-spinlock";
import type { QueuedSpinlock } from "../locking/qspinlock";

export interface PcpListOptions {
  /** Pages per refill: pcp->batch (zone_batchsize(): 63 for zones of 1 GiB or more). */
  batchPages: number;
  /** Time under zone->lock per page moved (__rmqueue and the list add), ns; 0 leaves the lock out. */
  perPageNs: number;
  /** Cache-line model of the zone's lines (src/kernel/cpu/cacheline.ts); "fixed" unless given. */
  lineModel?: LineModel;
}

export class PcpLists {
  /** zone->lock of each node's ZONE_NORMAL, its lock word's line and the zone's free-area lines. */
  private readonly nodes: PerNodeSpinlock;
  /** zone->lock of each node's ZONE_NORMAL. */
  readonly zone_lock: QueuedSpinlock[];
  readonly lockLines: CacheLine[];
  /** The zone's free_area and vm_stat lines each refill writes. */
  readonly freeAreaLines: CacheLine[];
  /** pcp->count of each CPU (pages left on its list). */
  private readonly count: Int32Array;
  refills = 0;

  constructor(
    readonly sim: Simulation,
    readonly topology: Topology,
    lineCosts: CacheLineCosts,
    readonly options: PcpListOptions,
  ) {
    this.nodes = new PerNodeSpinlock(sim, topology, lineCosts, "zone_lock", "free_area", options.lineModel);
    this.zone_lock = this.nodes.locks;
    this.lockLines = this.nodes.lockLines;
    this.freeAreaLines = this.nodes.dataLines;
    this.count = new Int32Array(topology.cpus);
  }

  /** Whether the zone lock is modelled at all (perPageNs > 0). */
  get enabled(): boolean {
    return this.options.perPageNs > 0;
  }

  /**
   * rmqueue_pcplist() of one order-0 page on `cpu`: from the CPU's list, refilled by rmqueue_bulk() under the
   * node's zone->lock when empty. The time under the lock is not stretched by a busy SMT sibling (it waits on
   * struct page lines, as under lru_lock).
   */
  *rmqueue_pcplist(task: Process<any>, cpu: number): Generator<Yielded, void, unknown> {
    if (this.count[cpu] > 0) {
      this.count[cpu]--;
      return;
    }
    this.refills++;
    yield* this.nodes.batch(task, cpu, Math.round(this.options.batchPages * this.options.perPageNs));
    this.count[cpu] = this.options.batchPages - 1;
  }

  /**
   * free_unref_page() of a page the fault allocated and then dropped (a speculative fault that lost its sequence
   * releases its new page before it is redone): back on the CPU's own list, no shared line (pft never frees
   * enough for free_pcppages_bulk to run: the list stays under pcp->high).
   */
  free_unref_page(cpu: number): void {
    if (this.enabled) this.count[cpu]++;
  }
}
