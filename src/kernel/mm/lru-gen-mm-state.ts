/**
 * Which reclaimer walks which mm: lru_gen_mm_state and iterate_mm_list (mm/vmscan.c, torvalds/linux @538d5baacd8a;
 * the same logic as 6.6, where iterate_mm_list also takes the lruvec). mm_state->seq counts completed iterations
 * of the memcg's mm_list; mm_state->head is where the current one stands. Each caller of try_to_inc_max_seq for
 * generation `seq` takes the next mm off the list, so **each mm is handed to one walker per generation**; a caller
 * that finds the list exhausted ends the iteration (mm_state->seq + 1) and tells its caller to run inc_max_seq, even
 * while the walkers it did not wait for are still walking. A walker whose generation was overtaken stops at its next
 * walk_mm check (walk_mm: "another thread might have called inc_max_seq()", tested between walk_page_range calls,
 * which walk_pud_range ends with -EAGAIN at PUD boundaries). A caller whose seq is not newer than mm_state->seq
 * returns at once ("a stale max_seq: there is nothing left to do").
 *
 * Every mm is taken to have run since its last walk (get_next_mm's lru_gen.bitmap test): the VMs' vCPU threads
 * context-switch. The list holds the VMs' mms only; host processes' mms cost no mmu_lock and are left out.
 */

export interface MmWalkResult {
  /** The mm this caller walks next (index into the list), or -1 for none. */
  mm: number;
  /** This caller ended the iteration: it must run inc_max_seq. */
  last: boolean;
}

export class LruGenMmState {
  /** mm_state->seq: iterations of the mm_list completed. */
  seq: number;
  /** mm_state->head: -1 is &mm_list->fifo (between iterations). */
  private head = -1;
  /** Walks of each mm in flight. */
  readonly walksInFlight: Int32Array;
  /** The most walks of one mm in flight at once since the last reset. */
  concurrentWalksMax = 0;
  /** Walks begun, and walks stopped early because another caller completed their generation. */
  walksStarted = 0;
  walksOvertaken = 0;

  constructor(
    readonly mms: number,
    initialSeq: number,
  ) {
    this.walksInFlight = new Int32Array(mms);
    this.seq = initialSeq;
  }

  /** iterate_mm_list(walk, &mm) for a walker of generation `walkSeq`. */
  iterate_mm_list(walkSeq: number): MmWalkResult {
    if (walkSeq <= this.seq) return { mm: -1, last: false };
    this.head++;
    if (this.head >= this.mms) {
      this.head = -1;
      this.seq++;
      return { mm: -1, last: true };
    }
    return { mm: this.head, last: false };
  }

  walkBegins(mm: number): void {
    this.walksStarted++;
    const n = ++this.walksInFlight[mm];
    if (n > this.concurrentWalksMax) this.concurrentWalksMax = n;
  }

  walkEnds(mm: number, overtaken: boolean): void {
    this.walksInFlight[mm]--;
    if (overtaken) this.walksOvertaken++;
  }

  /** Walks in flight of any mm. */
  get walking(): number {
    let n = 0;
    for (let i = 0; i < this.mms; i++) n += this.walksInFlight[i];
    return n;
  }

  resetStats(): void {
    let now = 0;
    for (let i = 0; i < this.mms; i++) now = Math.max(now, this.walksInFlight[i]);
    this.concurrentWalksMax = now;
    this.walksStarted = 0;
    this.walksOvertaken = 0;
  }
}
