/**
 * `notifier-race`: a device faults translations in from the Linux page tables while the application repeatedly
 * discards its buffer (MADV_DONTNEED: zap_page_range_single under mmap_lock for read, so device fills, which also
 * hold it for read, run concurrently). A translation the device still caches when its page is freed is stale.
 *
 * One zapper task: exponential gap, zap the whole buffer (PTE by PTE, real PT locks, the protocol's notifier call
 * sites), repopulate (the application touching its buffer again). Device faults arrive as a Poisson stream, each
 * a process running the protocol's fill path: gru_user_dropin() for the GRU-style protocols, kvm_tdp_page_fault()
 * for kvm-seq-retry, hmm_mirror_fault() (mmu_interval_read_begin / _read_retry under the driver lock) for
 * interval-notifier, whose device page table is not drained by hardware and whose invalidate costs gruInvalidateUs.
 */
import { HmmMirror, hmm_mirror_fault } from "../../kernel/drivers/hmm-mirror";
import { gru_user_dropin } from "../../kernel/drivers/sgi-gru/grufault";
import { GruMmStruct } from "../../kernel/drivers/sgi-gru/grutlbpurge";
import { KvmMmuInvalidate, kvm_tdp_page_fault } from "../../kernel/kvm/mmu-invalidate";
import { AnonAddressSpace, type StaleTranslation } from "../../kernel/mm/anon-address-space";
import { MmuGatherPages } from "../../kernel/mm/mmu-gather-pages";
import { MmuIntervalSubscriptions } from "../../kernel/mm/mmu-interval-notifier";
import { MmuNotifierSubscriptions, type MmuNotifierSubscriber, type NotifierOp } from "../../kernel/mm/mmu-notifier";
import { SecondaryFaultStats, type SecondaryFaultTiming } from "../../kernel/mm/secondary-fault";
import { SecondaryTlb } from "../../kernel/mm/secondary-tlb";
import { zap_page_range_single, type ZapContext } from "../../kernel/mm/zap";
import type { Process, Yielded } from "../../sim/process";
import { RandomStreams } from "../../sim/random";
import { Simulation } from "../../sim/simulation";
import { Histogram } from "../../sim/stats/histogram";
import { meanGapNsOfRate, msToNs, usToNs } from "../../sim/time";
import type { Trace } from "../../sim/trace";
import { ParamError, type ParamValues } from "../params";
import { PAGES_PER_MIB } from "../notifier-cost/model";
import { SAFE_PROTOCOLS, type RaceProtocol, type notifierRaceParams } from "./params";

export type NotifierRaceParams = ParamValues<typeof notifierRaceParams>;

export interface NotifierRaceResult {
  stats: SecondaryFaultStats;
  staleTranslations: number;
  /** The first stale translations seen (at most 100), for charts. */
  staleSamples: StaleTranslation[];
  zaps: number;
  zapNs: Histogram;
  ptlHoldNs: Histogram;
  /** per-page-after-ptl callbacks that found a new page mapped at their index already. */
  remappedAtCallback: number;
  /** Pages freed by zaps (and by unpins after them). */
  pagesFreed: number;
  simNs: number;
  events: number;
  trace: Trace | null;
}

/** The GRU driver build for each GRU-style protocol: which ops it registers, and whether it holds fills off. */
function gruBuild(protocol: Exclude<RaceProtocol, "kvm-seq-retry" | "interval-notifier">): {
  ops: NotifierOp[];
  holdOff: boolean;
} {
  switch (protocol) {
    case "flush-at-start":
      return { ops: ["invalidate_range_start", "invalidate_range_end"], holdOff: false };
    case "start-end-block":
      return { ops: ["invalidate_range_start", "invalidate_range_end"], holdOff: true };
    case "invalidate-range-ptl":
      return { ops: ["invalidate_range"], holdOff: false };
    case "invalidate-page-after-ptl":
      return { ops: ["invalidate_page"], holdOff: false };
  }
}

