/**
 * Tree RCU as far as callers can tell, following kernel/rcu/tree.c (Linux 6.6), read at torvalds/linux
 * @7051309819b2 (a 6.5/6.6-era copy: rcu_do_batch_check_time, CONFIG_RCU_DOUBLE_CHECK_CB_TIME): rcu_gp_kthread
 * (rcu_gp_init, rcu_gp_fqs_loop, rcu_gp_cleanup), rcu_report_qs_rdp -> rcu_report_qs_rnp -> rcu_report_qs_rsp,
 * rcu_do_batch. rcu_read_unlock_special is in kernel/rcu/tree_plugin.h (not re-read).
 *
 * - rcu_read_lock()/rcu_read_unlock() nest per CPU. Since the flavour consolidation (v5.0), interrupt-disabled
 *   regions are read-side critical sections too (Paul McKenney,
 *   lore:20210429155250.GV975577@paulmck-ThinkPad-P17-Gen-1): with `irqOffIsReader` every attached CPU's
 *   local_irq_save()..restore() counts.
 * - A grace period (rcu_gp_kthread: rcu_gp_init, rcu_gp_fqs_loop, rcu_gp_cleanup) starts when callbacks or
 *   synchronize_rcu() callers wait and none is in progress, after the kthread's wake-up and init delay. Each busy
 *   CPU reports a quiescent state at its next quiescent point (context switch, user return, idle entry: a Poisson
 *   stream with mean `qsIntervalNs`) outside any read-side section; one that is inside reports at the outermost
 *   unlock (rcu_read_unlock_special). Idle CPUs (dyntick-idle) are reported by the force-quiescent-state scans every
 *   `fqsIntervalNs` (jiffies_till_first_fqs / jiffies_till_next_fqs). The last report ends the grace period after
 *   `gpCleanupNs`.
 * - call_rcu() callbacks wait for the first grace period that starts after they were queued (rcu_segcblist's
 *   NEXT -> WAIT -> DONE), then run in a batch (rcu_do_batch).
 *
 * Invariant: a callback runs only when no read-side section that began before its call_rcu() is still open; the
 * check runs at every invocation and a violation stops the run.
 */
import type { Simulation } from "../../sim/simulation";
import type { SimEvent } from "../../sim/events";
import type { RandomStream } from "../../sim/random";
import { Histogram } from "../../sim/stats/histogram";
import { TimeWeighted } from "../../sim/stats/time-weighted";
import { InvariantViolation } from "../../sim/invariant";
import type { Cpu, IrqListener } from "../cpu/cpu";

export interface RcuOptions {
  /** Interval between force-quiescent-state scans, ns (3 jiffies at HZ=1000 = 3 ms; published FQS wait ~3 ms). */
  fqsIntervalNs: number;
  /** Mean time between quiescent points of a busy CPU, ns (assumption; sets how long holdouts take). */
  qsIntervalNs: number;
  /** Mean of the exponential delay from a grace-period request to rcu_gp_init's end (kthread wake-up), ns. */
  gpStartDelayNs: number;
  /** rcu_gp_cleanup and the callback batch's softirq delay, ns. */
  gpCleanupNs: number;
  /** CPUs in dyntick-idle, reported only by FQS scans. */
  idleCpus?: ReadonlySet<number>;
  /** Count interrupt-disabled regions of attached CPUs as read-side critical sections (true since v5.0). */
  irqOffIsReader?: boolean;
  /** Per-CPU mean time between quiescent points, ns, overriding `qsIntervalNs` (a machine whose CPUs differ). */
  qsIntervalNsByCpu?: ArrayLike<number>;
  /**
   * The CPU running rcu_gp_kthread, otherwise idle. It is busy at the first FQS scan, so rcu_watching_snap_save()
   * only snapshots it, and the recheck at the second scan reports it: the holdout Joel Fernandes traced on idle
   * machines (lore:20260101163417.1065705-7-joelagnelf@nvidia.com). It gets no quiescent points of its own.
   */
  gpKthreadCpu?: number;
}

interface Callback {
  queuedNs: number;
  fn: () => void;
}

