/**
 * One race as it happens: a traced run of `notifier-race`, cut to the first zap, as spans and marks a timeline
 * chart can draw (the zapper's PT-lock holds and notifier calls; each device fault from miss to insert, with its
 * hold-off waits; stale translations as they are found).
 */
import { nsToUs, usToNs } from "../../sim/time";
import { Trace, type TraceEntry } from "../../sim/trace";
import { runNotifierRace, type NotifierRaceParams } from "./model";

export interface TimelineSpan {
  /** Row of the chart: "madvise" (the zapper), "fault12" (one device fault). */
  lane: string;
  /** "zap", "ptl held", "fill", "held off", "retrying". */
  state: string;
  startUs: number;
  endUs: number;
  label: string;
}

export interface TimelineMark {
  lane: string;
  /** "range_start", "range_end", "device flush", "tlb_flush", "free", "walk", "insert", "STALE", ... */
  what: string;
  tUs: number;
  label: string;
}

export interface RaceTimeline {
  protocol: string;
  /** Start of the window drawn (the zap's start less the margin), us. */
  fromUs: number;
  spans: TimelineSpan[];
  marks: TimelineMark[];
  staleTranslations: number;
  /** Device-fault lanes left out to keep the chart readable. */
  faultsOmitted: number;
}

/** Traces `p` on `seed` and returns the first zap, from `marginNs` before it to `marginNs` after it. */
export function raceTimeline(
  p: NotifierRaceParams,
  seed: number,
  options: { marginNs?: number; maxFaults?: number } = {},
): RaceTimeline {
  const marginNs = options.marginNs ?? 5_000;
  const maxFaults = options.maxFaults ?? 40;
  const trace = new Trace(500_000);
  const r = runNotifierRace(p, seed, { trace });
  const all = trace.entries();
  const begin = all.find((e) => e.what === "zap_begin");
  if (!begin)
    return {
      protocol: p.protocol,
      fromUs: 0,
      spans: [],
      marks: [],
      staleTranslations: r.staleTranslations,
      faultsOmitted: 0,
    };
  const end = all.find((e) => e.what === "zap_end" && e.t >= begin.t) ?? all[all.length - 1];
  const fromNs = begin.t - marginNs;
  const toNs = end.t + marginNs;

  const spans: TimelineSpan[] = [
    {
      lane: "madvise",
      state: "zap",
      startUs: nsToUs(begin.t),
      endUs: nsToUs(end.t),
      label: `MADV_DONTNEED ${begin.on}`,
    },
  ];
  const marks: TimelineMark[] = [];
  const ptlSince = new Map<string, number>();
  const faultOpen = new Map<
    string,
    { start: number; heldSince: number | null; retrySince: number | null; lastRetry: number }
  >();
  const lanes = new Set<string>();
  let omitted = 0;

  const zapperMarks: Record<string, string> = {
    invalidate_range_start: "range_start",
    invalidate_range_end: "range_end",
    invalidate_range: "invalidate_range",
    gru_flush_tlb_range: "device flush",
    mirror_invalidate: "device flush",
    tlb_flush: "tlb_flush",
    free_pages: "free",
  };
  const faultMark = (e: TraceEntry, what: string) => marks.push({ lane: e.who, what, tUs: nsToUs(e.t), label: e.on });

  for (const e of all) {
    if (e.t > toNs) break;
    if (e.who === "madvise") {
      if (e.t < fromNs) continue;
      if (e.what === "acquired" && e.on.startsWith("ptl")) ptlSince.set(e.on, e.t);
      else if (e.what === "release" && e.on.startsWith("ptl")) {
        const s = ptlSince.get(e.on);
        if (s !== undefined)
          spans.push({ lane: "madvise", state: "ptl held", startUs: nsToUs(s), endUs: nsToUs(e.t), label: e.on });
        ptlSince.delete(e.on);
      } else if (e.what in zapperMarks)
        marks.push({ lane: "madvise", what: zapperMarks[e.what], tUs: nsToUs(e.t), label: e.on });
      continue;
    }
    if (e.who === "mm" && e.what === "STALE") {
      if (e.t >= fromNs) marks.push({ lane: "mm", what: "STALE", tUs: nsToUs(e.t), label: e.on });
      continue;
    }
    if (!e.who.startsWith("fault")) continue;
    if (e.what === "miss") {
      if (e.t < fromNs) continue;
      if (lanes.size >= maxFaults) {
        omitted++;
        continue;
      }
      lanes.add(e.who);
      faultOpen.set(e.who, { start: e.t, heldSince: null, retrySince: null, lastRetry: 0 });
      continue;
    }
    const f = faultOpen.get(e.who);
    if (!f) continue;
    if (e.what === "failactive" || e.what === "read_begin_wait") {
      if (f.heldSince === null) f.heldSince = e.t;
      continue;
    }
    if (e.what === "RET_PF_RETRY" || e.what === "read_retry" || e.what === "EBUSY") {
      if (f.retrySince === null) f.retrySince = e.t;
      f.lastRetry = e.t;
      continue;
    }
    if (f.heldSince !== null && (e.what === "walk" || e.what === "pte_none")) {
      spans.push({ lane: e.who, state: "held off", startUs: nsToUs(f.heldSince), endUs: nsToUs(e.t), label: e.on });
      f.heldSince = null;
    }
    if (e.what === "walk" || e.what === "gup") faultMark(e, "walk");
    else if (e.what === "fill_dropped") faultMark(e, "dropped");
    else if (e.what === "tfh_write_restart" || e.what === "map_spte" || e.what === "program_device") {
      faultMark(e, "insert");
      if (f.retrySince !== null)
        spans.push({
          lane: e.who,
          state: "retrying",
          startUs: nsToUs(f.retrySince),
          endUs: nsToUs(f.lastRetry),
          label: p.protocol === "interval-notifier" ? "mmu_interval_read_retry" : "RET_PF_RETRY",
        });
      spans.push({ lane: e.who, state: "fill", startUs: nsToUs(f.start), endUs: nsToUs(e.t), label: e.on });
      faultOpen.delete(e.who);
    }
  }
  for (const [lane, f] of faultOpen)
    spans.push({ lane, state: "fill", startUs: nsToUs(f.start), endUs: nsToUs(toNs), label: "(unfinished)" });
  // A fill whose translation was later found stale gets its own colour.
  const stale = new Set(marks.filter((m) => m.what === "STALE").map((m) => m.label.split(" ")[0]));
  for (const sp of spans) if (sp.state === "fill" && stale.has(sp.label)) sp.state = "fill, went stale";
  return {
    protocol: p.protocol,
    fromUs: nsToUs(fromNs),
    spans,
    marks,
    staleTranslations: r.staleTranslations,
    faultsOmitted: omitted,
  };
}

/** One bar of a timeline chart (the shape of Trace.intervals()): times in ns. */
export interface TimelineBar {
  who: string;
  on: string;
  state: string;
  start: number;
  end: number;
}

/**
 * The timeline as bars for a Gantt chart: spans as they are, marks as bars `markNs` wide (walks and inserts on the
 * fault's row, flushes and frees on the zapper's, stale translations on an "mm" row). Times in ns from the start of
 * the window.
 */
export function timelineBars(t: RaceTimeline, markNs = 300): TimelineBar[] {
  const originNs = usToNs(t.fromUs);
  const bars: TimelineBar[] = t.spans.map((s) => ({
    who: s.lane,
    on: s.label,
    state: s.state,
    start: usToNs(s.startUs) - originNs,
    end: usToNs(s.endUs) - originNs,
  }));
  for (const m of t.marks) {
    const atNs = usToNs(m.tUs) - originNs;
    bars.push({ who: m.lane, on: m.label, state: m.what, start: atNs, end: atNs + markNs });
  }
  return bars;
}
