/** A FIFO ring buffer whose capacity is a power of two (index by mask), growing by doubling: no allocation in the steady state. */
export class RingQueue<T> {
  private buf: Array<T | undefined>;
  private mask: number;
  private head = 0;
  private n = 0;

  constructor(capacity = 16) {
    let cap = 1;
    while (cap < capacity) cap <<= 1;
    this.buf = new Array<T | undefined>(cap);
    this.mask = cap - 1;
  }

  get length(): number {
    return this.n;
  }

  push(x: T): void {
    if (this.n === this.buf.length) this.grow();
    this.buf[(this.head + this.n) & this.mask] = x;
    this.n++;
  }

  shift(): T | undefined {
    if (this.n === 0) return undefined;
    const x = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.n--;
    return x;
  }

  peek(): T | undefined {
    return this.n === 0 ? undefined : this.buf[this.head];
  }

  at(i: number): T | undefined {
    return i < 0 || i >= this.n ? undefined : this.buf[(this.head + i) & this.mask];
  }

  /** Removes the first occurrence of `x` (interrupted waiters); O(n). */
  remove(x: T): boolean {
    for (let i = 0; i < this.n; i++) {
      if (this.at(i) === x) {
        for (let j = i; j < this.n - 1; j++) this.buf[(this.head + j) & this.mask] = this.at(j + 1);
        this.buf[(this.head + this.n - 1) & this.mask] = undefined;
        this.n--;
        return true;
      }
    }
    return false;
  }

  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.n; i++) out.push(this.at(i)!);
    return out;
  }

  private grow(): void {
    const old = this.buf;
    const next = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.n; i++) next[i] = old[(this.head + i) & this.mask];
    this.buf = next;
    this.mask = next.length - 1;
    this.head = 0;
  }
}
