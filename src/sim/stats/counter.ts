/** A named event count with a rate over an observation window. */
export class Counter {
  count = 0;
  private startNs = 0;

  constructor(readonly name: string) {}

  add(n = 1): void {
    this.count += n;
  }

  /** Count per second of simulated time, from the last reset (or 0) to `nowNs`. */
  perSecond(nowNs: number): number {
    const span = nowNs - this.startNs;
    return span > 0 ? (this.count * 1e9) / span : NaN;
  }

  reset(nowNs: number): void {
    this.count = 0;
    this.startNs = nowNs;
  }
}
