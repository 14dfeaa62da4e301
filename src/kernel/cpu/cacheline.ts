/**
 * One cache line that CPUs read and write with plain loads, stores and atomics (a lock word, a reference count, a
 * sequence count). Two models, chosen per line with `{ model }` (the vma-lock experiment's `lineModel` parameter):
 *
 * - "fixed" (the default of the class, and the model every line had before issue 13): an atomic needs the line
 *   exclusive, so a CPU that does not own it pays one transfer (cheaper within a socket than across), and atomics are
 *   serialised, each starting when the previous one completes. Reads cost a transfer when the line was written since
 *   the CPU last saw it, are not serialised with anything, and do not disturb the owner. A cmpxchg never fails.
 * - "queued": the line is a server with a FIFO queue of requests (the directory / home agent that orders ownership
 *   changes). Every miss waits for the requests ahead of it and then for its own transfer. A read miss adds the CPU
 *   to the sharers and takes the line out of the owner's exclusive state (shared readers "pull it shared"); an
 *   exclusive request (atomic, store, cmpxchg, prefetchw) invalidates every other copy, and costs a cross-socket
 *   transfer when any copy it invalidates, or the data, is on another socket. A CPU that holds a valid copy hits
 *   locally, after its own transfer in flight has completed.
 *   A cmpxchg fails when another CPU changed the line's value after this CPU last read it (another writer won the line
 *   in between), as the try_cmpxchg loops of kernel/locking/rwsem.c (__down_read_trylock, read at
 *   GrapheneOS/kernel_common-6.1 @dfdcb1dd) and kernel/locking/qrwlock.c do; the failed cmpxchg still took the line
 *   exclusive and returned the new value, and the loop's retry a few instructions later runs on the line this CPU now
 *   owns (it is counted in cmpxchgFailures and costs `localNs`).
 *   Merging: an access a CPU issues while its own request to the line is still in flight, or within `localNs` of that
 *   request's completion (the dependent load -> lock cmpxchg -> store of a trylock, or a load behind the CPU's own
 *   prefetchw), is served by that request, at its place in the queue: a core keeps one request per line in flight and
 *   executes the dependent instructions on the line before the next snoop the home agent forwards reaches it. So a
 *   read that missed and the cmpxchg right behind it cost one transfer and cannot fail; a cmpxchg fails only when its
 *   read hit a shared copy and the upgrade had to queue behind other CPUs' writes. Without the merge rule a contended
 *   trylock would pay two full transfers, which Michel Lespinasse's three published SPF figures rule out (docs/
 *   fidelity/003-vma-lock.md).
 *
 * Requests are ordered when they are issued (FIFO by issue time), so the state a request finds is the state the
 * requests issued before it left behind, and its completion time is known when it is issued: callers yield the
 * returned ns, as with the fixed model. Not modelled in either: real home agents serve reads of a clean shared line
 * in parallel (here every miss is serialised), adaptive back-off in hardware, and SMT siblings sharing an L1 (two
 * hyperthreads of one core pay a same-socket transfer).
 *
 * How another model selects the queued line (e.g. qrwlock's `cnts` for fid000): `new CacheLine(sim, name, topology,
 * costs, { model: "queued" })`; atomic(cpu) and read(cpu) keep their meaning, so a user that only issues atomics gets
 * the queueing and the invalidation of sharers without any other change, and a try_cmpxchg loop is
 * `const ns = line.read(cpu); const old = line.observedVersion; yield ns; ... yield line.cmpxchg(cpu, old)`.
 */
import type { Simulation } from "../../sim/simulation";
import type { Topology } from "./topology";

export interface CacheLineCosts {
  /** An access to a line this CPU already holds in the state it needs, ns. */
  localNs: number;
  /** Moving the line from another CPU on the same socket, ns. */
  sameSocketNs: number;
  /** Moving the line from another socket, ns. */
  crossSocketNs: number;
}

export const DEFAULT_LINE_COSTS: CacheLineCosts = { localNs: 5, sameSocketNs: 60, crossSocketNs: 200 };

