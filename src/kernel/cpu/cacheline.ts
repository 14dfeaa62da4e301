/**
 * One cache line that CPUs write with atomics (a lock word, a reference count, a sequence count).
 *
 * MESI in one rule: an atomic needs the line exclusive, so a CPU that does not own it waits for a transfer from
 * the owner (cheaper within a socket than across), and atomics on one line are serialised: each starts when the
 * previous one completes. Under contention the line, not the code, sets the pace, and the cost per operation grows
 * with the share of transfers that cross sockets. Reads of a line another CPU modified cost one transfer, after
 * which readers share it until the next write.
 */
import type { Simulation } from "../../sim/simulation";
import type { Topology } from "./topology";

export interface CacheLineCosts {
  /** An atomic on a line this CPU already owns, ns. */
  localNs: number;
  /** Moving the line from another CPU on the same socket, ns. */
  sameSocketNs: number;
  /** Moving the line from another socket, ns. */
  crossSocketNs: number;
}

export const DEFAULT_LINE_COSTS: CacheLineCosts = { localNs: 5, sameSocketNs: 60, crossSocketNs: 200 };

export class CacheLine {
  private owner = -1;
  private busyUntilNs = 0;
  /** Bumped on every write; a CPU's copy is valid while it saw the current version. */
  private version = 0;
  private readonly seenVersion: Int32Array;
  transfers = 0;
  crossSocketTransfers = 0;
  atomics = 0;
  /** Total ns the line was busy serving atomics; divided by elapsed time it is the line's utilisation. */
  busyNsTotal = 0;

  constructor(
    readonly sim: Simulation,
    readonly name: string,
    readonly topology: Topology,
    readonly costs: CacheLineCosts = DEFAULT_LINE_COSTS,
  ) {
    this.seenVersion = new Int32Array(topology.cpus).fill(-1);
  }

  private transferCost(cpu: number): number {
    if (this.owner === cpu) return this.costs.localNs;
    this.transfers++;
    if (this.owner >= 0 && !this.topology.sameSocket(this.owner, cpu)) {
      this.crossSocketTransfers++;
      return this.costs.crossSocketNs;
    }
    return this.owner < 0 ? this.costs.localNs : this.costs.sameSocketNs;
  }

  /**
   * An atomic read-modify-write by `cpu` issued now. Returns the ns until it completes (queueing behind earlier
   * atomics on this line plus this one's transfer); the caller yields that long.
   */
  atomic(cpu: number): number {
    const now = this.sim.now;
    const start = this.busyUntilNs > now ? this.busyUntilNs : now;
    const cost = this.transferCost(cpu);
    this.owner = cpu;
    this.busyUntilNs = start + cost;
    this.version++;
    this.seenVersion[cpu] = this.version;
    this.atomics++;
    this.busyNsTotal += cost;
    return this.busyUntilNs - now;
  }

  /** A plain read by `cpu`: local if its copy is current, else one transfer (not serialised with other reads). */
  read(cpu: number): number {
    if (this.seenVersion[cpu] === this.version) return this.costs.localNs;
    this.seenVersion[cpu] = this.version;
    const cost =
      this.owner < 0 || this.owner === cpu
        ? this.costs.localNs
        : this.topology.sameSocket(this.owner, cpu)
          ? this.costs.sameSocketNs
          : this.costs.crossSocketNs;
    if (cost !== this.costs.localNs) this.transfers++;
    return cost;
  }
}
