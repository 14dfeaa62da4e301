/**
 * kvm->mmu_lock on arm64 and x86: an rwlock_t because both define KVM_HAVE_MMU_RWLOCK (include/linux/kvm_host.h,
 * Linux 6.6). KVM_MMU_LOCK() is write_lock() (virt/kvm/kvm_mm.h); __kvm_handle_hva_range (virt/kvm/kvm_main.c, read
 * in CachyOS/linux @79f4411db5cb, a 6.5-era tree with the same structure as 6.6) takes it once a memslot matches and
 * drops it after the handler. Stage-2 faults take read_lock() (arm64 since commit 1577cb5823ce; x86's TDP MMU since
 * 5.12). Underneath it is the kernel's queued rwlock (arm64 and x86 select ARCH_USE_QUEUED_RWLOCKS) or, for contrast,
 * a reader-preferring rwlock; both charge each of their atomics on the lock word's cache line (qrwlock.ts).
 *
 * This wrapper adds what the lock itself does not know and the experiment needs:
 * - who asked where ("site": a stage-2 fault, an aging notifier call, an unmap, invalidate_range_end), per-site waits
 *   (from asking to holding: the line time of every atomic and any spin), per-task write-acquisition time (kswapd's
 *   share of time in write_lock);
 * - the writer's bounds (see `strictBoundNs` and `kernelBoundNs`), checked against the wait it then gets.
 *
 * Holders declare their hold when they ask (the model draws it first), which is what makes the bounds computable;
 * the lock never uses it to decide anything.
 */
import type { Process, Yielded } from "../../sim/process";
import type { Simulation } from "../../sim/simulation";
import { Histogram } from "../../sim/stats/histogram";
import { InvariantViolation } from "../../sim/invariant";
import { Qrwlock } from "../locking/qrwlock";
import { ReaderPreferringRwlock } from "../locking/rwlock-reader-pref";
import type { RwLockObserver, TimedRwLock } from "../locking/rwlock-timed";
import { CacheLine, type CacheLineCosts } from "../cpu/cacheline";
import { Topology } from "../cpu/topology";

export type MmuLockKind = "qrwlock" | "reader-pref";

/** Who takes mmu_lock: a vCPU's stage-2 fault, an MMU-notifier aging call, an unmap, or invalidate_range_end. */
export type MmuLockSite = "fault" | "aging" | "unmap" | "invalidate-end";
export const MMU_LOCK_SITES: readonly MmuLockSite[] = ["fault", "aging", "unmap", "invalidate-end"];
/** The eviction writers' sites: try_to_unmap's invalidate_range_start and _end (issue 20: every writer site counts). */
export const EVICTION_WRITER_SITES: readonly MmuLockSite[] = ["unmap", "invalidate-end"];

export interface KvmMmuLockOptions {
  kind: MmuLockKind;
  /** CPUs that can touch the lock word (vCPUs and reclaimers), all on one socket. */
  cpus: number;
  /** Moving the lock word's line from another CPU, ns. */
  lineTransferNs: number;
  /** An atomic on the line this CPU already owns, ns. */
  localAtomicNs?: number;
  /**
   * What to do when a qrwlock writer waits longer than its kernel bound (which, unlike the strict bound, the kernel
   * promises): "count", or "throw" an InvariantViolation.
   */
  onBoundExceeded?: "count" | "throw";
}

/** One task's current request or hold. Reused per task: the map holds at most one entry per task. */
interface Holder {
  task: Process<any>;
  site: MmuLockSite;
  write: boolean;
  /** Declared hold, ns. */
  holdNs: number;
  /** When the task asked (issued its first atomic on the lock word). */
  askNs: number;
  /** When its first atomic landed (the lock's fast or slow path began); -1 while in flight. */
  requestNs: number;
  /** When it got the lock and began its hold; -1 while it waits. */
  acquiredNs: number;
  /** Writers in the slow path: the strict bound from `requestNs`, ns; -1 otherwise. */
  strictBoundNs: number;
  /** qrwlock writers: when their _QW_WAITING landed; -1 before. */
  waitingNs: number;
  /** qrwlock writers: longest remaining declared hold of anyone inside when _QW_WAITING landed, ns. */
  remainingAtWaitingNs: number;
  /** Head-writer cmpxchg failures of this acquisition. */
  retries: number;
  active: boolean;
  /** Accumulated ns this task spent acquiring mmu_lock for write (since the last reset), completed acquisitions. */
  writeAcquireNs: number;
}

