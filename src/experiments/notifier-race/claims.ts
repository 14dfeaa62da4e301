/**
 * The race argument as claims: which protocols leave a device translating a freed page (Christoph Lameter 2008,
 * Jérôme Glisse 2017), and what holding fills off costs the fault path (Andrea Arcangeli). Decided by the one rule:
 * stale translations by counterexample (`never`, `always`), growth by paired differences on common random numbers
 * (every protocol of a seed sees the same device-fault arrivals and zap gaps).
 */
import {
  above,
  allOf,
  always,
  defineClaim,
  never,
  observable,
  overCases,
  pairedDifference,
} from "../claims/vocabulary";
import { notifierRaceParams, RACE_PROTOCOLS, SAFE_PROTOCOLS, type RaceProtocol } from "./params";

const subject = { params: notifierRaceParams };

/** The protocols that let a fill in between the device flush and the free, and those that do not. */
export const LEAKING_PROTOCOLS: RaceProtocol[] = RACE_PROTOCOLS.filter((p) => !SAFE_PROTOCOLS.has(p));
export const CLOSING_PROTOCOLS: RaceProtocol[] = RACE_PROTOCOLS.filter((p) => SAFE_PROTOCOLS.has(p));
/** The closing protocols that hold a fill off while an invalidation is in progress (all but invalidate-range-ptl). */
export const HOLDING_OFF_PROTOCOLS: RaceProtocol[] = CLOSING_PROTOCOLS.filter((p) => p !== "invalidate-range-ptl");

const protocolCase = {
  caseName: (p: RaceProtocol) => `protocol=${p}`,
  caseValues: (p: RaceProtocol) => ({ protocol: p }),
};

const onlyFillWindowsLeaveStale = defineClaim(subject, {
  id: "only-fill-windows-leave-stale",
  who: "Christoph Lameter; Jérôme Glisse (2017)",
  values: {
    faultRatesPerSec: [20_000, 200_000],
    durationMs: notifierRaceParams.durationMs.default,
    leaking: LEAKING_PROTOCOLS,
    closing: CLOSING_PROTOCOLS,
    slowZapProtocol: "invalidate-page-after-ptl" as RaceProtocol,
    slowZapDurationMs: 300,
  },
  statement: (v) =>
    "Only the protocols that let a fill in between the device flush and the free leave stale translations: " +
    `${v.leaking.join(" and ")} leave some on every seed at ${v.faultRatesPerSec.map((r) => `${r / 1000}k`).join(" and ")} ` +
    `faults/s (${v.durationMs} ms runs; ${v.slowZapDurationMs} ms for ${v.slowZapProtocol}, whose per-page zap of ` +
    "the buffer alone takes about 50 ms), more at the higher rate (paired difference > 0); " +
    `${v.closing.join(", ")} leave none on any seed.`,
  runs: (v) => ({
    rates: { protocol: [...RACE_PROTOCOLS], faultRatePerSec: v.faultRatesPerSec, durationMs: v.durationMs },
    slowZaps: { protocol: v.slowZapProtocol, faultRatePerSec: v.faultRatesPerSec, durationMs: v.slowZapDurationMs },
  }),
  test: (r, v) => {
    const [low, high] = v.faultRatesPerSec;
    return allOf(
      overCases(
        "each protocol that closes the window",
        v.closing,
        (protocol) =>
          allOf(
            ...v.faultRatesPerSec.map((faultRatePerSec) =>
              never(
                observable(
                  r.rates,
                  "staleTranslations",
                  { protocol, faultRatePerSec },
                  `stale translations at ${faultRatePerSec / 1000}k faults/s`,
                ),
              ),
            ),
          ),
        protocolCase,
      ),
      overCases(
        "each protocol that leaves a fill window",
        v.leaking,
        (protocol) => {
          const run = protocol === v.slowZapProtocol ? r.slowZaps : r.rates;
          return allOf(
            ...v.faultRatesPerSec.map((faultRatePerSec) =>
              always(
                observable(
                  run,
                  "staleTranslations",
                  { protocol, faultRatePerSec },
                  `stale translations at ${faultRatePerSec / 1000}k faults/s`,
                ),
              ),
            ),
            above(
              pairedDifference(
                run,
                "staleTranslations",
                { protocol, faultRatePerSec: high },
                { protocol, faultRatePerSec: low },
                { label: `stale translations, ${high / 1000}k - ${low / 1000}k faults/s` },
              ),
              0,
            ),
          );
        },
        protocolCase,
      ),
    );
  },
  expected: "holds",
  note:
    "Restated on the one rule (phase B): counts by counterexample as before, the growth as a paired difference " +
    "whose CI must exclude 0 (it was the same test by hand). invalidate-page-after-ptl is now decided on " +
    "300 ms runs: its zaps take about 50 ms, so a 100 ms run completes one, and its growth (58 +- 100 on " +
    "3 test seeds) was decided by noise; over 300 ms it is 209 +- 95 on seeds 1-3 (4-5 zaps). interval-notifier, added in phase A (issue 13) and " +
    "not deciding then, is now one of the protocols that must leave none: 0 on every seed, as start-end-block. " +
    "Phase A (D9: one GRU invalidate per zap instead of 16 at 64 MiB) moved flush-at-start from 153 +- 14.6 / " +
    "1,439 +- 437 to 145 +- 26.3 / 1,372 +- 381 at 20k / 200k faults/s (seeds 1-3); the verdict stays holds.",
});