export type LineModel = "queued" | "fixed";
export const LINE_MODELS: readonly LineModel[] = ["queued", "fixed"];

export interface CacheLineOptions {
  /** "fixed" (default here) or "queued"; see the file header. */
  model?: LineModel;
}

export class CacheLine {
  readonly model: LineModel;
  /** fixed: the last writer; queued: the exclusive owner (-1 while the line is shared or untouched). */
  private owner = -1;
  private busyUntilNs = 0;
  /** fixed: bumped on every write; a CPU's copy is valid while it saw the current version. */
  private version = 0;
  private readonly seenVersion: Int32Array;
  /** queued: which CPUs hold a valid copy once every request issued so far has been served. */
  private readonly holds: Uint8Array;
  private readonly holders: number[] = [];
  private readonly holdersBySocket: Int32Array;
  /** queued: when the last transfer into each CPU's cache completes (a hit waits for it). */
  private readonly readyAtNs: Float64Array;
  /** queued: whether the CPU has had a request served, and the value version its last request left it with. */
  private readonly served: Uint8Array;
  private readonly slotVersion: Float64Array;
  /** The line's contents: bumped by every access that changes them (atomics, stores, successful cmpxchg). */
  valueVersion = 0;
  /**
   * The value version the last read or cmpxchg returned (try_cmpxchg's `old`). Read it right after the call, before
   * yielding: another CPU's access overwrites it.
   */
  observedVersion = 0;
  transfers = 0;
  crossSocketTransfers = 0;
  atomics = 0;
  reads = 0;
  cmpxchgs = 0;
  /** cmpxchg attempts that found the value changed since the CPU's last read (each followed by a local retry). */
  cmpxchgFailures = 0;
  /** prefetchw() requests sent to the line's server (not counted in queuedRequests: nobody waits for them). */
  prefetches = 0;
  /** queued: accesses served by the same CPU's request in flight or just completed (see "Merging"). */
  merged = 0;
  /** Requests that waited for the line's server (misses; fixed: atomics), and their total wait before service, ns. */
  queuedRequests = 0;
  queueWaitNsTotal = 0;
  /** Total ns the line was busy serving transfers; divided by elapsed time it is the line's utilisation. */
  busyNsTotal = 0;

  constructor(
    readonly sim: Simulation,
    readonly name: string,
    readonly topology: Topology,
    readonly costs: CacheLineCosts = DEFAULT_LINE_COSTS,
    options: CacheLineOptions = {},
  ) {
    this.model = options.model ?? "fixed";
    if (this.model !== "fixed" && this.model !== "queued")
      throw new RangeError(`cache line ${name}: model must be "queued" or "fixed", got ${String(this.model)}`);
    this.seenVersion = new Int32Array(topology.cpus).fill(-1);
    this.holds = new Uint8Array(topology.cpus);
    this.holdersBySocket = new Int32Array(topology.sockets);
    this.readyAtNs = new Float64Array(topology.cpus);
    this.served = new Uint8Array(topology.cpus);
    this.slotVersion = new Float64Array(topology.cpus);
  }

  /** Mean wait of a queued request before its transfer began, ns (0 when none queued). */
  get queueMeanNs(): number {
    return this.queuedRequests > 0 ? this.queueWaitNsTotal / this.queuedRequests : 0;
  }

  /**
   * An atomic read-modify-write by `cpu` issued now (fetch_add, xchg, a cmpxchg that cannot fail), followed by
   * `localOps` accesses to the same line while this CPU owns it (e.g. rwsem_set_reader_owned's read and store of
   * sem->owner). Returns the ns until it completes; the caller yields that long.
   */
  atomic(cpu: number, localOps = 0): number {
    this.atomics++;
    return this.model === "fixed"
      ? this.fixedAtomic(cpu) + localOps * this.costs.localNs
      : this.exclusive(cpu, true, localOps);
  }

