/**
 * CPUs with interrupt-disabled sections, and IPIs whose handling waits until the target re-enables interrupts; and
 * smp_call_function_many_cond() of kernel/smp.c, read at gregkh/linux @0b515a28 (a 5.17-6.1-era copy: the same order
 * as 6.6, where the IPI send is wrapped in send_call_function_ipi_mask() with a tracepoint; torvalds/linux's stored
 * kernel/smp.c @15e71911 is a 3.x copy, before smp_call_function_many_cond existed).
 *
 * local_irq_save()/local_irq_restore() nest, as in include/linux/irqflags.h. An IPI that arrives while a CPU has
 * interrupts off stays pending until the outermost restore; then the handlers run back to back. This is the
 * property GUP-fast relies on (mm/gup.c): a TLB-shootdown IPI cannot complete while a lockless walker has
 * interrupts off, so the freeing side, which waits for the IPI, cannot free a table under the walker.
 *
 * Simplification, stated: a handler's run time delays the IPI's completion but is not charged to the task that
 * was interrupted.
 */
import type { Simulation } from "../../sim/simulation";
import { Histogram } from "../../sim/stats/histogram";
import { InvariantViolation } from "../../sim/invariant";

interface PendingIpi {
  arrivedNs: number;
  handlerNs: number;
  done: () => void;
}

export interface IrqListener {
  /** The CPU disabled interrupts (outermost). */
  irqOff(cpu: Cpu): void;
  /** The CPU re-enabled interrupts (outermost). */
  irqOn(cpu: Cpu): void;
}

export class Cpu {
  private irqDepth = 0;
  private irqOffSinceNs = 0;
  private readonly pending: PendingIpi[] = [];
  /** Busy until: handlers run one after another. */
  private handlerBusyUntilNs = 0;
  /** Delay between an IPI's arrival and its handler starting (the irq-off wait), ns. */
  readonly ipiDelayNs = new Histogram("ipi delay ns");
  /** Lengths of interrupt-disabled sections, ns. */
  readonly irqOffNs = new Histogram("irq-off ns");
  ipisHandled = 0;
  private readonly listeners: IrqListener[] = [];

  constructor(
    readonly sim: Simulation,
    readonly id: number,
  ) {}

  get name(): string {
    return `cpu${this.id}`;
  }

  get irqsDisabled(): boolean {
    return this.irqDepth > 0;
  }

  /** Since when interrupts are off (valid while irqsDisabled). */
  get irqsOffSinceNs(): number {
    return this.irqOffSinceNs;
  }

  addIrqListener(l: IrqListener): void {
    this.listeners.push(l);
  }

  local_irq_save(): void {
    if (this.irqDepth++ === 0) {
      this.irqOffSinceNs = this.sim.now;
      if (this.sim.trace) this.sim.record(this.name, "irq-off");
      for (const l of this.listeners) l.irqOff(this);
    }
  }

  local_irq_restore(): void {
    if (this.irqDepth === 0)
      throw new InvariantViolation(this.name, this.sim.now, "local_irq_restore() without a matching save");
    if (--this.irqDepth > 0) return;
    this.irqOffNs.record(this.sim.now - this.irqOffSinceNs);
    if (this.sim.trace) this.sim.record(this.name, "irq-on");
    for (const l of this.listeners) l.irqOn(this);
    if (this.pending.length > 0) for (const ipi of this.pending.splice(0)) this.runHandler(ipi);
  }

  /** An IPI arrives now: its handler runs at once, or when interrupts come back on. */
  deliverIpi(handlerNs: number, done: () => void): void {
    const ipi: PendingIpi = { arrivedNs: this.sim.now, handlerNs, done };
    if (this.irqDepth > 0) this.pending.push(ipi);
    else this.runHandler(ipi);
  }

  private runHandler(ipi: PendingIpi): void {
    const now = this.sim.now;
    const start = this.handlerBusyUntilNs > now ? this.handlerBusyUntilNs : now;
    this.ipiDelayNs.record(start - ipi.arrivedNs);
    this.handlerBusyUntilNs = start + ipi.handlerNs;
    this.ipisHandled++;
    if (this.sim.trace) this.sim.trace.record(start, this.name, "ipi-handler");
    this.sim.schedule(this.handlerBusyUntilNs - now, ipi.done);
  }
}