export class Rcu implements IrqListener {
  /** Grace-period sequence: even when idle, odd while one is in progress (rcu_state.gp_seq's low bit). */
  gpSeq = 0;
  private gpStartNs = 0;
  private starting = false;
  private readonly nesting: Int32Array;
  private readonly readerSinceNs: Float64Array;
  private readonly needsQs: Uint8Array;
  private readonly deferredQs: Uint8Array;
  private holdouts = 0;
  private nextList: Callback[] = [];
  private waitList: Callback[] = [];
  readonly gpDurationNs = new Histogram("grace period ns");
  readonly callbacksWaiting: TimeWeighted;
  callbacksInvoked = 0;
  gracePeriods = 0;
  private fqsHandle = -1;
  /** FQS scans done in the current grace period. */
  private fqsScans = 0;

  constructor(
    readonly sim: Simulation,
    readonly cpus: Cpu[],
    private readonly qsStreams: RandomStream[],
    private readonly delayStream: RandomStream,
    readonly options: RcuOptions,
  ) {
    const n = cpus.length;
    if (qsStreams.length !== n)
      throw new RangeError(`rcu: need one quiescent-point stream per CPU (${n}), got ${qsStreams.length}`);
    if (options.qsIntervalNsByCpu && options.qsIntervalNsByCpu.length !== n) {
      throw new RangeError(
        `rcu: qsIntervalNsByCpu needs one entry per CPU (${n}), got ${options.qsIntervalNsByCpu.length}`,
      );
    }
    this.nesting = new Int32Array(n);
    this.readerSinceNs = new Float64Array(n);
    this.needsQs = new Uint8Array(n);
    this.deferredQs = new Uint8Array(n);
    this.callbacksWaiting = new TimeWeighted("rcu callbacks waiting", sim.now);
    if (options.irqOffIsReader ?? true) for (const c of cpus) c.addIrqListener(this);
  }

  get gpInProgress(): boolean {
    return (this.gpSeq & 1) === 1;
  }

  /** Callbacks queued and not yet invoked. */
  get pendingCallbacks(): number {
    return this.nextList.length + this.waitList.length;
  }

  // ---- readers -----------------------------------------------------------------------------------------------------

  rcu_read_lock(cpu: number): void {
    if (this.nesting[cpu]++ === 0) this.readerSinceNs[cpu] = this.sim.now;
  }

  rcu_read_unlock(cpu: number): void {
    if (this.nesting[cpu] === 0)
      throw new InvariantViolation("rcu", this.sim.now, `rcu_read_unlock() on cpu${cpu} without a matching lock`);
    if (--this.nesting[cpu] === 0 && this.deferredQs[cpu]) {
      this.deferredQs[cpu] = 0;
      this.rcu_report_qs_rdp(cpu);
    }
  }

  /** True while `cpu` is inside a read-side critical section. */
  inReader(cpu: number): boolean {
    return this.nesting[cpu] > 0;
  }

  irqOff(cpu: Cpu): void {
    this.rcu_read_lock(cpu.id);
  }

  irqOn(cpu: Cpu): void {
    this.rcu_read_unlock(cpu.id);
  }

  // ---- updaters ----------------------------------------------------------------------------------------------------

  /** call_rcu(): `fn` runs after a full grace period that starts after now. */
  call_rcu(fn: () => void): void {
    this.nextList.push({ queuedNs: this.sim.now, fn });
    this.callbacksWaiting.add(this.sim.now, 1);
    this.rcu_start_this_gp();
  }

  /** synchronize_rcu(): an event that fires after a full grace period; the caller's process yields it (sleeping). */
  synchronize_rcu(): SimEvent<void> {
    const ev = this.sim.event<void>("synchronize_rcu");
    this.call_rcu(() => ev.succeed());
    return ev;
  }

  /** Asks the GP kthread for a grace period unless one is starting or running (it will pick up `next` after). */
  private rcu_start_this_gp(): void {
    if (this.gpInProgress || this.starting) return;
    this.starting = true;
    const delay = Math.round(this.delayStream.exponential(this.options.gpStartDelayNs));
    this.sim.schedule(delay, () => this.rcu_gp_init());
  }