  /** A plain store (WRITE_ONCE, atomic_long_set): it needs the line exclusive like an atomic. */
  store(cpu: number): number {
    return this.model === "fixed" ? this.fixedAtomic(cpu) : this.exclusive(cpu, true, 0);
  }

  /** A plain read by `cpu`; leaves the value it saw in observedVersion. */
  read(cpu: number): number {
    this.reads++;
    if (this.model !== "fixed") return this.sharedRead(cpu);
    this.observedVersion = this.valueVersion;
    return this.fixedRead(cpu);
  }

  /**
   * try_cmpxchg by `cpu` expecting the value it last saw (`expectedVersion`, from observedVersion after its read),
   * then `localOps` accesses while it owns the line. Queued: fails when the value changed since, counts the failure,
   * and retries locally once (the retry cannot fail: this CPU owns the line). Fixed: an atomic that never fails.
   * Always ends having written the line; returns the ns until done.
   */
  cmpxchg(cpu: number, expectedVersion: number, localOps = 0): number {
    this.cmpxchgs++;
    if (this.model === "fixed") {
      const ns = this.fixedAtomic(cpu) + localOps * this.costs.localNs;
      this.observedVersion = this.valueVersion;
      return ns;
    }
    // The value this cmpxchg will find: the one its own request in flight delivered (merge), or the line's latest.
    const seen = this.merges(cpu, this.sim.now) && !this.holds[cpu] ? this.slotVersion[cpu] : this.valueVersion;
    const failed = seen !== expectedVersion;
    if (failed) this.cmpxchgFailures++;
    const ns = this.exclusive(cpu, true, localOps + (failed ? 1 : 0));
    this.observedVersion = this.slotVersion[cpu];
    return ns;
  }

  /**
   * prefetchw(): ask for the line exclusive without waiting (queued only; the fixed model has no prefetch). It takes
   * the line and invalidates the sharers like a store but changes no value; a later access by `cpu` hits once it has
   * arrived, unless another CPU took the line in between.
   */
  prefetchw(cpu: number): void {
    if (this.model !== "queued") return;
    // A core keeps one request per line in flight: a prefetch while its own transfer is pending adds nothing.
    if (this.readyAtNs[cpu] > this.sim.now || (this.holds[cpu] && this.holders.length === 1)) return;
    this.prefetches++;
    this.exclusive(cpu, false, 0, false);
  }

  /**
   * A store the CPU does not wait for (it retires from the store buffer while the line is fetched), e.g.
   * rwsem_set_reader_owned() writing sem->owner on a line of its own. Queued only; a no-op on a "fixed" line.
   */
  storeAsync(cpu: number): void {
    if (this.model !== "queued") return;
    this.exclusive(cpu, true, 0, false);
  }

  // ---- fixed ------------------------------------------------------------------------------------------------------

  private fixedTransferCost(cpu: number): number {
    if (this.owner === cpu) return this.costs.localNs;
    this.transfers++;
    if (this.owner >= 0 && !this.topology.sameSocket(this.owner, cpu)) {
      this.crossSocketTransfers++;
      return this.costs.crossSocketNs;
    }
    return this.owner < 0 ? this.costs.localNs : this.costs.sameSocketNs;
  }

  private fixedAtomic(cpu: number): number {
    const now = this.sim.now;
    const start = this.busyUntilNs > now ? this.busyUntilNs : now;
    if (start > now) {
      this.queuedRequests++;
      this.queueWaitNsTotal += start - now;
    }
    const cost = this.fixedTransferCost(cpu);
    this.owner = cpu;
    this.busyUntilNs = start + cost;
    this.version++;
    this.valueVersion++;
    this.seenVersion[cpu] = this.version;
    this.busyNsTotal += cost;
    return this.busyUntilNs - now;
  }