const safetyCostsRetries = defineClaim(subject, {
  id: "safety-costs-retries-growing-with-invalidation-rate",
  who: "Andrea Arcangeli (fast-path concern)",
  values: {
    zapRatesPerSec: [30, 300],
    faultRatePerSec: 20_000,
    durationMs: 300,
    holdingOff: HOLDING_OFF_PROTOCOLS,
    noHoldOff: "invalidate-range-ptl" as RaceProtocol,
  },
  statement: (v) =>
    `The protocols that hold fills off pay for it in the fault path: going from ${v.zapRatesPerSec[0]} to ` +
    `${v.zapRatesPerSec[1]} zaps/s requested (${v.faultRatePerSec / 1000}k faults/s, ${v.durationMs} ms runs), the ` +
    `fault retries and the p99 device-fault latency of ${v.holdingOff.join(", ")} both rise (paired differences > 0), ` +
    `while ${v.noHoldOff}, which holds no fill off, holds off none at either rate.`,
  runs: (v) => ({
    zaps: {
      protocol: [...v.holdingOff, v.noHoldOff],
      zapRatePerSec: v.zapRatesPerSec,
      faultRatePerSec: v.faultRatePerSec,
      durationMs: v.durationMs,
    },
  }),
  test: (r, v) => {
    const [low, high] = v.zapRatesPerSec;
    const rises = (protocol: RaceProtocol, name: "faultRetries" | "deviceFaultLatencyP99Us") =>
      above(
        pairedDifference(
          r.zaps,
          name,
          { protocol, zapRatePerSec: high },
          { protocol, zapRatePerSec: low },
          { label: `${name}, ${high} - ${low} zaps/s` },
        ),
        0,
      );
    return allOf(
      overCases(
        "each protocol that holds fills off",
        v.holdingOff,
        (protocol) => allOf(rises(protocol, "faultRetries"), rises(protocol, "deviceFaultLatencyP99Us")),
        protocolCase,
      ),
      ...v.zapRatesPerSec.map((zapRatePerSec) =>
        never(
          observable(
            r.zaps,
            "heldOffFills",
            { protocol: v.noHoldOff, zapRatePerSec },
            `heldOffFills of ${v.noHoldOff} at ${zapRatePerSec} zaps/s`,
          ),
        ),
      ),
    );
  },
  expected: "holds",
  note:
    "Restated on the one rule (phase B): paired differences whose CI must exclude 0, as before; invalidate-range-ptl's " +
    "held-off count must now be 0 on every seed at both rates (it was the mean at the higher rate). interval-notifier " +
    "joins the protocols that must pay (it holds fills off in mmu_interval_read_begin): retries 321 -> 1,903, p99 " +
    "1,457 -> 1,746 us on seeds 1-3, as start-end-block. Phase A (D9) moved start-end-block's retries from 333 -> " +
    "1,934 to 321 -> 1,903; the verdict stays holds.",
});

export const notifierRaceClaims = [onlyFillWindowsLeaveStale, safetyCostsRetries];
