/**
 * kvm->mmu_lock on arm64 (and x86): an rwlock_t because both define KVM_HAVE_MMU_RWLOCK (include/linux/kvm_host.h,
 * Linux 6.6). KVM_MMU_LOCK() is write_lock() (virt/kvm/kvm_mm.h); stage-2 faults take read_lock() since commit
 * 1577cb5823ce (6.2 cycle). Underneath it is either the kernel's queued rwlock (arm64 selects
 * ARCH_USE_QUEUED_RWLOCKS) or, for contrast, a reader-preferring rwlock.
 *
 * This wrapper adds what the lock itself does not know and the experiment needs:
 * - the lock word's cache line: a fast-path acquisition is an atomic on `cnts` (atomic_add_return_acquire or
 *   cmpxchg), cheap when this CPU owned the line last and a transfer when another CPU did; the release is another
 *   atomic on the same line (atomic_sub_return_release / smp_store_release);
 * - who asked for the lock where ("site": a stage-2 fault, an aging notifier call, an unmap), with per-site waits;
 * - the writer's wait bound from the lock's state when the writer starts to spin (see `writerBoundNs`), checked
 *   against the wait it then gets.
 *
 * Holders declare their hold time when they ask (the model draws it first), which is what makes the bound
 * computable; the lock never uses it to decide anything.
 */
import { CONTINUE, PARK, type Process, type Yielded } from "../../sim/process";
import type { Simulation } from "../../sim/simulation";
import { Histogram } from "../../sim/stats/histogram";
import { InvariantViolation } from "../../sim/invariant";
import { Qrwlock } from "../locking/qrwlock";
import { ReaderPreferringRwlock } from "../locking/rwlock-reader-pref";
import type { RwLock } from "../locking/lock-stats";
import { CacheLine, type CacheLineCosts } from "../cpu/cacheline";
import { Topology } from "../cpu/topology";

export type MmuLockKind = "qrwlock" | "reader-pref";

/** Who takes mmu_lock: a vCPU's stage-2 fault, an MMU-notifier aging call, or an MMU-notifier unmap. */
export type MmuLockSite = "fault" | "aging" | "unmap" | "invalidate-end";
export const MMU_LOCK_SITES: readonly MmuLockSite[] = ["fault", "aging", "unmap", "invalidate-end"];

export interface KvmMmuLockOptions {
  kind: MmuLockKind;
  /** CPUs that can touch the lock word (vCPUs and reclaimers), all on one socket. */
  cpus: number;
  /** Moving the lock word's line from another CPU, ns; also the hand-off cost of a queued grant. */
  lineTransferNs: number;
  /** An atomic on the line this CPU already owns, ns. */
  localAtomicNs?: number;
  /**
   * What to do when a writer waits longer than its bound: "count" (the reader-preferring lock has no such bound),
   * or "throw" an InvariantViolation (the queued rwlock promises it).
   */
  onBoundExceeded?: "count" | "throw";
}

/** One task's current request or hold. Reused per task: the map holds at most one entry per task. */
interface Holder {
  site: MmuLockSite;
  write: boolean;
  /** Declared hold, ns. */
  holdNs: number;
  /** When the task asked (issued its atomic on the lock word). */
  askNs: number;
  /** When the task's atomic landed and it entered the lock's fast or slow path; -1 while the atomic is in flight. */
  requestNs: number;
  /** When the task got the lock and began its hold; -1 while it waits. */
  acquiredNs: number;
  /** The writer's wait bound computed when it began to spin; -1 for readers and fast-path writers. */
  boundNs: number;
  active: boolean;
}

export class SiteStats {
  /** From asking to holding: the lock word's line, then any spin in the slow path, ns. */
  readonly waitNs: Histogram;
  acquisitions = 0;
  /** ns spent spinning in the slow path at this site. */
  spinNs = 0;
  /** ns spent waiting for the lock word's cache line (the atomic that takes or fails to take the lock). */
  lineNs = 0;
  constructor(site: string) {
    this.waitNs = new Histogram(`mmu_lock ${site} wait ns`);
  }
  reset(): void {
    this.waitNs.reset();
    this.acquisitions = 0;
    this.spinNs = 0;
    this.lineNs = 0;
  }
}

export class KvmMmuLock {
  readonly lock: RwLock;
  readonly line: CacheLine;
  readonly handoffNs: number;
  readonly sites: Record<MmuLockSite, SiteStats>;
  /** Writers that waited longer than their bound. */
  boundViolations = 0;
  /** Writers that had to spin (the ones a bound was computed for). */
  boundedWriters = 0;
  /** The largest wait / bound over writers that spun. */
  maxWaitOverBound = 0;
  private readonly holders = new Map<Process<any>, Holder>();
  private readonly onBoundExceeded: "count" | "throw";