export interface IpiCosts {
  /** Fixed latency from sending the IPIs to their arrival, ns (the "a" of T_sd(k) = a + b k). */
  latencyNs: number;
  /**
   * The sender's cost per target before the send, paid one after another (the "b"): csd_lock() of that CPU's CSD and
   * llist_add() onto its call_single_queue, a line that target owns, ns.
   */
  perTargetNs: number;
  /** Handler run time on the target (e.g. a TLB flush), ns. */
  handlerNs: number;
}

/**
 * smp_call_function_many_cond(mask, func, info, scf_flags, cond_func) (kernel/smp.c), the order of which matters:
 * 1. for each target CPU: csd_lock(), fill in func/info, llist_add() onto the target's call_single_queue (the sender
 *    pays `perTargetNs` per target, in turn);
 * 2. one send_call_function_ipi_mask() for all of them (x2APIC cluster mode multicasts; the model lets every IPI
 *    arrive `latencyNs` after the send);
 * 3. if SCF_RUN_LOCAL and this CPU is in the mask: func() here, under local_irq_save() (`localNs`, overlapping the
 *    remote handlers);
 * 4. if SCF_WAIT: csd_lock_wait() on each target's CSD, i.e. until the last target has run the handler. A target
 *    with interrupts off runs it when it re-enables them.
 * Before Nadav Amit's "smp: Run functions concurrently in smp_call_function_many_cond()" (and "x86/mm/tlb: Flush
 * remote and local TLBs concurrently", 4ce94eabac16, 5.13) x86 flushed locally first and then called
 * smp_call_function_many() (arch/x86/mm/tlb.c flush_tlb_mm_range at torvalds/linux @a501686b, a 4.14-era copy);
 * the model follows the concurrent order (D13 of the fidelity review).
 *
 * Returns an event that fires, with the ns since the call, when step 4 is done and the local function has run; the
 * sender's process yields it (spinning). `onRemoteDone`, when given, is called with the ns from the call to the
 * last remote ack, for callers that account the remote wait apart.
 */
export function smp_call_function_many_cond(
  sim: Simulation,
  sender: Cpu | null,
  targets: Cpu[],
  costs: IpiCosts,
  localNs = -1,
  onRemoteDone?: (ns: number) => void,
): import("../../sim/events").SimEvent<number> {
  const ev = sim.event<number>("smp_call_function_many_cond");
  const start = sim.now;
  const runLocal = localNs >= 0 && sender !== null;
  let remaining = targets.length + (runLocal ? 1 : 0);
  let remoteRemaining = targets.length;
  if (remaining === 0) {
    ev.succeed(0);
    return ev;
  }
  const finish = () => {
    if (--remaining === 0) ev.succeed(sim.now - start);
  };
  const ack = () => {
    if (--remoteRemaining === 0 && onRemoteDone) onRemoteDone(sim.now - start);
    finish();
  };
  // 1. queue every CSD, one target after another.
  const sendAtNs = costs.perTargetNs * targets.length;
  if (targets.length > 0) {
    // 2. one send for the mask: every target sees its IPI `latencyNs` later.
    sim.schedule(sendAtNs + costs.latencyNs, () => {
      for (const cpu of targets) cpu.deliverIpi(costs.handlerNs, ack);
    });
  }
  // 3. the local function, under local_irq_save, after the send.
  if (runLocal) {
    const cpu = sender;
    sim.schedule(sendAtNs, () => {
      cpu.local_irq_save();
      sim.schedule(localNs, () => {
        cpu.local_irq_restore();
        finish();
      });
    });
  }
  return ev;
}

/**
 * smp_call_function_many(mask, func, info, wait=1): smp_call_function_many_cond() without SCF_RUN_LOCAL (the caller
 * is not in `targets`). Same event as above.
 */
export function smp_call_function_many(
  sim: Simulation,
  targets: Cpu[],
  costs: IpiCosts,
): import("../../sim/events").SimEvent<number> {
  return smp_call_function_many_cond(sim, null, targets, costs);
}
