/** A FIFO ring buffer that grows by doubling and never shrinks: no allocation in the steady state. */
export class RingQueue<T> {
  private buf: Array<T | undefined>;
  private head = 0;
  private n = 0;

  constructor(capacity = 16) {
    this.buf = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.n;
  }

  push(x: T): void {
    if (this.n === this.buf.length) this.grow();
    this.buf[(this.head + this.n) % this.buf.length] = x;
    this.n++;
  }

  shift(): T | undefined {
    if (this.n === 0) return undefined;
    const x = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) % this.buf.length;
    this.n--;
    return x;
  }

  peek(): T | undefined {
    return this.n === 0 ? undefined : this.buf[this.head];
  }

  at(i: number): T | undefined {
    return i < 0 || i >= this.n ? undefined : this.buf[(this.head + i) % this.buf.length];
  }

  /** Removes the first occurrence of `x` (interrupted waiters); O(n). */
  remove(x: T): boolean {
    for (let i = 0; i < this.n; i++) {
      if (this.at(i) === x) {
        for (let j = i; j < this.n - 1; j++) this.buf[(this.head + j) % this.buf.length] = this.at(j + 1);
        this.buf[(this.head + this.n - 1) % this.buf.length] = undefined;
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
    for (let i = 0; i < this.n; i++) next[i] = old[(this.head + i) % old.length];
    this.buf = next;
    this.head = 0;
  }
}