  constructor(
    readonly sim: Simulation,
    readonly options: KvmMmuLockOptions,
  ) {
    this.handoffNs = options.lineTransferNs;
    this.lock =
      options.kind === "qrwlock"
        ? new Qrwlock(sim, "mmu_lock", { handoffNs: this.handoffNs })
        : new ReaderPreferringRwlock(sim, "mmu_lock", this.handoffNs);
    const costs: CacheLineCosts = {
      localNs: options.localAtomicNs ?? 5,
      sameSocketNs: options.lineTransferNs,
      crossSocketNs: options.lineTransferNs,
    };
    this.line = new CacheLine(sim, "mmu_lock.cnts", new Topology({ cpus: options.cpus }), costs);
    this.onBoundExceeded = options.onBoundExceeded ?? "count";
    this.sites = {
      fault: new SiteStats("fault"),
      aging: new SiteStats("aging"),
      unmap: new SiteStats("unmap"),
      "invalidate-end": new SiteStats("invalidate-end"),
    };
  }

  /**
   * read_lock(&kvm->mmu_lock): the atomic on the lock word (waiting for its cache line), then the qrwlock's fast
   * path or a spin in its slow path. Yields until the task holds the lock.
   */
  *read_lock(task: Process<any>, cpu: number, site: MmuLockSite, holdNs: number): Generator<Yielded, void, unknown> {
    yield* this.acquire(task, cpu, site, holdNs, false);
  }

  /** write_lock(&kvm->mmu_lock), i.e. KVM_MMU_LOCK(); as read_lock. */
  *write_lock(task: Process<any>, cpu: number, site: MmuLockSite, holdNs: number): Generator<Yielded, void, unknown> {
    yield* this.acquire(task, cpu, site, holdNs, true);
  }

  /**
   * A whole critical section: take the lock (read or write), hold it `holdNs`, release it. Returns the ns of the
   * release atomic, still to be spent by the caller's CPU; a caller whose next step is another mmu_lock
   * acquisition may drop it, because the lock word's line already serialises that atomic behind this one.
   * (The acquisition is spelled out rather than delegated: this is the model's innermost loop.)
   */
  *critical_section(
    task: Process<any>,
    cpu: number,
    site: MmuLockSite,
    holdNs: number,
    write: boolean,
  ): Generator<Yielded, number, unknown> {
    const lineNs = this.ask(task, cpu, site, holdNs, write);
    if (lineNs > 0) yield lineNs;
    if (this.enter(task) === PARK) {
      yield PARK;
      this.granted(task);
    }
    yield holdNs;
    return write ? this.write_unlock(task, cpu) : this.read_unlock(task, cpu);
  }

  /** read_unlock(): returns the ns its atomic on the lock word takes (the caller's CPU spends them). */
  read_unlock(task: Process<any>, cpu: number): number {
    this.release(task, false);
    this.lock.readUnlock(task);
    return this.line.atomic(cpu);
  }

  /** write_unlock(), i.e. KVM_MMU_UNLOCK(); as read_unlock. */
  write_unlock(task: Process<any>, cpu: number): number {
    this.release(task, true);
    this.lock.writeUnlock(task);
    return this.line.atomic(cpu);
  }

  private *acquire(
    task: Process<any>,
    cpu: number,
    site: MmuLockSite,
    holdNs: number,
    write: boolean,
  ): Generator<Yielded, void, unknown> {
    const lineNs = this.ask(task, cpu, site, holdNs, write);
    if (lineNs > 0) yield lineNs;
    if (this.enter(task) === PARK) {
      yield PARK;
      this.granted(task);
    }
  }

  /**
   * First half of an acquisition: the task asks, and its atomic on the lock word (atomic_add_return_acquire of
   * _QR_BIAS, or the writer's cmpxchg) is issued. Returns the ns until the line has come to this CPU, behind every
   * atomic already queued on it; the lock's state changes only when the atomic lands (`enter`).
   */
  private ask(task: Process<any>, cpu: number, site: MmuLockSite, holdNs: number, write: boolean): number {
    const askNs = this.sim.now;
    let h = this.holders.get(task);
    if (h === undefined) {
      h = { site, write, holdNs, askNs, requestNs: -1, acquiredNs: -1, boundNs: -1, active: true };
      this.holders.set(task, h);
    } else {
      if (h.active)
        throw new InvariantViolation(
          "kvm mmu_lock",
          askNs,
          `'${task.name}' asked for mmu_lock (${site}) while it already holds or waits for it (${h.site})`,
        );
      h.site = site;
      h.write = write;
      h.holdNs = holdNs;
      h.askNs = askNs;
      h.requestNs = -1;
      h.acquiredNs = -1;
      h.boundNs = -1;
      h.active = true;
    }
    if (this.sim.trace) this.sim.trace.record(askNs, task.name, "ask", site);
    return this.line.atomic(cpu);
  }

