/**
 * Where CPUs sit: sockets of `cpusPerSocket` CPUs each, numbered socket-major. Line-transfer costs depend on
 * whether two CPUs share a socket. Defaults are secondary-source figures (mechanisms-notifiers-vma-rcu.md, E3):
 * local DRAM about 90 ns, remote about 140 ns; a contended line moved between sockets costs more, 100-300 ns.
 * Follows no kernel file: a machine description (the kernel's own view is the topology_* and cpu_to_node() maps);
 * socket-major numbering is this model's convention, not Linux's, which often interleaves sockets or SMT siblings.
 * Its two costs stand for include/linux/topology.h's node_distance() (LOCAL_DISTANCE 10, REMOTE_DISTANCE 20), read at
 * torvalds/linux @0008bf54408d, a 2.6-era copy; where 6.6 keeps those definitions was not checked.
 */
export interface TopologyOptions {
  cpus: number;
  cpusPerSocket?: number;
}

export class Topology {
  readonly cpus: number;
  readonly cpusPerSocket: number;

  constructor(options: TopologyOptions) {
    if (!Number.isInteger(options.cpus) || options.cpus < 1)
      throw new RangeError(`topology: cpus must be an integer >= 1, got ${options.cpus}`);
    this.cpus = options.cpus;
    this.cpusPerSocket = options.cpusPerSocket ?? options.cpus;
    if (!Number.isInteger(this.cpusPerSocket) || this.cpusPerSocket < 1)
      throw new RangeError(`topology: cpusPerSocket must be an integer >= 1`);
  }

  socketOf(cpu: number): number {
    return Math.floor(cpu / this.cpusPerSocket);
  }

  sameSocket(a: number, b: number): boolean {
    return this.socketOf(a) === this.socketOf(b);
  }

  get sockets(): number {
    return Math.ceil(this.cpus / this.cpusPerSocket);
  }
}
