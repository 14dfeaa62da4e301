/**
 * An optional record of who did what when, for small runs: tests assert exact traces, notebooks draw timelines.
 *
 * Stored as columns; it stops recording at `limit` entries (and says so in `truncated`) so that a trace left on by
 * mistake cannot grow with simulated time.
 */
export interface TraceEntry {
  /** Simulated time, ns. */
  t: number;
  /** The actor: a process or CPU name. */
  who: string;
  /** What happened, e.g. "read_lock", "acquired", "ipi-ack". */
  what: string;
  /** What it happened to, e.g. the lock's name; "" when not applicable. */
  on: string;
}

export class Trace {
  readonly t: number[] = [];
  readonly who: string[] = [];
  readonly what: string[] = [];
  readonly on: string[] = [];
  truncated = false;

  constructor(readonly limit = 100_000) {}

  get length(): number {
    return this.t.length;
  }

  record(t: number, who: string, what: string, on = ""): void {
    if (this.t.length >= this.limit) {
      this.truncated = true;
      return;
    }
    this.t.push(t);
    this.who.push(who);
    this.what.push(what);
    this.on.push(on);
  }

  entries(): TraceEntry[] {
    return this.t.map((t, i) => ({ t, who: this.who[i], what: this.what[i], on: this.on[i] }));
  }

  /** Compact form for exact assertions: "t who what[ on]" per entry. */
  lines(filter?: (e: TraceEntry) => boolean): string[] {
    const out: string[] = [];
    for (const e of this.entries()) {
      if (filter && !filter(e)) continue;
      out.push(e.on ? `${e.t} ${e.who} ${e.what} ${e.on}` : `${e.t} ${e.who} ${e.what}`);
    }
    return out;
  }

  /**
   * Pairs "begin"/"end" actions per (who, on) into intervals, for timelines of who holds or waits for what.
   * `spans` maps a begin action to its end action, e.g. {"wait": "acquired", "acquired": "release"}.
   */
  intervals(
    spans: Record<string, string>,
  ): Array<{ who: string; on: string; state: string; start: number; end: number }> {
    const open = new Map<string, { state: string; start: number }>();
    const out: Array<{ who: string; on: string; state: string; start: number; end: number }> = [];
    const ends = new Set(Object.values(spans));
    for (let i = 0; i < this.t.length; i++) {
      const key = `${this.who[i]}\u0000${this.on[i]}`;
      const what = this.what[i];
      const cur = open.get(key);
      if (cur && ends.has(what) && spans[cur.state] === what) {
        out.push({ who: this.who[i], on: this.on[i], state: cur.state, start: cur.start, end: this.t[i] });
        open.delete(key);
      }
      if (what in spans) open.set(key, { state: what, start: this.t[i] });
    }
    return out;
  }
}