  /** Second half: the atomic has landed; the lock's fast path, or its slow path. Returns CONTINUE or PARK. */
  private enter(task: Process<any>): number {
    const h = this.holders.get(task)!;
    const callNs = this.sim.now;
    h.requestNs = callNs;
    const r = h.write ? this.lock.writeLock(task) : this.lock.readLock(task, false);
    const stats = this.sites[h.site];
    stats.acquisitions++;
    stats.lineNs += callNs - h.askNs;
    if (r === CONTINUE) {
      h.acquiredNs = callNs;
      stats.waitNs.record(callNs - h.askNs);
      if (this.sim.trace) this.sim.trace.record(callNs, task.name, "hold", h.site);
      return CONTINUE;
    }
    if (r !== PARK) throw new Error(`mmu_lock: unexpected lock result ${r}`);
    if (h.write) {
      h.boundNs = this.writerBoundNs(task);
      this.boundedWriters++;
    }
    if (this.sim.trace) this.sim.trace.record(callNs, task.name, "wait", h.site);
    return PARK;
  }

  /** After a PARK: the lock has let the task in. */
  private granted(task: Process<any>): void {
    const h = this.holders.get(task)!;
    const now = this.sim.now;
    const stats = this.sites[h.site];
    h.acquiredNs = now;
    stats.waitNs.record(now - h.askNs);
    stats.spinNs += now - h.requestNs;
    if (this.sim.trace) this.sim.trace.record(now, task.name, "hold", h.site);
    if (h.write) this.checkBound(task, h, now - h.requestNs);
  }

  private release(task: Process<any>, write: boolean): void {
    const h = this.holders.get(task);
    if (h === undefined || !h.active || h.acquiredNs < 0 || h.write !== write) {
      throw new InvariantViolation(
        "kvm mmu_lock",
        this.sim.now,
        `'${task.name}' released mmu_lock for ${write ? "write" : "read"} without holding it that way`,
      );
    }
    h.active = false;
    if (this.sim.trace) this.sim.trace.record(this.sim.now, task.name, "release", h.site);
  }

  /**
   * What a writer that starts spinning now can wait at most under the queued rwlock: the longest remaining hold of
   * whoever is inside, plus, for every task queued ahead of it on wait_lock, that task's hold and one hand-off,
   * plus its own hand-off. Everyone who asked before this writer and has not got the lock is ahead of it (wait_lock
   * is FIFO and process-context readers never pass a waiting writer); anyone who asks later queues behind it and
   * cannot delay it. A sum over the queue is loose where readers ahead enter together, but it never undercounts.
   */
  writerBoundNs(writer: Process<any>): number {
    const now = this.sim.now;
    let longestRemaining = 0;
    let queuedAhead = 0;
    for (const [task, h] of this.holders) {
      if (task === writer || !h.active || h.requestNs < 0) continue;
      if (h.acquiredNs >= 0) {
        const rem = h.acquiredNs + h.holdNs - now;
        if (rem > longestRemaining) longestRemaining = rem;
      } else {
        queuedAhead += h.holdNs + this.handoffNs;
      }
    }
    return longestRemaining + queuedAhead + this.handoffNs;
  }

  private checkBound(task: Process<any>, h: Holder, waited: number): void {
    const ratio = h.boundNs > 0 ? waited / h.boundNs : waited > 0 ? Infinity : 0;
    if (ratio > this.maxWaitOverBound) this.maxWaitOverBound = ratio;
    if (waited > h.boundNs) {
      this.boundViolations++;
      if (this.onBoundExceeded === "throw") {
        throw new InvariantViolation(
          "kvm mmu_lock (qrwlock)",
          this.sim.now,
          `writer '${task.name}' (${h.site}) waited ${waited} ns, more than its bound of ${h.boundNs} ns (queue ahead + longest remaining hold)`,
        );
      }
    }
  }

  /**
   * Waits still in progress, for the end of a run, measured like the site waits (from asking): a writer starved
   * until the end has waited at least this long, and leaving it out would hide exactly the starvation measured.
   */
  pendingWaits(site: MmuLockSite): number[] {
    const out: number[] = [];
    for (const h of this.holders.values())
      if (h.active && h.acquiredNs < 0 && h.site === site) out.push(this.sim.now - h.askNs);
    return out;
  }

  /** Forgets what was recorded (end of warm-up). */
  resetStats(): void {
    for (const s of MMU_LOCK_SITES) this.sites[s].reset();
    this.boundViolations = 0;
    this.boundedWriters = 0;
    this.maxWaitOverBound = 0;
    this.lock.stats.reset();
  }
}
