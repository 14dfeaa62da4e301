/**
 * Lockless page-table walkers and the rule that protects them: a table must not be freed while a walker that
 * began before the table was unhooked is still inside.
 *
 * Two kinds, as in the 2021 thread:
 * - "irq-off": GUP-fast (mm/gup.c read at GrapheneOS/kernel_common-6.6 @55dbf85d9283: lockless_pages_from_mm() does
 *   local_irq_save(), gup_pgd_range() walks pgd..pte, local_irq_restore(), "we block page table pages from being
 *   freed from under us"; a later patch renames them gup_fast() and gup_fast_pgd_range(), the names used here;
 *   torvalds/linux's stored mm/gup.c @0005d20b2ff1 is a 4.x copy). SPF v1 walked the same way. It is safe when the
 *   freeing side waits for an IPI (the IPI cannot be handled inside the section) or for an RCU grace period
 *   (interrupts-off regions are RCU readers since the v5.0 flavour consolidation).
 * - "rcu": rcu_read_lock() only, as SPF v2's speculative_page_walk_begin() did under MMU_GATHER_RCU_TABLE_FREE and
 *   as __pte_offset_map() does since Hugh Dickins' 6.5 series (its patches: "rcu_read_lock() to be added later",
 *   then rcu_read_lock() before pmdp_get_lockless()). It is safe only when tables wait for a grace period; an IPI
 *   does not wait for it.
 *
 * The registry records when each CPU's current walk began; the freeing code calls checkFree() at the moment a
 * table is really freed. In strict mode a violation throws InvariantViolation; otherwise it is counted, so an
 * unsafe configuration can be measured as well as refused.
 */
import type { Yielded } from "../../sim/process";
import type { Simulation } from "../../sim/simulation";
import { InvariantViolation } from "../../sim/invariant";
import type { Cpu } from "../cpu/cpu";
import type { Rcu } from "../rcu/tree";

export type WalkerKind = "irq-off" | "rcu";

export class PageTableWalkers {
  /** When the current walk on each CPU began, ns; NaN when the CPU is not walking. */
  private readonly walkSinceNs: Float64Array;
  walks = 0;
  /** Tables freed while a walker that began before their unhook was still inside (counted when not strict). */
  unsafeFrees = 0;

  constructor(
    readonly sim: Simulation,
    readonly rcu: Rcu,
    cpus: number,
    /** Throw on a violation instead of counting it. */
    readonly strict: boolean,
  ) {
    this.walkSinceNs = new Float64Array(cpus).fill(NaN);
  }

  /** gup_fast(): one lockless walk of `walkNs` with interrupts off. */
  *gup_fast(cpu: Cpu, walkNs: number): Generator<Yielded, void, unknown> {
    cpu.local_irq_save();
    this.begin(cpu.id);
    yield walkNs; // gup_fast_pgd_range()
    this.end(cpu.id);
    cpu.local_irq_restore();
  }

  /** A speculative walk under rcu_read_lock() only (SPF v2, pte_offset_map()). */
  *rcu_walk(cpu: Cpu, walkNs: number): Generator<Yielded, void, unknown> {
    this.rcu.rcu_read_lock(cpu.id);
    this.begin(cpu.id);
    yield walkNs;
    this.end(cpu.id);
    this.rcu.rcu_read_unlock(cpu.id);
  }

  walk(kind: WalkerKind, cpu: Cpu, walkNs: number): Generator<Yielded, void, unknown> {
    return kind === "irq-off" ? this.gup_fast(cpu, walkNs) : this.rcu_walk(cpu, walkNs);
  }

  private begin(cpu: number): void {
    if (this.walkSinceNs[cpu] === this.walkSinceNs[cpu]) {
      throw new InvariantViolation("page-table walkers", this.sim.now, `cpu${cpu} began a walk inside another`);
    }
    this.walkSinceNs[cpu] = this.sim.now;
    this.walks++;
  }

  private end(cpu: number): void {
    this.walkSinceNs[cpu] = NaN;
  }

  /**
   * Called when `tables` page tables unhooked at `unhookNs` are freed now: every walker that began at or before
   * the unhook and is still inside may hold a pointer into them.
   */
  checkFree(unhookNs: number, tables: number, how: string): void {
    for (let c = 0; c < this.walkSinceNs.length; c++) {
      const since = this.walkSinceNs[c];
      if (!(since <= unhookNs)) continue;
      if (this.strict) {
        throw new InvariantViolation(
          "page-table free",
          this.sim.now,
          `${tables} table(s) unhooked at t=${unhookNs} ns freed (${how}) while cpu${c} is still in a walk begun at t=${since} ns`,
        );
      }
      this.unsafeFrees += tables;
      return;
    }
  }
}
