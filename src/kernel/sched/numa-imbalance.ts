/**
 * Where the NUMA level of the CFS scheduler puts the threads of one process, after kernel/sched/fair.c as it stood in
 * 5.11-5.17 (commit 7d2b5dd0bcc4, "sched/numa: Allow a floating imbalance between NUMA nodes", read in its patch mail
 * lore:20201120090630.3286-5-mgorman@techsingularity.net; the 5.16-5.17 calculate_imbalance() call read in the context
 * lines of lore:20211201151844.20488-2-mgorman@techsingularity.net). The stored torvalds/linux kernel/sched/fair.c
 * @04026c23c8d8 is later: from 5.18 (e496132ebedd) the threshold is sd->imb_numa_nr, and a 2022 fix ("sched/numa:
 * Apply imbalance limitations consistently") counts the task being placed (+1) and the local group's weight.
 *
 * - allow_numa_imbalance(dst_running, dst_weight): dst_running < dst_weight >> 2 (a quarter of the CPUs busy).
 * - find_idlest_group(), the group_has_spare case of an SD_NUMA domain, for a task being forked: stay on the local
 *   node while allow_numa_imbalance(local_sgs.sum_nr_running, sd->span_weight), a quarter of the whole domain (20 of
 *   Mel's 80 CPUs); otherwise the group with the most idle CPUs (`local_sgs.idle_cpus >= idlest_sgs.idle_cpus` keeps
 *   it local).
 * - calculate_imbalance(), local group with spare capacity and prefer_sibling (the NUMA level's child domain has
 *   SD_PREFER_SIBLING): imbalance = (busiest->sum_nr_running - local->sum_nr_running) >> 1 tasks, then
 *   adjust_numa_imbalance(imbalance, busiest->sum_nr_running, busiest->group_weight): an imbalance of at most
 *   NUMA_IMBALANCE_MIN (2) is left alone while the busiest node runs fewer than a quarter of its own CPUs.
 *
 * So the fork rule (a quarter of the domain) and the balancing rule (a quarter of a node) differ, which is what the
 * 2022 fix made consistent. What this file does not model is how fast the balancer moves a task that is running (a
 * busy thread alone on its CPU can only be moved by active balancing, after repeated failed attempts): the caller
 * takes the moves one at a time at an interval it is given.
 */

/** kernel/sched/fair.c NUMA_IMBALANCE_MIN: a pair of communicating tasks may stay on one node. */
export const NUMA_IMBALANCE_MIN = 2;

/** allow_numa_imbalance() (5.11-5.17): fewer than a quarter of `dstWeight` CPUs run tasks. */
export function allow_numa_imbalance(dstRunning: number, dstWeight: number): boolean {
  return dstRunning < dstWeight >> 2;
}

/** adjust_numa_imbalance() (5.11-5.17): 0 for a small imbalance while the node is lightly loaded. */
export function adjust_numa_imbalance(imbalance: number, dstRunning: number, dstWeight: number): number {
  if (!allow_numa_imbalance(dstRunning, dstWeight)) return imbalance;
  if (imbalance <= NUMA_IMBALANCE_MIN) return 0;
  return imbalance;
}

/**
 * find_idlest_group() at the NUMA level for a task forked on `localNode` (5.11-5.17, every node's group with spare
 * capacity): the node the new task starts on. `running[n]` counts the tasks running on node n.
 */
export function find_idlest_group_numa(running: readonly number[], cpusPerNode: number, localNode: number): number {
  const spanWeight = running.length * cpusPerNode;
  if (allow_numa_imbalance(running[localNode], spanWeight)) return localNode;
  let idlest = localNode;
  for (let n = 0; n < running.length; n++) if (running[n] < running[idlest]) idlest = n;
  // local_sgs.idle_cpus >= idlest_sgs.idle_cpus: a tie keeps the task local.
  return cpusPerNode - running[localNode] >= cpusPerNode - running[idlest] ? localNode : idlest;
}

/**
 * calculate_imbalance() between the busiest node and the least busy one, for a node with spare capacity
 * (5.16-5.17): the tasks to move, 0 when the balancer leaves the placement alone.
 */
export function calculate_imbalance_numa(
  running: readonly number[],
  cpusPerNode: number,
): { from: number; to: number; imbalance: number } {
  let from = 0;
  let to = 0;
  for (let n = 0; n < running.length; n++) {
    if (running[n] > running[from]) from = n;
    if (running[n] < running[to]) to = n;
  }
  const nrDiff = Math.max(0, running[from] - running[to]);
  const imbalance = adjust_numa_imbalance(nrDiff >> 1, running[from], cpusPerNode);
  return { from, to, imbalance };
}

export interface NumaPlacement {
  /** Threads per node as forked (the parent, thread 0, runs on node 0 and counts). */
  atFork: number[];
  /** The balancer's moves, one task each, in order, until calculate_imbalance() returns 0. */
  moves: Array<{ from: number; to: number }>;
  /** Threads per node once the balancer is done. */
  settled: number[];
}

/**
 * The placement of a process whose main thread, on node 0, creates `threads - 1` threads that all run from the
 * moment they exist (pft's workers spin on comm->go: gormanm/pft pft.c test_main), then the periodic balancer's moves.
 */
export function numaPlacement(threads: number, nodes: number, cpusPerNode: number): NumaPlacement {
  if (threads > nodes * cpusPerNode)
    throw new RangeError(`numaPlacement: ${threads} threads exceed ${nodes} x ${cpusPerNode} CPUs`);
  const running = new Array<number>(nodes).fill(0);
  running[0] = 1;
  for (let t = 1; t < threads; t++) {
    let node = find_idlest_group_numa(running, cpusPerNode, 0);
    // A full node cannot take another running thread on a CPU of its own (pft runs at most one per CPU).
    if (running[node] >= cpusPerNode) node = running.findIndex((r) => r < cpusPerNode);
    running[node]++;
  }
  const atFork = running.slice();
  const moves: Array<{ from: number; to: number }> = [];
  for (;;) {
    const { from, to, imbalance } = calculate_imbalance_numa(running, cpusPerNode);
    if (imbalance <= 0) break;
    running[from]--;
    running[to]++;
    moves.push({ from, to });
  }
  return { atFork, moves, settled: running };
}
