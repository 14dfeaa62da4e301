/**
 * A sequence count after include/linux/seqlock.h (Linux 6.6), read at torvalds/linux @02b5a6031ba7, a 3.1x copy
 * with the same core (__read_seqcount_begin spins while the count is odd; read_seqcount_retry is smp_rmb() then
 * `sequence != start`; raw_write_seqcount_begin/end: sequence++ with smp_wmb()); 6.6 adds the seqcount_LOCKNAME_t
 * variants whose write side asserts the associated lock, and raw_read_seqcount() (no spin, may return odd), used as
 * GUP-fast does (mm/gup.c 6.6: `seq = raw_read_seqcount(&mm->write_protect_seq); if (seq & 1) return 0;`).
 * Writers make it odd while they change the protected data and even again after; a reader samples it, reads, and
 * retries if it changed. Writers must be serialised by a lock of their own (write_seqcount_begin() asserts that
 * under lockdep; here a nested begin is an invariant violation). Readers never block writers and never write the
 * count's cache line.
 */
import type { Simulation } from "../../sim/simulation";
import { InvariantViolation } from "../../sim/invariant";

export class Seqcount {
  sequence = 0;
  retries = 0;
  reads = 0;

  constructor(
    readonly sim: Simulation,
    readonly name: string,
  ) {}

  /** raw_read_seqcount(): the current value (odd while a write is in progress). */
  raw_read_seqcount(): number {
    return this.sequence;
  }

  /**
   * read_seqcount_begin(), without its spin: the kernel waits while the count is odd; here an odd value is returned
   * and read_seqcount_retry() then fails, which costs the caller the same retry.
   */
  read_seqcount_begin(): number {
    this.reads++;
    return this.sequence;
  }

  /** read_seqcount_retry(): true if the section must be retried (a write began or ended since `start`, or was in progress). */
  read_seqcount_retry(start: number): boolean {
    const retry = (start & 1) === 1 || this.sequence !== start;
    if (retry) this.retries++;
    return retry;
  }

  write_seqcount_begin(who = "writer"): void {
    if (this.sequence & 1)
      throw new InvariantViolation(
        `seqcount ${this.name}`,
        this.sim.now,
        `'${who}' began a write inside another write: writers are not serialised`,
      );
    this.sequence++;
  }

  write_seqcount_end(who = "writer"): void {
    if (!(this.sequence & 1))
      throw new InvariantViolation(`seqcount ${this.name}`, this.sim.now, `'${who}' ended a write that was not begun`);
    this.sequence++;
  }

  /** True while a write is in progress. */
  get writing(): boolean {
    return (this.sequence & 1) === 1;
  }
}
