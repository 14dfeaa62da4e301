/**
 * Parameters of `notifier-cost`, and the zap and device costs that `notifier-race` shares.
 * Sources: ../shared/reference/mechanisms-notifiers-vma-rcu.md, Argument C (lore:<id> = https://lore.kernel.org/r/<id>).
 */
import { GATHER_PAGES_PER_FLUSH } from "../../kernel/mm/mmu-gather-pages";
import { choice, flag, integer, real } from "../params";

/** Costs of the zap loop and of the two secondary MMUs, used by both experiments. */
export const zapAndDeviceParams = {
  kvmCalloutUs: real({
    unit: "us",
    default: 1,
    min: 0.01,
    max: 100,
    description: "KVM's fixed work per notifier callback (f): mmu_lock, memslot walk, remote TLB flush.",
    source: "assumption (mechanisms file: f = 1 us, sweep 0.2-5 us)",
  }),
  kvmPerPageNs: real({
    unit: "ns",
    default: 50,
    min: 1,
    max: 10_000,
    description: "KVM's work per 4 KiB page in a callback's range (c): zapping that page's spte.",
    source: "assumption (mechanisms file: c = 50 ns, sweep 10-200 ns)",
  }),
  gruInvalidateUs: real({
    unit: "us",
    default: 3,
    min: 0.01,
    max: 1000,
    description:
      "One GRU TGH TLB invalidate: gru_flush_tlb_range issues one per GRU per call, whatever the range (num = min(pages, GRUMAXINVAL)).",
    source: "drivers/misc/sgi-gru/grutlbpurge.c comment: 'normally a few usec'; mechanisms file t_inv = 3 us",
  }),
  zapPteNs: real({
    unit: "ns",
    default: 50,
    min: 0,
    max: 100_000,
    description:
      "CPU time to clear one present PTE in zap_pte_range (get_and_clear, rmap, rss, gather), under the PT lock.",
    source: "assumption (no published per-PTE zap cost; the notebook sweeps it)",
  }),
  freePageNs: real({
    unit: "ns",
    default: 100,
    min: 0,
    max: 100_000,
    description: "CPU time to free one gathered page in tlb_flush_mmu (free_pages_and_swap_cache), after the PT lock.",
    source: "assumption (no published per-page free cost; the notebook sweeps it)",
  }),
  tlbFlushNs: real({
    unit: "ns",
    default: 1000,
    min: 0,
    max: 1e7,
    description: "CPU TLB flush at each mmu_gather flush (flush_tlb_mm_range of the gathered range).",
    source:
      "derived: full flush 2,283 cycles, about 1 us at 2.3 GHz (Dave Hansen, lore:20140218193017.ECDF1089@viggo.jf.intel.com)",
  }),
  gatherBatchPages: integer({
    unit: "pages",
    default: GATHER_PAGES_PER_FLUSH,
    min: 1,
    max: 1_000_000,
    description:
      "Pages an mmu_gather holds before zap_pte_range must flush: MMU_GATHER_BUNDLE + MAX_GATHER_BATCH_COUNT x MAX_GATHER_BATCH.",
    source: "derived: 8 + 19 x 510 = 9,698 (mm/mmu_gather.c, 6.6; mechanisms file 'about 10,000')",
  }),
};

export const notifierCostParams = {
  scheme: choice({
    choices: ["per-page", "per-pt", "range"] as const,
    default: "range",
    description:
      "Notifier call sites on zap: invalidate_page per PTE inside the PT lock (#v5 reclaim style); invalidate_pages once per PT-lock hold (Andrea's #v5 zap batching); range start/end around the walk plus invalidate_range at every mmu_gather flush.",
    source:
      "lore:20080131232842.GQ7185@v2.random (#v5); lore:Pine.LNX.4.64.0802051400200.14665@schroedinger.engr.sgi.com (range)",
  }),
  device: choice({
    choices: ["kvm", "gru"] as const,
    default: "gru",
    description:
      "The secondary MMU: KVM (f per callback + c per page, under mmu_lock) or the SGI GRU (one TGH invalidate per callback: gru_flush_tlb_range).",
    source: "mechanisms file, Argument C section 4",
  }),
  mappingMiB: integer({
    unit: "MiB",
    default: 4096,
    min: 1,
    max: 262_144,
    description: "Size of the populated anonymous mapping torn down (munmap of one VMA, 4 KiB pages).",
    source:
      "lore:Pine.LNX.4.64.0802051400200.14665@schroedinger.engr.sgi.com (4 GiB, 'about 1M callbacks'); issue 7 sweeps 4 MiB-64 GiB",
  }),
  invalidateRangeCallback: flag({
    default: false,
    description:
      "The device also registers invalidate_range, so the range scheme calls it at every mmu_gather flush. Neither KVM nor the GRU does.",
    source: "include/linux/mmu_notifier.h 4.14; KVM and grutlbpurge.c register no invalidate_range for ordinary memory",
  }),
  ...zapAndDeviceParams,
};
