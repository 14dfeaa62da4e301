/**
 * The maple tree as the page-fault path sees it, after lib/maple_tree.c (Linux 6.4), read at torvalds/linux
 * @002ebb925e2f (a 6.8+ copy: ma_state has a `status` field; ma_free_rcu and node death unchanged) with
 * include/linux/maple_tree.h @02fdb25fb41c (6.4-era: MAS_START node markers; mas_walk, mas_store declared).
 *
 * - mas_walk(): descends from the root to the leaf that holds the address, one node per level, under RCU only (the
 *   tree is RCU-safe: readers never take a lock).
 * - mas_store() (under mmap_lock held for write): a modified node is copied, the copy is published by one pointer
 *   store, and the old node is marked dead (mte_set_node_dead: parent = itself, smp_wmb) and freed after a grace
 *   period (ma_free_rcu -> call_rcu(&node->rcu, mt_free_rcu)); rebalancing also replaces the parent. We charge the
 *   whole root-to-leaf path as replaced.
 *
 * Cost model: depth = ceil(log_fanout(entries)) levels (fan-out 10 for internal nodes, MAPLE_ARANGE64_SLOTS, since
 * the mm's tree tracks gaps; 16 for leaves, MAPLE_RANGE64_SLOTS; the mechanisms file counts "about log16(#VMAs)
 * node reads"). Reading a node this CPU has cached costs `nodeReadNs`; after a writer replaced the path, the new
 * nodes are lines last written by the writer's CPU, so the first walk on every other CPU pays one line transfer per
 * level. Read-mostly nodes are shared by all readers: walks never write.
 */
import type { Simulation } from "../../sim/simulation";
import { InvariantViolation } from "../../sim/invariant";
import { CacheLine, type CacheLineCosts, type LineModel } from "../cpu/cacheline";
import type { Topology } from "../cpu/topology";
import type { Rcu } from "../rcu/tree";

export interface MapleTreeOptions {
  /** Entries (VMAs) in the tree. */
  entries: number;
  /** Effective fan-out per level (10 internal / 16 leaf in lib/maple_tree.c). */
  fanout: number;
  /** Reading one cached node, ns. */
  nodeReadNs: number;
  /** Cache-line model of the path line (src/kernel/cpu/cacheline.ts); "fixed" unless given. */
  lineModel?: LineModel;
}

/** Levels a walk visits: at least one (the root is a leaf for small trees). */
export function mapleDepth(entries: number, fanout: number): number {
  if (!(entries >= 1) || !(fanout >= 2))
    throw new RangeError(`maple tree: need entries >= 1 and fanout >= 2, got ${entries}, ${fanout}`);
  return Math.max(1, Math.ceil(Math.log(entries) / Math.log(fanout) - 1e-9));
}

export class MapleTree {
  readonly depth: number;
  /** Stands for the nodes on a path: a store rewrites them, a walk reads them. */
  readonly pathLine: CacheLine;
  walks = 0;
  stores = 0;
  /** Old nodes whose RCU free has run. */
  nodesFreed = 0;
  /** Old nodes unpublished and waiting for their grace period. */
  nodesPendingFree = 0;

  constructor(
    readonly sim: Simulation,
    readonly name: string,
    topology: Topology,
    lineCosts: CacheLineCosts,
    readonly options: MapleTreeOptions,
    /** When given, replaced nodes are freed through call_rcu, and the RCU invariant checks no walker still reads them. */
    private readonly rcu?: Rcu,
  ) {
    this.depth = mapleDepth(options.entries, options.fanout);
    this.pathLine = new CacheLine(sim, `${name}.path`, topology, lineCosts, { model: options.lineModel ?? "fixed" });
  }

  /**
   * mas_walk(): the cost in ns of finding the entry for an address on `cpu`. The caller must be inside an RCU
   * read-side section (or hold mmap_lock), and yields the cost.
   */
  mas_walk(cpu: number): number {
    this.walks++;
    const first = this.pathLine.read(cpu);
    const perLevel = first > this.pathLine.costs.localNs ? first : this.options.nodeReadNs;
    return this.depth * perLevel;
  }

  /**
   * mas_store() by a writer holding mmap_lock for write on `cpu`: copies the path, publishes it, and hands the old
   * nodes to call_rcu. Returns the ns the store takes (the writer's cost; readers pay on their next walk).
   */
  mas_store(cpu: number): number {
    this.stores++;
    const cost = this.pathLine.atomic(cpu);
    if (this.rcu) {
      const unpublishedNs = this.sim.now;
      const oldNodes = this.depth;
      this.nodesPendingFree += oldNodes;
      this.rcu.call_rcu(() => {
        // Rcu.rcu_do_batch has already checked that no walker that began before `unpublishedNs` is still inside.
        if (this.sim.now < unpublishedNs)
          throw new InvariantViolation(
            `maple tree ${this.name}`,
            this.sim.now,
            "nodes freed before they were unpublished",
          );
        this.nodesPendingFree -= oldNodes;
        this.nodesFreed += oldNodes;
      });
    }
    return cost + this.depth * this.options.nodeReadNs;
  }
}
