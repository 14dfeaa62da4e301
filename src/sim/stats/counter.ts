import { perSecond } from "../time";

/** A named event count with a rate over an observation window (register it with `sim.measure`). */
export class Counter {
  count = 0;
  private startNs = 0;

  constructor(readonly name: string) {}

  add(n = 1): void {
    this.count += n;
  }

  /** Count per second of simulated time, from the last reset (or 0) to `nowNs`. */
  perSecond(nowNs: number): number {
    return perSecond(this.count, nowNs - this.startNs);
  }

  reset(nowNs: number): void {
    this.count = 0;
    this.startNs = nowNs;
  }
}
