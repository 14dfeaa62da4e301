/**
 * `spte-aging` (issue 5; issue 12: file pages, the anon/file balance, kswapd and watermarks, reclaim-driven aging):
 * MGLRU aging vs KVM SPTE Accessed bits. Before commit 1d4832becdc2 only eviction asked KVM whether guest pages were
 * used; the fix asks wherever MGLRU clears host A bits.
 */
import { defineExperiment } from "../experiment";
import { spteAgingParams, spteAgingRules } from "./params";
import { spteAgingObservables, spteAgingScenario, type SpteAgingDetail } from "./scenario";
import { spteAgingClaims } from "./claims";

export const spteAging = defineExperiment<typeof spteAgingParams, SpteAgingDetail>({
  id: "spte-aging",
  title: "MGLRU aging frequency vs SPTE youth: when only eviction clears KVM's Accessed bits, guest memory looks young",
  thread: "001-mglru-walk-secondary-mmu-spte-youth-2024.txt",
  kernel:
    "Linux 6.6 mm/vmscan.c (should_run_aging, try_to_inc_max_seq, walk_pte_range, lru_gen_look_around, evict_folios " +
    "with get_type_to_scan and the refault PID controller, tiers, balance_pgdat / kswapd, try_to_free_pages), " +
    "mm/workingset.c (6.6 lru_gen_test_recent), mm/page_alloc.c (watermarks, __alloc_pages_slowpath), " +
    "mm/rmap.c folio_referenced_one, with and without commit 1d4832becdc2; virt/kvm/kvm_main.c aging notifiers " +
    "(read in the 6.6.8 tree of syslab-CAU/ScaleSwap @83341de3 and torvalds/linux @538d5baa)",
  params: spteAgingParams,
  rules: spteAgingRules,
  observables: spteAgingObservables,
  scenario: spteAgingScenario,
  claims: spteAgingClaims,
});
