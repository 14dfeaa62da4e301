/**
 * Parameters of `spte-aging`. Sources name ../shared/reference/mechanisms-aging-rwlock.md (Argument B unless said)
 * or say "assumption"; the notebook sweeps the assumptions that move the answer.
 */
import { choice, integer, real } from "../params";
import { paramRules } from "../rules";

/** Which kernel the guest's memory is aged under. */
export const POLICIES = ["eviction-only", "walk-notify", "base", "no-walk"] as const;
export type Policy = (typeof POLICIES)[number];

/** What drives aging (issue 12, fidelity review D5). */
export const AGING_MODES = ["reclaim", "proactive"] as const;
export type AgingMode = (typeof AGING_MODES)[number];

export const spteAgingParams = {
  policy: choice({
    choices: POLICIES,
    default: "eviction-only",
    description:
      "eviction-only: 6.6 as released with MM_WALK on (walk and look-around clear host A bits only; KVM is asked only by " +
      "folio_referenced_one at eviction). walk-notify: with commit 1d4832becdc2 (*_clear_young_notify on every present " +
      "entry wherever host bits are cleared). base: no VM, the same pages as host memory (guest accesses set host A bits). " +
      "no-walk: MM_WALK off (aging opens generations without walking; A bits found only at eviction), pre-fix notifiers.",
    source:
      "B2 (before the fix / the fix); commit 1d4832becdc2; Documentation/admin-guide/mm/multigen_lru.rst (MM_WALK = 0x0002)",
  }),
  agingMode: choice({
    choices: AGING_MODES,
    default: "reclaim",
    description:
      "reclaim: aging only when should_run_aging asks, from kswapd and direct reclaim (get_nr_to_scan -> " +
      "try_to_inc_max_seq, force_scan off: the Bloom filter decides which PTE tables are walked), as ChromeOS runs. " +
      "proactive: in addition, a task writes the debugfs command `+ memcg node seq can_swap 1` (run_aging, force_scan) " +
      "every agingIntervalMs: a new generation and a full walk each period.",
    source:
      "mm/vmscan.c 6.6 get_nr_to_scan and run_aging (syslab-CAU/ScaleSwap @83341de3, linux-6.6.8); fidelity review D5 " +
      "(ChromeOS ages from kswapd and direct reclaim, no debugfs)",
  }),
  agingIntervalMs: real({
    unit: "ms",
    default: 2000,
    min: 0,
    max: 600_000,
    description:
      "Period of proactive aging, used only with agingMode proactive (must then be > 0). Until issue 12, 0 meant " +
      "reclaim-driven aging; that is now agingMode reclaim, under which this parameter is ignored.",
    source: "assumption (aging frequency stands for memory pressure, issue 5); run_aging in mm/vmscan.c 6.6",
  }),
  guestShare: real({
    unit: "fraction",
    default: 0.5,
    min: 0,
    max: 0.95,
    description:
      "Share of the whole footprint (resident or not) that is the VM's guest RAM; the rest is host tabs (anon and file).",
    source: "B4: a VM holding 30-60% of RAM (assumption)",
  }),
  fileShare: real({
    unit: "fraction",
    default: 0.3,
    min: 0,
    max: 0.9,
    description:
      "File-backed part of the host footprint (page cache of the files the browser maps and reads); the rest is anon.",
    source: "assumption (the ChromeOS setup is unpublished, B5; Yu Zhao's account needs page cache, B1)",
  }),
  fileMappedShare: real({
    unit: "fraction",
    default: 0.5,
    min: 0,
    max: 1,
    description:
      "Of the host's file pages, the share mapped and used through page tables (code, fonts); the rest is read() " +
      "page cache (disk cache), whose accesses through file descriptors count in tiers.",
    source: "assumption",
  }),
  swappiness: integer({
    unit: "count",
    default: 60,
    min: 1,
    max: 200,
    description:
      "vm.swappiness: get_type_to_scan weighs anon's first-tier refaults by it and file's by 200 - it; 1 scans file " +
      "first, 200 anon first. 0 (no anon reclaim) is outside the model: guest RAM and tabs are anon.",
    source: "mm/vmscan.c vm_swappiness = 60 (the kernel's default)",
  }),
  ramPages: integer({
    unit: "pages",
    default: 32_768,
    min: 4_096,
    max: 1_048_576,
    description: "RAM available to the workload, 4 KiB pages (32,768 = 128 MiB; a scaled-down ChromeOS device).",
    source: "assumption (the ChromeOS setup is unpublished, B5)",
  }),
  overcommit: real({
    unit: "ratio",
    default: 2,
    min: 1.05,
    max: 8,
    description: "Total footprint of tabs and guest apps over RAM: how much must live in zram at any time.",
    source: "assumption",
  }),
  tabPages: integer({
    unit: "pages",
    default: 1_024,
    min: 64,
    max: 65_536,
    description: "Mean size of a tab (host) or guest app (VM), 4 KiB pages; sizes are lognormal with CV 0.5.",
    source: "assumption (scaled down with ramPages)",
  }),
  popularitySkew: real({
    unit: "exponent",
    default: 1,
    min: 0,
    max: 3,
    description:
      "Zipf exponent of how often each tab or app is opened (rank r weighs 1/(r+1)^s); ranks alternate between host and guest by guestShare.",
    source: "assumption",
  }),
  dwellMs: real({
    unit: "ms",
    default: 2_000,
    min: 10,
    max: 600_000,
    description: "Mean time the user stays on an opened tab or app (exponential) before opening the next.",
    source: "assumption",
  }),
  touchIntervalMs: real({
    unit: "ms",
    default: 500,
    min: 10,
    max: 600_000,
    description: "While in the foreground, a tab or app touches all its pages again every this often.",
    source: "assumption",
  }),
  backgroundPagesPerSec: real({
    unit: "per-s",
    default: 1_000,
    min: 0,
    max: 1e6,
    description:
      "Background activity: pages touched per second in runs of 16 at random places of tabs and apps chosen by popularity.",
    source: "assumption",
  }),
  guestAccessScale: real({
    unit: "ratio",
    default: 1,
    min: 0.01,
    max: 100,
    description:
      "Multiplies the guest apps' popularity weights and background rate; 1 = the guest's access pattern equals the host's.",
    source: "issue 5 (patterns set equal so any difference comes from aging alone)",
  }),
  guestLayout: choice({
    choices: ["contiguous", "scattered"] as const,
    default: "contiguous",
    description:
      "How a guest app's pages lie in the VMM's guest-memory mapping: contiguous like a tab's heap, or scattered by the guest's page allocator.",
    source: "assumption",
  }),
  fileReadUs: real({
    unit: "us",
    default: 200,
    min: 1,
    max: 100_000,
    description:
      "Cost of reading one evicted page-cache page back from storage (eMMC/NVMe random 4 KiB read), charged to the " +
      "task that faults or reads it.",
    source: "assumption (eMMC random 4 KiB reads take 0.1-1 ms, NVMe about 0.1 ms)",
  }),
  zramWriteUs: real({
    unit: "us",
    default: 20,
    min: 0,
    max: 10_000,
    description: "Cost of compressing one anon page into zram at swap-out, charged to the reclaiming task.",
    source: "assumption (lzo-rle/lz4 compress a 4 KiB page in about 5-30 us on ChromeOS-class CPUs)",
  }),
  shrinkFolioUs: real({
    unit: "us",
    default: 2,
    min: 0,
    max: 1_000,
    description:
      "Cost of putting one isolated folio through shrink_folio_list (rmap walk, try_to_unmap with its TLB flush, " +
      "freeing), charged to the reclaiming task; swap-out adds zramWriteUs.",
    source: "assumption (mmu-lock-aging's 2 us page-out per folio)",
  }),
  scanFolioNs: real({
    unit: "ns",
    default: 100,
    min: 0,
    max: 100_000,
    description: "Cost of scan_folios looking at one folio (sort_folio or isolate_folio under the LRU lock).",
    source: "assumption",
  }),
  walkPteNs: real({
    unit: "ns",
    default: 10,
    min: 0,
    max: 10_000,
    description:
      "Cost of the aging walk or look-around reading (and clearing) one host PTE; notifier calls add notifierCallNs.",
    source: "assumption (A3: x86 lockless aging including the SPTE is 28-31 ns per page)",
  }),
  watermarkScaleFactor: integer({
    unit: "count",
    default: 10,
    min: 1,
    max: 3_000,
    description:
      "vm.watermark_scale_factor: the WMARK_MIN-LOW and LOW-HIGH distance in 1/10000 of RAM (at least WMARK_MIN / 4).",
    source: "mm/page_alloc.c __setup_per_zone_wmarks, default 10",
  }),
  minTtlMs: real({
    unit: "ms",
    default: 0,
    min: 0,
    max: 600_000,
    description:
      "/sys/kernel/mm/lru_gen/min_ttl_ms: kswapd OOM-kills (here: discards the least recently used host tab) when " +
      "even the oldest generation is younger than this. 0 = off, the kernel default.",
    source:
      "mm/vmscan.c 6.6 lru_gen_age_node; Documentation/admin-guide/mm/multigen_lru.rst suggests 1000 for personal " +
      "computers; ChromeOS's setting unpublished",
  }),
  tabReloadMs: real({
    unit: "ms",
    default: 500,
    min: 0,
    max: 60_000,
    description:
      "Extra cost of opening a tab an OOM kill discarded (renderer restart and reload; its anon pages fault in " +
      "zero-filled). Only with minTtlMs > 0 or an out-of-memory allocation.",
    source: "assumption",
  }),
  swapInUs: real({
    unit: "us",
    default: 40,
    min: 1,
    max: 10_000,
    description:
      "Cost of one anon refault from zram (decompression and mapping), charged to the task that faults (a tab open).",
    source: "B4: zram swap-in 10-100 us (assumption)",
  }),
  tabOpenBaseMs: real({
    unit: "ms",
    default: 0,
    min: 0,
    max: 60_000,
    description: "Cost of opening a tab that needs no refault (rendering, IPC): time every open takes.",
    source: "assumption (0 isolates the part memory reclaim controls)",
  }),
  notifierCallNs: real({
    unit: "ns",
    default: 300,
    min: 0,
    max: 100_000,
    description:
      "Cost of one secondary-MMU aging call (arm64 6.6: kvm->mmu_lock taken for write, 200-500 ns contended; x86 " +
      "lockless ~30 ns), charged to the task that ages or reclaims (kswapd, a direct reclaimer, the proactive writer).",
    source:
      "A3/A4 (derived from <CAOUHufYc3hr-+fp14jgEkDN++v6t-z-PRf1yQdKtnje6SgLiiA@mail.gmail.com> and <20240529180510.2295118-1-jthoughton@google.com>)",
  }),
  coldFraction: real({
    unit: "fraction",
    default: 0.25,
    min: 0.01,
    max: 0.9,
    description:
      "What counts as cold memory: this share of resident pages with the longest true idle time (one generation's worth of four).",
    source: "assumption",
  }),
  durationS: real({
    unit: "s",
    default: 400,
    min: 10,
    max: 86_400,
    description: "Simulated time per replication, warm-up included.",
    source:
      "assumption: about 140 host tab opens in the 300 s measured (600 until issue 12; refault rates are steady " +
      "from 60 s of warm-up on, see docs/fidelity/001-spte-aging.md)",
  }),
  warmupS: real({
    unit: "s",
    default: 100,
    min: 0,
    max: 86_400,
    description: "Simulated time before measuring (memory starts empty: everything in zram or on storage).",
    source: "assumption",
  }),
};

export type SpteAgingParams = typeof spteAgingParams;

/** Rules between the parameters, checked on every sweep point before anything runs (../rules.ts). */
export const spteAgingRules = paramRules(spteAgingParams, [
  {
    params: ["warmupS", "durationS"],
    holds: (p) => p.warmupS < p.durationS,
    rule: "warmupS must be less than durationS: the warm-up is part of the simulated time, and what is left is measured",
  },
  {
    params: ["agingMode", "agingIntervalMs"],
    holds: (p) => p.agingMode !== "proactive" || p.agingIntervalMs > 0,
    rule:
      "agingIntervalMs must be above 0 when agingMode is 'proactive': it is the period of the debugfs aging (aging " +
      "left to reclaim is agingMode 'reclaim', which ignores agingIntervalMs)",
  },
]);
