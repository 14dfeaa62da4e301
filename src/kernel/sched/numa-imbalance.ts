/**
 * Where the NUMA level of the CFS scheduler puts the threads of one process, after kernel/sched/fair.c as it stood in
 * 5.11-5.17. Read in 0day-ci/linux kernel/sched/fair.c @00f0e270f61d (a v5.14-rc tree; the functions below are as
 * 7d2b5dd0bcc4 "sched/numa: Allow a floating imbalance between NUMA nodes" and 23e6082a522e "sched: Limit the amount
 * of NUMA imbalance that can exist at fork time" left them in v5.11), and checked against the "-" lines of the
 * Feb 2022 patches posted on 5.17-rc tip (2cfb7a1b031b, e496132ebedd, both merged for v5.18). The stored
 * torvalds/linux copies are older: fair.c @04026c23c8d8 is an Android 4.x tree and @000619680c37 about v5.6
 * (calculate_imbalance's inline `imbalance_min = 2` block; find_idlest_group keeps a task local while its node has
 * any idle CPU). Later kernels changed both rules: 5.18 counts the task being placed (+1) against the local
 * group's weight and then sd->imb_numa_nr; v6.0's cb29a5c19d2d ("sched/numa: Apply imbalance limitations
 * consistently") made fork and balancing agree.
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
 * 2022 fix made consistent. How fast the balancer moves a task that is running is left to the caller (one move per
 * interval): can_migrate_task() refuses a running task and load_balance() offers detach_tasks() no CPU with a single
 * task, so a busy thread alone on its CPU moves only when need_active_balance() -> imbalanced_active_balance() sees
 * nr_balance_failed > cache_nice_tries + 2, the 5th failed attempt at the NUMA level (cache_nice_tries 2, attempts
 * every min_interval = sd_weight = 80 ms of the 80-CPU domain, kernel/sched/topology.c sd_init() in 0day-ci/linux
 * @035814a878b0, a 5.16/5.17 tree). Only the first idle CPU of the node balances (should_we_balance()); after a move
 * active_load_balance_cpu_stop() resets nr_balance_failed, and a CPU that had been turned away by should_we_balance()
 * has doubled its balance_interval up to max_interval (160 ms), so a move takes 4 x 80 ms plus 0-160 ms: 0.32-0.48 s.
 * Inert for pft, so not modelled: automatic NUMA balancing. pft's launch() runs in a fork()ed child, so
 * init_numa_balancing() starts it with no preferred node (a new address space), its threads share that, and pft
 * writes each page once, so no NUMA hinting fault gives them one during the run.
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
