/**
 * The zap loop: clearing a range of PTEs (munmap, exit, MADV_DONTNEED) with the MMU-notifier call sites of each
 * scheme the 2008 thread argued about.
 *
 * Follows zap_page_range_single() / unmap_single_vma() / zap_pte_range() in mm/memory.c, read at
 * GrapheneOS/kernel_common-6.6 @55dbf85d9283 (Android's 6.6 with later backports: zap_present_ptes batches folio
 * PTEs, swap_pte_batch); torvalds/linux's stored mm/memory.c @0014bd990e69 is a 2.6.3x copy (ZAP_BLOCK_SIZE,
 * zap_work), too old to use. Per page-table page: pte_offset_map_lock, clear up to PTRS_PER_PTE PTEs, gathering each
 * page into the mmu_gather; when the gather is full, break out (force_flush), flush the TLB under the lock
 * (tlb_flush_mmu_tlbonly, with tlb_flush_rmaps), drop the lock, free the batch (tlb_flush_mmu), and return; the
 * caller zap_pmd_range sees addr != next and calls zap_pte_range again on the same PMD ("pmd--"). Not modelled: the
 * loop also breaks on need_resched(), and zap_pmd_range calls cond_resched() between PMDs.
 *
 * Notifier call sites per scheme:
 * - `range`: mmu_notifier_invalidate_range_start() before the walk and _end() after it (one pair for the range, as
 *   zap_page_range_single() and unmap_vmas() do), plus mmu_notifier_invalidate_range() at every mmu_gather TLB flush
 *   (4.14..6.5; since 6.6 the arch TLB flush calls mmu_notifier_arch_invalidate_secondary_tlbs instead).
 * - `per-page`: invalidate_page for every cleared PTE, inside the PT lock (Andrea Arcangeli's #v5 and 2.6.27's
 *   ptep_clear_flush_notify()).
 * - `per-page-after-ptl`: the same call made after the PT lock is dropped (where try_to_unmap_one() made it from
 *   3.17 to 4.12, after "mm: move all mmu notifier invocations to be done outside the PT lock"). We place it at
 *   the end of zap_pte_range, after the forced-flush free that 4.14 runs right after pte_unmap_unlock(): pages of a
 *   section that ends in a forced flush are freed before their callbacks run.
 * - `per-pt`: #v5's invalidate_pages once per PT-lock hold (once per page-table page, plus one more where a forced
 *   flush splits the hold), inside the lock.
 *
 * Two granularities. With an AnonAddressSpace the loop steps PTE by PTE (an event per PTE and per callback; the
 * page-table locks are real and contended), which the race experiment needs. Without one it takes an event per
 * PT-lock section and adds up the section's per-PTE and per-callback costs, assuming every PTE is present and
 * nothing contends, so a 64 GiB teardown (16M PTEs) costs 32K events. Both give the same times and counts when
 * nothing contends (a test checks it).
 */
import type { Process, Yielded } from "../../sim/process";
import type { Simulation } from "../../sim/simulation";
import type { Histogram } from "../../sim/stats/histogram";
import { PTRS_PER_PTE, type AnonAddressSpace } from "./anon-address-space";
import type { MmuGatherPages } from "./mmu-gather-pages";
import type { MmuNotifierSubscriptions } from "./mmu-notifier";

export type ZapScheme = "range" | "per-page" | "per-page-after-ptl" | "per-pt";

export const ZAP_SCHEMES: readonly ZapScheme[] = ["range", "per-page", "per-page-after-ptl", "per-pt"];

export interface ZapContext {
  sim: Simulation;
  scheme: ZapScheme;
  notifiers: MmuNotifierSubscriptions;
  gather: MmuGatherPages;
  /** Step PTE by PTE on this address space; null for the scaled per-section model. */
  mm: AnonAddressSpace | null;
  /** Clearing one present PTE (ptep_get_and_clear_full, rmap and rss accounting, tlb_remove_tlb_entry), ns. */
  zapPteNs: number;
  /** Every PT-lock hold, ns. */
  ptlHoldNs: Histogram;
  /** per-page-after-ptl callbacks that found a new page already mapped at their index (the 2017 pitfall). */
  remappedAtCallback?: number;
  /** Scratch for the indexes one hold cleared (per-page-after-ptl calls for exactly those). */
  cleared?: Int32Array;
}