export class SiteStats {
  /** From asking to holding: the line time of every atomic, then any spin in the slow path, ns. */
  readonly waitNs: Histogram;
  acquisitions = 0;
  /** ns from the first atomic's landing to holding (the slow path, line ops included). */
  spinNs = 0;
  /** ns waiting for the first atomic (the fast-path attempt) to land. */
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

export class KvmMmuLock implements RwLockObserver {
  readonly lock: TimedRwLock;
  readonly line: CacheLine;
  readonly lineTransferNs: number;
  readonly sites: Record<MmuLockSite, SiteStats>;
  /** Slow-path writers whose wait exceeded the strict bound (queue ahead + longest remaining hold at the ask). */
  boundViolations = 0;
  /** Slow-path writers (the ones bounds were computed for). */
  boundedWriters = 0;
  /** The largest wait / strict bound over slow-path writers. */
  maxWaitOverBound = 0;
  /** The largest wait - strict bound, ns (0 when the bound always held). */
  maxBoundExcessNs = 0;
  /** qrwlock: the largest (wait after _QW_WAITING) / kernel bound; <= 1 when the lock kept its promise. */
  maxWaitOverKernelBound = 0;
  kernelBoundViolations = 0;
  /** Write acquisitions completed (all sites), for retries per acquisition. */
  writeAcquisitions = 0;
  private readonly holders = new Map<Process<any>, Holder>();
  /** When the statistics were last reset (an acquisition straddling it counts from here). */
  private resetAtNs = 0;
  private readonly onBoundExceeded: "count" | "throw";

  constructor(
    readonly sim: Simulation,
    readonly options: KvmMmuLockOptions,
  ) {
    this.lineTransferNs = options.lineTransferNs;
    const costs: CacheLineCosts = {
      localNs: options.localAtomicNs ?? 5,
      sameSocketNs: options.lineTransferNs,
      crossSocketNs: options.lineTransferNs,
    };
    this.line = new CacheLine(sim, "mmu_lock", new Topology({ cpus: options.cpus }), costs);
    this.lock =
      options.kind === "qrwlock"
        ? new Qrwlock(sim, "mmu_lock", { line: this.line })
        : new ReaderPreferringRwlock(sim, "mmu_lock", { line: this.line });
    this.lock.observer = this;
    this.onBoundExceeded = options.onBoundExceeded ?? "count";
    this.sites = {
      fault: new SiteStats("fault"),
      aging: new SiteStats("aging"),
      unmap: new SiteStats("unmap"),
      "invalidate-end": new SiteStats("invalidate-end"),
    };
  }

  /** rwlock_needbreak() under CONFIG_PREEMPTION: rwlock_is_contended(), for cond_resched_rwlock_write(). */
  rwlock_is_contended(): boolean {
    return this.lock.is_contended();
  }

  /**
   * A whole critical section: take the lock (read or write), hold it `holdNs`, release it (the release atomic is
   * spent here too).
   */
  *critical_section(
    task: Process<any>,
    cpu: number,
    site: MmuLockSite,
    holdNs: number,
    write: boolean,
  ): Generator<Yielded, void, unknown> {
    // acquire() and release() spelled out: this is the model's innermost loop, and every generator level costs.
    const h = this.ask(task, site, holdNs, write);
    if (write) yield* this.lock.write_lock(task, cpu);
    else yield* this.lock.read_lock(task, cpu);
    this.granted(h);
    if (holdNs > 0) yield holdNs;
    this.released(h, task, write);
    if (write) yield* this.lock.write_unlock(task, cpu);
    else yield* this.lock.read_unlock(task, cpu);
  }

  /** read_lock(&kvm->mmu_lock): returns holding it. */
  read_lock(task: Process<any>, cpu: number, site: MmuLockSite, holdNs: number): Generator<Yielded, void, unknown> {
    return this.acquire(task, cpu, site, holdNs, false);
  }

  /** write_lock(&kvm->mmu_lock), i.e. KVM_MMU_LOCK(). */
  write_lock(task: Process<any>, cpu: number, site: MmuLockSite, holdNs: number): Generator<Yielded, void, unknown> {
    return this.acquire(task, cpu, site, holdNs, true);
  }

  read_unlock(task: Process<any>, cpu: number): Generator<Yielded, void, unknown> {
    return this.release(task, cpu, false);
  }