export function runNotifierRace(
  p: NotifierRaceParams,
  seed: number,
  options: { trace?: boolean | Trace } = {},
): NotifierRaceResult {
  if (p.walkToInsertNs > usToNs(p.fillUs)) {
    throw new ParamError(
      "walkToInsertNs",
      `parameter 'walkToInsertNs': ${p.walkToInsertNs} ns is longer than the whole fill (fillUs = ${p.fillUs} us)`,
    );
  }
  const sim = new Simulation({ trace: options.trace });
  const streams = new RandomStreams(seed);
  const pages = p.bufferMiB * PAGES_PER_MIB;
  const mm = new AnonAddressSpace(sim, "mm", pages);
  mm.populate();
  const staleSamples: StaleTranslation[] = [];
  mm.onStale = (s) => {
    if (staleSamples.length < 100) staleSamples.push(s);
    if (sim.trace) sim.record("mm", "STALE", `${s.addr}=p${s.page} (${s.when})`);
  };
  mm.strict = p.strict && SAFE_PROTOCOLS.has(p.protocol);
  const notifiers = new MmuNotifierSubscriptions(sim);
  const timing: SecondaryFaultTiming = {
    preWalkNs: usToNs(p.fillUs) - p.walkToInsertNs,
    walkToInsertNs: p.walkToInsertNs,
    cpuFaultNs: usToNs(p.cpuFaultUs),
  };
  const stats = new SecondaryFaultStats();

  let tlb: SecondaryTlb;
  let subscriber: MmuNotifierSubscriber;
  let fault: (task: Process<any>, addr: number) => Generator<Yielded, void, unknown>;
  if (p.protocol === "kvm-seq-retry") {
    tlb = new SecondaryTlb("kvm sptes", pages, pages, streams.stream("kvm", "victim"), false);
    const kvm = new KvmMmuInvalidate(sim, "kvm", {
      ops: ["invalidate_range_start", "invalidate_range_end"],
      calloutNs: usToNs(p.kvmCalloutUs),
      perPageNs: p.kvmPerPageNs,
      sptes: tlb,
    });
    const ctx = { kvm, sptes: tlb, mm, timing, stats };
    subscriber = kvm;
    fault = (task, addr) => kvm_tdp_page_fault(ctx, task, addr);
  } else if (p.protocol === "interval-notifier") {
    tlb = new SecondaryTlb("mirror pt", pages, p.tlbEntries, streams.stream("gru", "victim"), false);
    const itree = new MmuIntervalSubscriptions(sim);
    const mirror = new HmmMirror(sim, itree, pages, { invalidateNs: usToNs(p.gruInvalidateUs), tlb });
    const ctx = { mirror, tlb, mm, timing, stats };
    subscriber = itree;
    fault = (task, addr) => hmm_mirror_fault(ctx, task, addr);
  } else {
    tlb = new SecondaryTlb("gru tlb", pages, p.tlbEntries, streams.stream("gru", "victim"), p.fillDrainOnFlush);
    const gms = new GruMmStruct(sim, "gru", { ...gruBuild(p.protocol), invalidateNs: usToNs(p.gruInvalidateUs), tlb });
    const ctx = { gms, tlb, mm, timing, stats };
    subscriber = gms;
    fault = (task, addr) => gru_user_dropin(ctx, task, addr);
  }
  notifiers.register(subscriber);
  mm.secondary.push(tlb);

  const gather = new MmuGatherPages(notifiers, mm, p.gatherBatchPages, {
    tlbFlushNs: p.tlbFlushNs,
    freePageNs: p.freePageNs,
  });
  const ptlHoldNs = new Histogram("ptl hold ns");
  const zapNs = new Histogram("zap ns");
  const zap: ZapContext = {
    sim,
    scheme: p.protocol === "invalidate-page-after-ptl" ? "per-page-after-ptl" : "range",
    notifiers,
    gather,
    mm,
    zapPteNs: p.zapPteNs,
    ptlHoldNs,
  };
  const horizonNs = Math.round(msToNs(p.durationMs));
  let zaps = 0;

  const gap = streams.stream("zapper", "gap");
  sim.spawn("madvise", function* (self) {
    for (;;) {
      yield Math.round(gap.exponential(meanGapNsOfRate(p.zapRatePerSec)));
      const t0 = sim.now;
      yield* zap_page_range_single(zap, self, 0, pages);
      zapNs.record(sim.now - t0);
      zaps++;
      mm.populate();
    }
  });

  const arrivals = streams.stream("device", "arrival");
  const where = streams.stream("device", "addr");
  let n = 0;
  sim.spawn("device", function* () {
    for (;;) {
      yield Math.round(arrivals.exponential(meanGapNsOfRate(p.faultRatePerSec)));
      // A miss: a page the device holds no translation for (a few draws; a stale entry would not miss).
      let addr = where.integer(pages);
      for (let k = 0; k < 8 && tlb.lookup(addr) !== 0; k++) addr = where.integer(pages);
      sim.spawn(`fault${n++}`, (self: Process<void>) => fault(self, addr));
    }
  });

  sim.run({ until: horizonNs });
  return {
    stats,
    staleTranslations: mm.staleTranslations,
    staleSamples,
    zaps,
    zapNs,
    ptlHoldNs,
    remappedAtCallback: zap.remappedAtCallback ?? 0,
    pagesFreed: mm.pagesFreed,
    simNs: sim.now,
    events: sim.eventCount,
    trace: sim.trace,
  };
}
