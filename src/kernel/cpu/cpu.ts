/**
 * CPUs with interrupt-disabled sections, and IPIs whose handling waits until the target re-enables interrupts.
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
  /** Fixed latency from sending an IPI to its arrival, ns (the "a" of T_sd(k) = a + b k). */
  latencyNs: number;
  /** Sender's cost per target, paid one after another (the "b"), ns. */
  perTargetNs: number;
  /** Handler run time on the target (e.g. a TLB flush), ns. */
  handlerNs: number;
}

/**
 * smp_call_function_many(mask, func, wait=1) (kernel/smp.c): the sender sends to each target in turn and waits in
 * csd_lock_wait() until every handler has run. Returns an event that fires when the last target has acked; the
 * sender's process yields it (spinning).
 */
export function smp_call_function_many(
  sim: Simulation,
  targets: Cpu[],
  costs: IpiCosts,
): import("../../sim/events").SimEvent<number> {
  const ev = sim.event<number>("smp_call_function_many");
  if (targets.length === 0) {
    ev.succeed(0);
    return ev;
  }
  let remaining = targets.length;
  const start = sim.now;
  targets.forEach((cpu, k) => {
    sim.schedule(costs.latencyNs + costs.perTargetNs * (k + 1), () =>
      cpu.deliverIpi(costs.handlerNs, () => {
        if (--remaining === 0) ev.succeed(sim.now - start);
      }),
    );
  });
  return ev;
}