  /** write_unlock(), i.e. KVM_MMU_UNLOCK(). */
  write_unlock(task: Process<any>, cpu: number): Generator<Yielded, void, unknown> {
    return this.release(task, cpu, true);
  }

  private *acquire(
    task: Process<any>,
    cpu: number,
    site: MmuLockSite,
    holdNs: number,
    write: boolean,
  ): Generator<Yielded, void, unknown> {
    const h = this.ask(task, site, holdNs, write);
    if (write) yield* this.lock.write_lock(task, cpu);
    else yield* this.lock.read_lock(task, cpu);
    this.granted(h);
  }

  private ask(task: Process<any>, site: MmuLockSite, holdNs: number, write: boolean): Holder {
    const askNs = this.sim.now;
    let h = this.holders.get(task);
    if (h === undefined) {
      h = {
        task,
        site,
        write,
        holdNs,
        askNs,
        requestNs: -1,
        acquiredNs: -1,
        strictBoundNs: -1,
        waitingNs: -1,
        remainingAtWaitingNs: 0,
        retries: 0,
        active: true,
        writeAcquireNs: 0,
      };
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
      h.strictBoundNs = -1;
      h.waitingNs = -1;
      h.remainingAtWaitingNs = 0;
      h.retries = 0;
      h.active = true;
    }
    if (this.sim.trace) this.sim.trace.record(askNs, task.name, "ask", site);
    return h;
  }

  private granted(h: Holder): void {
    const now = this.sim.now;
    const stats = this.sites[h.site];
    h.acquiredNs = now;
    stats.acquisitions++;
    stats.waitNs.record(now - h.askNs);
    stats.lineNs += h.requestNs - h.askNs;
    stats.spinNs += now - h.requestNs;
    if (this.sim.trace) this.sim.trace.record(now, h.task.name, "hold", h.site);
    if (h.write) {
      this.writeAcquisitions++;
      h.writeAcquireNs += now - Math.max(h.askNs, this.resetAtNs);
      if (h.strictBoundNs >= 0) this.checkBounds(h, now);
    }
  }

  private *release(task: Process<any>, cpu: number, write: boolean): Generator<Yielded, void, unknown> {
    this.released(this.holders.get(task), task, write);
    if (write) yield* this.lock.write_unlock(task, cpu);
    else yield* this.lock.read_unlock(task, cpu);
  }