  private rcu_gp_init(): void {
    this.starting = false;
    this.gpSeq++;
    this.gpStartNs = this.sim.now;
    // Callbacks queued so far wait for this grace period.
    this.waitList = this.nextList;
    this.nextList = [];
    const idle = this.options.idleCpus;
    const byCpu = this.options.qsIntervalNsByCpu;
    this.holdouts = this.cpus.length;
    this.fqsScans = 0;
    const seq = this.gpSeq;
    for (let c = 0; c < this.cpus.length; c++) {
      this.needsQs[c] = 1;
      this.deferredQs[c] = 0;
      if (idle?.has(c) || c === this.options.gpKthreadCpu) continue;
      const at = Math.round(this.qsStreams[c].exponential(byCpu ? byCpu[c] : this.options.qsIntervalNs));
      this.sim.schedule(at, () => this.quiescentPoint(c, seq));
    }
    if (this.sim.trace) this.sim.record("rcu_gp_kthread", "gp-start", `gp${seq}`);
    this.fqsHandle = this.sim.schedule(this.options.fqsIntervalNs, () => this.rcu_gp_fqs(seq));
  }

  /** A busy CPU passes a quiescent point: report, or defer to the end of its read-side section. */
  private quiescentPoint(cpu: number, seq: number): void {
    if (seq !== this.gpSeq || !this.needsQs[cpu]) return;
    if (this.nesting[cpu] > 0) this.deferredQs[cpu] = 1;
    else this.rcu_report_qs_rdp(cpu);
  }

  /** rcu_gp_fqs(): report dyntick-idle CPUs (rcu_implicit_dynticks_qs), then rescan until the GP ends. */
  private rcu_gp_fqs(seq: number): void {
    if (seq !== this.gpSeq) return;
    const idle = this.options.idleCpus;
    this.fqsScans++;
    if (idle) for (const c of idle) if (this.needsQs[c] && this.nesting[c] === 0) this.rcu_report_qs_rdp(c);
    const k = this.options.gpKthreadCpu;
    if (k !== undefined && this.fqsScans >= 2 && this.gpInProgress && this.needsQs[k] && this.nesting[k] === 0)
      this.rcu_report_qs_rdp(k);
    if (seq === this.gpSeq && this.gpInProgress)
      this.fqsHandle = this.sim.schedule(this.options.fqsIntervalNs, () => this.rcu_gp_fqs(seq));
  }

  private rcu_report_qs_rdp(cpu: number): void {
    if (!this.gpInProgress || !this.needsQs[cpu]) return;
    this.needsQs[cpu] = 0;
    if (--this.holdouts === 0) this.rcu_gp_cleanup();
  }

  private rcu_gp_cleanup(): void {
    const seq = this.gpSeq;
    this.sim.cancel(this.fqsHandle);
    this.sim.schedule(this.options.gpCleanupNs, () => {
      this.gpSeq++;
      this.gracePeriods++;
      this.gpDurationNs.record(this.sim.now - this.gpStartNs);
      if (this.sim.trace) this.sim.record("rcu_gp_kthread", "gp-end", `gp${seq}`);
      const batch = this.waitList;
      this.waitList = [];
      this.rcu_do_batch(batch);
      if (this.nextList.length > 0) this.rcu_start_this_gp();
    });
  }

  /** Invokes callbacks whose grace period ended, checking that no pre-existing reader is still inside. */
  protected rcu_do_batch(batch: Callback[]): void {
    for (const cb of batch) {
      this.assertNoPreexistingReaders(cb.queuedNs, "an RCU callback");
      this.callbacksInvoked++;
      this.callbacksWaiting.add(this.sim.now, -1);
      cb.fn();
    }
  }

  /**
   * The RCU guarantee as a check: no CPU is inside a read-side section that began at or before `sinceNs` (when the
   * object was unpublished). Freeing code that does not go through call_rcu (the IPI-synchronised free) can call it
   * too.
   */
  assertNoPreexistingReaders(sinceNs: number, what: string): void {
    for (let c = 0; c < this.cpus.length; c++) {
      if (this.nesting[c] > 0 && this.readerSinceNs[c] <= sinceNs) {
        throw new InvariantViolation(
          "rcu",
          this.sim.now,
          `${what} unpublished at t=${sinceNs} ns was freed while cpu${c} is still in a read-side section begun at t=${this.readerSinceNs[c]} ns`,
        );
      }
    }
  }
}
