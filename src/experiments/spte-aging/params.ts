/**
 * Parameters of `spte-aging`. Sources name ../shared/reference/mechanisms-aging-rwlock.md (Argument B unless said)
 * or say "assumption"; the notebook sweeps the assumptions that move the answer.
 */
import { choice, integer, real } from "../params";
import { paramRules } from "../rules";

/** Which kernel the guest's memory is aged under. */
export const POLICIES = ["eviction-only", "walk-notify", "base", "no-walk"] as const;
export type Policy = (typeof POLICIES)[number];

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
  agingIntervalMs: real({
    unit: "ms",
    default: 2000,
    min: 0,
    max: 600_000,
    description:
      "Period of proactive aging (run_aging through /sys/kernel/debug/lru_gen, force_scan=1: a new generation and a " +
      "full walk each period, folding the oldest generation when all four are in use). 0: aging only when reclaim " +
      "needs it (should_run_aging). Shorter = aging more often, as under heavier memory pressure.",
    source: "assumption (aging frequency stands for memory pressure, issue 5); run_aging in mm/vmscan.c 6.6",
  }),
  guestShare: real({
    unit: "fraction",
    default: 0.5,
    min: 0,
    max: 0.95,
    description: "Share of all anon memory (resident or swapped) that is the VM's guest RAM; the rest is host tabs.",
    source: "B4: a VM holding 30-60% of RAM (assumption)",
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
  swapInUs: real({
    unit: "us",
    default: 40,
    min: 1,
    max: 10_000,
    description: "Cost of one refault from zram (decompression and mapping), charged to the tab open that needs it.",
    source: "B4: zram swap-in 10-100 us (assumption)",
  }),
  tabOpenBaseMs: real({
    unit: "ms",
    default: 0,
    min: 0,
    max: 60_000,
    description: "Cost of opening a tab that needs no refault (rendering, IPC); added to every open.",
    source: "assumption (0 isolates the part memory reclaim controls)",
  }),
  notifierCallNs: real({
    unit: "ns",
    default: 300,
    min: 0,
    max: 100_000,
    description:
      "CPU cost of one secondary-MMU aging call (arm64 6.6: kvm->mmu_lock taken for write, 200-500 ns contended; x86 lockless ~30 ns).",
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
    default: 600,
    min: 10,
    max: 86_400,
    description: "Simulated time per replication, warm-up included.",
    source: "assumption: long enough for a few hundred tab opens after warm-up",
  }),
  warmupS: real({
    unit: "s",
    default: 120,
    min: 0,
    max: 86_400,
    description: "Simulated time before measuring (memory starts all in zram).",
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
]);