export type ZapBody = Generator<Yielded, void, unknown>;

/** zap_page_range_single() over page indexes [start, end): notifier pair, the walk, tlb_finish_mmu(). */
export function* zap_page_range_single(z: ZapContext, task: Process<any>, start: number, end: number): ZapBody {
  if (z.sim.trace) z.sim.record(task.name, "zap_begin", `[${start},${end})`);
  if (z.scheme === "range") yield* z.notifiers.invalidate_range_start(task, start, end);
  for (let addr = start; addr < end;) {
    const next = Math.min(end, (Math.floor(addr / PTRS_PER_PTE) + 1) * PTRS_PER_PTE);
    yield* zap_pte_range(z, task, addr, next);
    addr = next;
  }
  if (z.scheme === "range") yield* z.notifiers.invalidate_range_end(task, start, end);
  yield* z.gather.tlb_finish_mmu(task);
  if (z.sim.trace) z.sim.record(task.name, "zap_end", `[${start},${end})`);
}

/** zap_pte_range() over [addr, end) within one page-table page. */
export function* zap_pte_range(z: ZapContext, task: Process<any>, addr: number, end: number): ZapBody {
  const mm = z.mm;
  const cleared = (z.cleared ??= new Int32Array(PTRS_PER_PTE));
  while (addr < end) {
    const sectionStart = addr;
    let nCleared = 0;
    let force = false;
    let holdStart: number;
    if (mm !== null) {
      const ptl = mm.pte_lockptr(addr);
      yield ptl.queued_spin_lock(task);
      holdStart = z.sim.now;
      for (; addr < end;) {
        const a = addr++;
        if (mm.pte[a] === 0) continue;
        yield z.zapPteNs;
        const page = mm.ptep_get_and_clear(a);
        cleared[nCleared++] = a;
        if (z.scheme === "per-page") yield* z.notifiers.invalidate_page(task, a);
        if (z.gather.__tlb_remove_page(a, page)) {
          force = true;
          break;
        }
      }
    } else {
      holdStart = z.sim.now;
      if (z.sim.trace) z.sim.record(task.name, "ptl_lock", `${Math.floor(addr / PTRS_PER_PTE)}`);
      const n = Math.min(end - addr, z.gather.room);
      let ns = n * z.zapPteNs;
      if (z.scheme === "per-page") ns += z.notifiers.scaled("invalidate_page", n, 1);
      force = z.gather.gatherRange(addr, n);
      addr += n;
      yield ns;
    }
    if (z.scheme === "per-pt" && addr > sectionStart) {
      if (mm !== null) yield* z.notifiers.invalidate_pages(task, sectionStart, addr);
      else yield z.notifiers.scaled("invalidate_pages", 1, addr - sectionStart);
    }
    if (force) yield* z.gather.tlb_flush_mmu_tlbonly(task);
    z.ptlHoldNs.record(z.sim.now - holdStart);
    if (mm !== null) mm.pte_lockptr(sectionStart).queued_spin_unlock(task);
    else if (z.sim.trace) z.sim.record(task.name, "ptl_unlock", `${Math.floor(sectionStart / PTRS_PER_PTE)}`);
    if (force) yield* z.gather.tlb_flush_mmu_free(task);
    if (z.scheme === "per-page-after-ptl") {
      if (mm !== null) {
        // A fault may have mapped a new page at one of these indexes since the unlock: the 2017 pitfall.
        for (let i = 0; i < nCleared; i++) {
          if (mm.pte[cleared[i]] !== 0) z.remappedAtCallback = (z.remappedAtCallback ?? 0) + 1;
          yield* z.notifiers.invalidate_page(task, cleared[i]);
        }
      } else if (addr > sectionStart) {
        yield z.notifiers.scaled("invalidate_page", addr - sectionStart, 1);
      }
    }
  }
}
