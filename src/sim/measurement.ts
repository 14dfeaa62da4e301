/**
 * The measurement window: statistics register with the simulation, and one call (`sim.runMeasured`) runs the
 * warm-up, opens the window for every registered statistic at once, and runs the measured span. A model never resets
 * a statistic by hand, so it cannot forget one.
 *
 * The window is [startNs, endNs). Opening it resets every registered statistic (histograms, counters, time-weighted
 * levels, the locks' wait and hold statistics) before any event at startNs runs, so an event at exactly startNs is
 * measured and nothing recorded before it is. Without a warm-up the window is open from the start.
 */

/** Anything that records during a run and can forget it: the window opens by calling `reset(startNs)`. */
export interface Measured {
  /** Forgets what was recorded; `nowNs` is the window's start (rates and time-weighted means count from it). */
  reset(nowNs: number): void;
}

/** A monotone quantity's growth inside the window (for counters that live in objects the model does not own). */
export interface SinceOpen {
  /** The quantity now minus its value when the window opened (or when this was made, before a window opens). */
  readonly value: number;
}

export class MeasurementWindow {
  private readonly stats: Measured[] = [];
  private opened = true;
  private start = 0;
  private end = Infinity;

  /** When the window opens (or opened), ns: 0 without a warm-up; set by `Simulation.runMeasured` before it runs. */
  get startNs(): number {
    return this.start;
  }

  /** When the window closes, ns; Infinity until `Simulation.runMeasured` sets it. */
  get endNs(): number {
    return this.end;
  }

  /** The measured span, ns (endNs - startNs). */
  get durationNs(): number {
    return this.end - this.start;
  }

  /** True once the window is open (from the start when there is no warm-up): statistics recorded now are kept. */
  get isOpen(): boolean {
    return this.opened;
  }

  /** True when an operation that began at `tNs` began inside the window (to count operations by their start). */
  contains(tNs: number): boolean {
    return tNs >= this.start && tNs < this.end;
  }

  /** Number of registered statistics. */
  get size(): number {
    return this.stats.length;
  }

  /** Registers a statistic; it is reset when the window opens. Returns it, so `sim.measure(new Histogram(..))` reads. */
  register<T extends Measured>(stat: T): T {
    if (stat === null || typeof stat !== "object" || typeof stat.reset !== "function") {
      throw new TypeError(`measure: expected a statistic with a reset(nowNs) method, got ${String(stat)}`);
    }
    this.stats.push(stat);
    return stat;
  }

  /** `read()` minus its value when the window opened: for a monotone counter in an object without a reset. */
  since(read: () => number): SinceOpen {
    let base = read();
    this.register({ reset: () => (base = read()) });
    return {
      get value() {
        return read() - base;
      },
    };
  }

  /** @internal Simulation.runMeasured: the window will be [startNs, endNs); closed until it opens. */
  plan(startNs: number, endNs: number): void {
    this.start = startNs;
    this.end = endNs;
    this.opened = false;
  }

  /** @internal Opens the window at `nowNs`: every registered statistic forgets what it recorded. */
  open(nowNs: number): void {
    for (const s of this.stats) s.reset(nowNs);
    this.start = nowNs;
    this.opened = true;
  }
}
