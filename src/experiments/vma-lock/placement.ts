/**
 * Where pft's threads run. CPU ids are socket-major (src/kernel/cpu/topology.ts): socket s owns CPUs
 * [s * cpusPerSocket, (s + 1) * cpusPerSocket); inside a socket, CPU core + k * coresPerSocket is the k-th
 * hardware thread of `core`. Thread i runs on placement order position i.
 */
import { numaPlacement } from "../../kernel/sched/numa-imbalance";

export interface Machine {
  sockets: number;
  cpusPerSocket: number;
  smtWays: number;
  /** A core's throughput with all its hardware threads busy, relative to one thread alone. */
  smtThroughput: number;
  placement: "spread" | "packed" | "numa-5.17";
}

export function checkMachine(m: Machine, threads: number): void {
  if (m.cpusPerSocket % m.smtWays !== 0)
    throw new RangeError(`cpusPerSocket (${m.cpusPerSocket}) must be a multiple of smtWays (${m.smtWays})`);
  const cpus = m.sockets * m.cpusPerSocket;
  if (threads > cpus)
    throw new RangeError(`threads (${threads}) exceeds the machine's ${cpus} CPUs (sockets * cpusPerSocket)`);
}

/**
 * The CPU of the i-th thread. spread: sockets alternate, and every core of a socket gets one thread before any
 * gets a second (the scheduler prefers idle cores, then idle siblings); packed: socket 0 fills first, cores before
 * siblings. numa-5.17 places by node counts (threadCpus); alone, a thread's CPU is taken as under spread.
 */
export function cpuOfThread(m: Machine, i: number): number {
  const cores = m.cpusPerSocket / m.smtWays;
  const total = m.sockets * m.cpusPerSocket;
  const j = i % total;
  let socket: number;
  let k: number;
  if (m.placement !== "packed") {
    socket = j % m.sockets;
    k = Math.floor(j / m.sockets);
  } else {
    socket = Math.floor(j / m.cpusPerSocket);
    k = j % m.cpusPerSocket;
  }
  const core = k % cores;
  const sibling = Math.floor(k / cores);
  return socket * m.cpusPerSocket + sibling * cores + core;
}

/**
 * The CPUs of `threads` threads. Under numa-5.17 `nodeThreads` (default: where the balancer settles,
 * src/kernel/sched/numa-imbalance.ts) gives each node's count; node n's threads come after node n-1's, each node's
 * take its cores before their siblings (the node-level balancer and select_idle_sibling prefer idle cores).
 */
export function threadCpus(m: Machine, threads: number, nodeThreads?: readonly number[]): number[] {
  if (m.placement !== "numa-5.17") return Array.from({ length: threads }, (_, i) => cpuOfThread(m, i));
  const counts = nodeThreads ?? numaPlacement(threads, m.sockets, m.cpusPerSocket).settled;
  if (counts.length !== m.sockets || counts.reduce((a, b) => a + b, 0) !== threads)
    throw new RangeError(`nodeThreads [${counts.join(", ")}] must give ${m.sockets} nodes ${threads} threads in all`);
  const cores = m.cpusPerSocket / m.smtWays;
  const out: number[] = [];
  counts.forEach((n, node) => {
    for (let k = 0; k < n; k++) out.push(node * m.cpusPerSocket + Math.floor(k / cores) * cores + (k % cores));
  });
  return out;
}

/**
 * How much each thread's CPU work stretches because other threads share its core: with b busy hardware threads on
 * a core, the core delivers 1 + (smtThroughput - 1) * (b - 1) / (smtWays - 1) threads' worth, shared equally.
 */
export function smtSlowdowns(m: Machine, cpus: number[]): Float64Array {
  const cores = m.cpusPerSocket / m.smtWays;
  const coreOf = (cpu: number) => Math.floor(cpu / m.cpusPerSocket) * cores + ((cpu % m.cpusPerSocket) % cores);
  const busy = new Map<number, number>();
  for (const c of cpus) busy.set(coreOf(c), (busy.get(coreOf(c)) ?? 0) + 1);
  const out = new Float64Array(cpus.length);
  cpus.forEach((c, i) => {
    const b = busy.get(coreOf(c))!;
    const coreThroughput = m.smtWays === 1 ? 1 : 1 + ((m.smtThroughput - 1) * (b - 1)) / (m.smtWays - 1);
    out[i] = b / coreThroughput;
  });
  return out;
}

/**
 * How much each thread's CPU work stretches because its socket's clock falls as more of its cores are busy (turbo
 * bins by active cores): with a busy cores of c, the clock is 1 - (1 - allCoreRatio) * (a - 1) / (c - 1) of the
 * one-core clock. The writer thread is not counted (it is mostly idle).
 */
export function turboSlowdowns(m: Machine, cpus: number[], allCoreRatio: number): Float64Array {
  const out = new Float64Array(cpus.length).fill(1);
  if (allCoreRatio >= 1) return out;
  const cores = m.cpusPerSocket / m.smtWays;
  const coreOf = (cpu: number) => (cpu % m.cpusPerSocket) % cores;
  const busyCores = Array.from({ length: m.sockets }, () => new Set<number>());
  for (const c of cpus) busyCores[Math.floor(c / m.cpusPerSocket)].add(coreOf(c));
  cpus.forEach((c, i) => {
    const active = busyCores[Math.floor(c / m.cpusPerSocket)].size;
    const clock = cores === 1 ? 1 : 1 - ((1 - allCoreRatio) * (active - 1)) / (cores - 1);
    out[i] = 1 / clock;
  });
  return out;
}
