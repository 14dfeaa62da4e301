/**
 * pft's elapsed time when the scheduler moves its threads between nodes while they fault (placement numa-5.17 with
 * numaMoveIntervalMs > 0). pft creates its workers, which spin on comm->go from the moment they exist; its main
 * thread sleeps 0.5 ms (`struct timespec sleepfor = { 0, 500000L }`, whose comment says "0.5 sec"), waits for every
 * worker to be ready, sets go and runs as worker 0 (gormanm/pft pft.c @55a9be78: test_main, launch()). Each worker
 * faults bytes / nr_tests; the elapsed time is the first start to the last end.
 *
 * The placement starts where fork put the threads and takes the balancer's moves (src/kernel/sched/numa-imbalance.ts)
 * one every `numaMoveIntervalMs`, counted from the threads' creation (a move that fell in the wait before the go would
 * happen before any fault; at 0.5 ms none does). Between two moves every thread faults at its node's rate in that placement, measured by one run of
 * the model at that placement (same seed); a moved thread keeps what it has done and goes on at its new node's rate.
 * The elapsed time is when the last thread has done its share. Threads that finish early are taken as still faulting
 * (their node's rate does not rise as they leave): pft's elapsed is set by the slowest, as in elapsedS.
 */
import { numaPlacement } from "../../kernel/sched/numa-imbalance";
import { msToNs, nsToS } from "../../sim/time";
import { runPft, type PftParams } from "./model";
import { smtSlowdowns } from "./placement";

/** pft.c launch(): nanosleep of 0.5 ms (tv_nsec 500000) between creating the workers and the go. */
export const PFT_GO_DELAY_MS = 0.5;

/**
 * Faults per second of the thread at each position of each node, from one run of the model with `nodeThreads` per
 * node: threads of one node with the same SMT sharing are alike, so each gets its kind's mean.
 */
function positionRates(p: PftParams, seed: number, nodeThreads: readonly number[]): number[][] {
  const r = runPft(p, seed, { nodeThreads });
  const slow = smtSlowdowns(p, r.threadCpus);
  const seconds = nsToS(msToNs(p.durationMs));
  const kinds = new Map<string, { n: number; sum: number }>();
  const keyOf = (i: number) => `${Math.floor(r.threadCpus[i] / p.cpusPerSocket)}:${slow[i]}`;
  r.threadCpus.forEach((_, i) => {
    const k = kinds.get(keyOf(i)) ?? { n: 0, sum: 0 };
    k.n++;
    k.sum += r.faultsByThread[i];
    kinds.set(keyOf(i), k);
  });
  const out: number[][] = nodeThreads.map(() => []);
  r.threadCpus.forEach((cpu, i) => {
    const k = kinds.get(keyOf(i))!;
    out[Math.floor(cpu / p.cpusPerSocket)].push(k.sum / k.n / seconds);
  });
  return out;
}

export interface PftTimeline {
  /** pft's elapsed time, s. */
  elapsedS: number;
  /** Threads per node when the faults begin (after any move of the wait before the go). */
  atGo: number[];
  /** Threads per node at the end. */
  atEnd: number[];
  /** Moves made while the threads faulted. */
  movesDuringRun: number;
}

/** pft's elapsed time for `pftFaults` faults when the balancer moves one thread every numaMoveIntervalMs. */
export function pftElapsedOverMoves(p: PftParams, seed: number, pftFaults: number): PftTimeline {
  const intervalS = p.numaMoveIntervalMs / 1000;
  const plan = numaPlacement(p.threads, p.sockets, p.cpusPerSocket);
  // Each node's threads in order (thread 0, pft's main thread, first on node 0): position k of a node runs on its
  // k-th CPU in placement order (threadCpus), so a moved thread goes to the end of its new node's list.
  const onNode: number[][] = [];
  let id = 0;
  for (const n of plan.atFork) onNode.push(Array.from({ length: n }, () => id++));
  const counts = () => onNode.map((l) => l.length);
  let next = 0;
  const move = () => {
    const { from, to } = plan.moves[next++];
    // The balancer moves some thread of the busiest node: take its last.
    onNode[to].push(onNode[from].pop()!);
  };
  const beforeGo = Math.min(plan.moves.length, Math.floor(PFT_GO_DELAY_MS / p.numaMoveIntervalMs));
  for (let k = 0; k < beforeGo; k++) move();
  const atGo = counts();
  const remaining = new Array<number>(p.threads).fill(pftFaults / p.threads);
  let t = 0;
  // Time from the go to the next move.
  let toMove = (beforeGo + 1) * intervalS - PFT_GO_DELAY_MS / 1000;
  const measured = new Map<string, number[][]>();
  for (;;) {
    const now = counts();
    const key = now.join("/");
    let rates = measured.get(key);
    if (!rates) measured.set(key, (rates = positionRates(p, seed, now)));
    const rateOf = new Array<number>(p.threads);
    onNode.forEach((l, node) => l.forEach((thread, k) => (rateOf[thread] = rates![node][k])));
    let last = 0;
    for (let i = 0; i < p.threads; i++) last = Math.max(last, remaining[i] / rateOf[i]);
    if (next >= plan.moves.length || last <= toMove) {
      return { elapsedS: t + last, atGo, atEnd: now, movesDuringRun: next - beforeGo };
    }
    for (let i = 0; i < p.threads; i++) remaining[i] = Math.max(0, remaining[i] - rateOf[i] * toMove);
    t += toMove;
    move();
    toMove = intervalS;
  }
}
