/**
 * The pending-event set: a binary min-heap over parallel typed arrays.
 *
 * Order is (time, priority, insertion order), so events at the same nanosecond run in a defined order and a rerun
 * with the same seed replays exactly. Priority and insertion order are packed into one float64 key
 * (priority * 2^44 + sequence), which stays exact below 2^53: 512 priorities, 1.7e13 events per run.
 *
 * Each entry carries a target (an int the simulation interprets). push() returns the entry's key, which is unique:
 * the simulation remembers the key of each process's one live entry, so an entry left behind by an interrupt is
 * recognised as stale when popped (lazy cancellation) instead of being searched for.
 */
export class EventQueue {
  private times: Float64Array;
  private keys: Float64Array;
  private targets: Int32Array;
  private n = 0;
  private seq = 0;

  constructor(initialCapacity = 64) {
    this.times = new Float64Array(initialCapacity);
    this.keys = new Float64Array(initialCapacity);
    this.targets = new Int32Array(initialCapacity);
  }

  get size(): number {
    return this.n;
  }

  /** Largest number of entries held at once: the queue's memory is bounded by this, not by simulated time. */
  get capacity(): number {
    return this.times.length;
  }

  /** Adds an entry and returns its key (unique within this queue). */
  push(time: number, priority: number, target: number): number {
    if (this.n === this.times.length) this.grow();
    const key = priority * 17592186044416 + this.seq++; // 2^44
    const times = this.times;
    const keys = this.keys;
    const targets = this.targets;
    let i = this.n++;
    // Sift up, moving parents down until the new entry's slot is found.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      if (pt < time || (pt === time && keys[p] < key)) break;
      times[i] = pt;
      keys[i] = keys[p];
      targets[i] = targets[p];
      i = p;
    }
    times[i] = time;
    keys[i] = key;
    targets[i] = target;
    return key;
  }

  /** Time of the earliest entry; Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? this.times[0] : Infinity;
  }

  /** Target and key of the earliest entry. Valid only when size > 0; call before pop(). */
  peekTarget(): number {
    return this.targets[0];
  }

  peekKey(): number {
    return this.keys[0];
  }

  /** Removes the earliest entry. */
  pop(): void {
    const n = --this.n;
    if (n === 0) return;
    const times = this.times;
    const keys = this.keys;
    const targets = this.targets;
    const t = times[n];
    const k = keys[n];
    const tg = targets[n];
    let i = 0;
    // Sift the last entry down from the root.
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let m = l;
      let mt = times[l];
      const r = l + 1;
      if (r < n) {
        const rt = times[r];
        if (rt < mt || (rt === mt && keys[r] < keys[l])) {
          m = r;
          mt = rt;
        }
      }
      if (t < mt || (t === mt && k < keys[m])) break;
      times[i] = mt;
      keys[i] = keys[m];
      targets[i] = targets[m];
      i = m;
    }
    times[i] = t;
    keys[i] = k;
    targets[i] = tg;
  }

  clear(): void {
    this.n = 0;
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const times = new Float64Array(cap);
    times.set(this.times);
    const keys = new Float64Array(cap);
    keys.set(this.keys);
    const targets = new Int32Array(cap);
    targets.set(this.targets);
    this.times = times;
    this.keys = keys;
    this.targets = targets;
  }
}
