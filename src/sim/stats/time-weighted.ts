/**
 * Time-weighted statistics of a level that changes at instants (queue length, bytes held, readers inside):
 * mean over time, peak, and current value. O(1) memory.
 */
export class TimeWeighted {
  private level = 0;
  private lastT: number;
  private area = 0;
  private startT: number;
  peak = 0;

  constructor(
    readonly name: string,
    startNs = 0,
    initial = 0,
  ) {
    this.lastT = startNs;
    this.startT = startNs;
    this.level = initial;
    this.peak = initial;
  }

  get value(): number {
    return this.level;
  }

  /** Sets the level at time `t` (ns; never earlier than the previous update). */
  set(t: number, level: number): void {
    if (t < this.lastT) throw new RangeError(`${this.name}: time went backwards (${t} < ${this.lastT} ns)`);
    this.area += this.level * (t - this.lastT);
    this.lastT = t;
    this.level = level;
    if (level > this.peak) this.peak = level;
  }

  add(t: number, delta: number): void {
    this.set(t, this.level + delta);
  }

  /** Mean level over [start, t]. */
  mean(t: number): number {
    const span = t - this.startT;
    if (span <= 0) return this.level;
    return (this.area + this.level * (t - this.lastT)) / span;
  }

  /** Forgets history before `t` (end of warm-up), keeping the current level. */
  reset(t: number): void {
    this.area = 0;
    this.lastT = t;
    this.startT = t;
    this.peak = this.level;
  }
}