  private fixedRead(cpu: number): number {
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

  // ---- queued -----------------------------------------------------------------------------------------------------

  /** A hit waits only for this CPU's own transfer in flight; then `ops` local accesses. */
  private hit(cpu: number, now: number, ops: number): number {
    const ready = this.readyAtNs[cpu] - now;
    return (ready > 0 ? ready : 0) + ops * this.costs.localNs;
  }

  /** True when an access by `cpu` issued now is served by its own previous request (see "Merging" above). */
  private merges(cpu: number, now: number): boolean {
    return this.served[cpu] === 1 && this.readyAtNs[cpu] + this.costs.localNs >= now;
  }

  /** Queues a miss behind every request issued before it; returns when its transfer completes, as ns from now. */
  private serve(cpu: number, now: number, transferNs: number, cross: boolean, waited: boolean): number {
    const start = this.busyUntilNs > now ? this.busyUntilNs : now;
    if (waited) {
      this.queuedRequests++;
      this.queueWaitNsTotal += start - now;
    }
    this.busyUntilNs = start + transferNs;
    this.busyNsTotal += transferNs;
    this.readyAtNs[cpu] = this.busyUntilNs;
    this.served[cpu] = 1;
    if (transferNs !== this.costs.localNs) this.transfers++;
    if (cross) this.crossSocketTransfers++;
    return this.busyUntilNs - now;
  }

  private addHolder(cpu: number): void {
    if (this.holds[cpu]) return;
    this.holds[cpu] = 1;
    this.holders.push(cpu);
    this.holdersBySocket[this.topology.socketOf(cpu)]++;
  }

  private clearHolders(): void {
    for (const c of this.holders) {
      this.holds[c] = 0;
      this.holdersBySocket[this.topology.socketOf(c)]--;
    }
    this.holders.length = 0;
  }

  private exclusive(cpu: number, changesValue: boolean, ops: number, waited = true): number {
    const now = this.sim.now;
    let ns: number;
    if (this.holds[cpu] && this.holders.length === 1) {
      // Owned (or held alone, an E-state copy): no transfer, no request to the line's server.
      ns = this.hit(cpu, now, 1 + ops);
      if (changesValue) this.slotVersion[cpu] = ++this.valueVersion;
      this.owner = cpu;
      return ns;
    }
    if (this.merges(cpu, now)) {
      // Served by this CPU's request in flight or just completed, before the next requester gets the line.
      this.merged++;
      ns = this.hit(cpu, now, 1 + ops);
      if (changesValue) {
        this.valueVersion++;
        this.slotVersion[cpu]++;
      }
      return ns;
    }
    const socket = this.topology.socketOf(cpu);
    const others = this.holders.length - (this.holds[cpu] ? 1 : 0);
    const remote = this.holders.length - this.holdersBySocket[socket];
    const transferNs =
      others === 0 ? this.costs.localNs : remote > 0 ? this.costs.crossSocketNs : this.costs.sameSocketNs;
    ns = this.serve(cpu, now, transferNs, others > 0 && remote > 0, waited) + ops * this.costs.localNs;
    this.clearHolders();
    this.addHolder(cpu);
    this.owner = cpu;
    if (changesValue) this.valueVersion++;
    this.slotVersion[cpu] = this.valueVersion;
    return ns;
  }

  /** A read: a hit on a valid copy, a merge into the CPU's own request, or a queued fill (M -> S at the owner). */
  private sharedRead(cpu: number): number {
    const now = this.sim.now;
    if (this.holds[cpu]) {
      this.observedVersion = this.valueVersion;
      return this.hit(cpu, now, 1);
    }
    if (this.merges(cpu, now)) {
      this.merged++;
      this.observedVersion = this.slotVersion[cpu];
      return this.hit(cpu, now, 1);
    }
    let transferNs = this.costs.localNs;
    let cross = false;
    if (this.holders.length > 0) {
      const near = this.holdersBySocket[this.topology.socketOf(cpu)] > 0;
      transferNs = near ? this.costs.sameSocketNs : this.costs.crossSocketNs;
      cross = !near;
    }
    const ns = this.serve(cpu, now, transferNs, cross, true);
    this.owner = -1;
    this.addHolder(cpu);
    this.slotVersion[cpu] = this.valueVersion;
    this.observedVersion = this.valueVersion;
    return ns;
  }
}