  private released(h: Holder | undefined, task: Process<any>, write: boolean): void {
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

  // ---- RwLockObserver ------------------------------------------------------------------------------------------

  firstAtomicLanded(task: Process<any>): void {
    const h = this.holders.get(task);
    if (h !== undefined) h.requestNs = this.sim.now;
  }

  writerSlowPath(task: Process<any>): void {
    const h = this.holders.get(task);
    if (h === undefined) return;
    h.strictBoundNs = this.strictBoundNs(task);
    this.boundedWriters++;
    if (this.sim.trace) this.sim.trace.record(this.sim.now, task.name, "wait", h.site);
  }

  writerWaiting(task: Process<any>): void {
    const h = this.holders.get(task);
    if (h === undefined) return;
    h.waitingNs = this.sim.now;
    h.remainingAtWaitingNs = this.longestRemainingHoldNs(task);
  }

  writerCmpxchgFailed(task: Process<any>): void {
    const h = this.holders.get(task);
    if (h !== undefined) h.retries++;
  }

  readerEntered(): void {}

  // ---- the bounds ------------------------------------------------------------------------------------------------

  /**
   * Oliver's bound as the first model stated it, from the moment the writer's fast path fails: the longest remaining
   * hold of whoever is inside, plus, for every task that asked earlier and has not got the lock, its hold and one line
   * transfer, plus one transfer for the writer itself. It leaves out what the kernel adds (qrwlock.ts header): readers
   * that get in before the writer's _QW_WAITING lands, transient reader biases that fail its cmpxchg, and the line time
   * of its own slow path (wait_lock's atomics, the read, the add, the cmpxchg).
   */
  strictBoundNs(writer: Process<any>): number {
    const now = this.sim.now;
    let longestRemaining = 0;
    let queuedAhead = 0;
    for (const [task, h] of this.holders) {
      if (task === writer || !h.active || h.requestNs < 0) continue;
      if (h.acquiredNs >= 0) {
        const rem = h.acquiredNs + h.holdNs - now;
        if (rem > longestRemaining) longestRemaining = rem;
      } else {
        queuedAhead += h.holdNs + this.lineTransferNs;
      }
    }
    return longestRemaining + queuedAhead + this.lineTransferNs;
  }

  private longestRemainingHoldNs(writer: Process<any>): number {
    const now = this.sim.now;
    let longest = 0;
    for (const [task, h] of this.holders) {
      if (task === writer || !h.active || h.acquiredNs < 0) continue;
      const rem = h.acquiredNs + h.holdNs - now;
      if (rem > longest) longest = rem;
    }
    return longest;
  }

  /**
   * The kernel's promise (qrwlock only), from the moment the head writer's _QW_WAITING lands: no process-context
   * reader gets in after it, so the writer waits for the longest remaining hold of those inside then (readers that
   * slipped in through the hand-off window included, and a writer still holding _QW_LOCKED), plus line time: the
   * last holder's release atomic and the writer's read and cmpxchg, and per failed try the transient bias's
   * atomic_sub and another read and cmpxchg, each at most one transfer per CPU queued on the line
   * (cpus x lineTransferNs). Before _QW_WAITING it waits for the queue ahead on wait_lock, which
   * this bound does not cover (that part is what the strict bound's queue term estimates).
   */
  kernelBoundNs(h: Holder): number {
    const perOp = this.options.cpus * Math.max(this.lineTransferNs, this.options.localAtomicNs ?? 5);
    return h.remainingAtWaitingNs + perOp * (3 + 3 * h.retries);
  }

  private checkBounds(h: Holder, now: number): void {
    const waited = now - h.requestNs;
    const ratio = h.strictBoundNs > 0 ? waited / h.strictBoundNs : waited > 0 ? Infinity : 0;
    if (ratio > this.maxWaitOverBound) this.maxWaitOverBound = ratio;
    if (waited > h.strictBoundNs) {
      this.boundViolations++;
      if (waited - h.strictBoundNs > this.maxBoundExcessNs) this.maxBoundExcessNs = waited - h.strictBoundNs;
    }
    if (h.waitingNs >= 0) {
      const after = now - h.waitingNs;
      const kb = this.kernelBoundNs(h);
      const kr = kb > 0 ? after / kb : after > 0 ? Infinity : 0;
      if (kr > this.maxWaitOverKernelBound) this.maxWaitOverKernelBound = kr;
      if (after > kb) {
        this.kernelBoundViolations++;
        if (this.onBoundExceeded === "throw") {
          throw new InvariantViolation(
            "kvm mmu_lock (qrwlock)",
            now,
            `writer '${h.task.name}' (${h.site}) waited ${after} ns after its _QW_WAITING landed, more than its kernel bound of ${kb} ns`,
          );
        }
      }
    }
  }

  // ---- end-of-run views ----------------------------------------------------------------------------------------

  /**
   * Waits still in progress at the end of a run, measured like the site waits (from asking): a writer starved until
   * the end has waited at least this long, and leaving it out would hide exactly the starvation measured.
   */
  pendingWaits(site: MmuLockSite): number[] {
    const out: number[] = [];
    for (const h of this.holders.values())
      if (h.active && h.acquiredNs < 0 && h.site === site) out.push(this.sim.now - h.askNs);
    return out;
  }

  /** ns `task` spent acquiring mmu_lock for write since the last reset, the acquisition in progress included. */
  writeAcquireNsOf(task: Process<any>): number {
    const h = this.holders.get(task);
    if (h === undefined) return 0;
    let ns = h.writeAcquireNs;
    if (h.active && h.acquiredNs < 0 && h.write) ns += this.sim.now - Math.max(h.askNs, this.resetAtNs);
    return ns;
  }

  /** Forgets what was recorded (end of warm-up). */
  resetStats(): void {
    for (const s of MMU_LOCK_SITES) this.sites[s].reset();
    this.boundViolations = 0;
    this.boundedWriters = 0;
    this.maxWaitOverBound = 0;
    this.maxBoundExcessNs = 0;
    this.maxWaitOverKernelBound = 0;
    this.kernelBoundViolations = 0;
    this.writeAcquisitions = 0;
    for (const h of this.holders.values()) h.writeAcquireNs = 0;
    this.resetAtNs = this.sim.now;
    this.lock.stats.reset();
    this.lock.resetCounters();
  }
}
