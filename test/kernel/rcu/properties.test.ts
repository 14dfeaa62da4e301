/**
 * RCU's guarantee as a property over random machines and readers (fast-check): no call_rcu() callback and no
 * synchronize_rcu() return happens while a read-side section that began before the call is still open; and every
 * callback runs once the readers are done. Checked from outside, with a global event order, independently of the
 * model's own assertion.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Simulation } from "../../../src/sim/simulation";
import { RandomStreams } from "../../../src/sim/random";
import { Cpu } from "../../../src/kernel/cpu/cpu";
import { Rcu } from "../../../src/kernel/rcu/tree";

interface Section {
  gapNs: number;
  lengthNs: number;
  /** A nested rcu_read_lock at this offset into the section (-1: none). */
  nestAtNs: number;
}

const section: fc.Arbitrary<Section> = fc.record({
  gapNs: fc.integer({ min: 0, max: 20_000 }),
  lengthNs: fc.integer({ min: 1, max: 50_000 }),
  nestAtNs: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 20_000 })),
});

const machine = fc.record({
  cpus: fc.integer({ min: 1, max: 5 }),
  readers: fc.array(fc.array(section, { maxLength: 8 }), { minLength: 5, maxLength: 5 }),
  updates: fc.array(fc.record({ gapNs: fc.integer({ min: 0, max: 30_000 }), sync: fc.boolean() }), {
    minLength: 1,
    maxLength: 8,
  }),
  idle: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
  fqsIntervalNs: fc.integer({ min: 1_000, max: 50_000 }),
  qsIntervalNs: fc.integer({ min: 100, max: 20_000 }),
  gpStartDelayNs: fc.integer({ min: 1, max: 5_000 }),
  gpCleanupNs: fc.integer({ min: 0, max: 2_000 }),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});

test("RCU: nothing waiting for a grace period runs while a reader that began before it is inside", () => {
  let checked = 0;
  fc.assert(
    fc.property(machine, (m) => {
      const sim = new Simulation();
      const cpus = Array.from({ length: m.cpus }, (_, i) => new Cpu(sim, i));
      const rs = new RandomStreams(m.seed);
      const idle = new Set(m.idle.slice(0, m.cpus).flatMap((x, i) => (x ? [i] : [])));
      const rcu = new Rcu(
        sim,
        cpus,
        cpus.map((c) => rs.stream("cpu", c.id, "qs")),
        rs.stream("rcu", "gp"),
        {
          fqsIntervalNs: m.fqsIntervalNs,
          qsIntervalNs: m.qsIntervalNs,
          gpStartDelayNs: m.gpStartDelayNs,
          gpCleanupNs: m.gpCleanupNs,
          idleCpus: idle,
        },
      );
      let seq = 0;
      const sections: Array<{ cpu: number; beginSeq: number; endSeq: number }> = [];
      const waits: Array<{ callSeq: number; doneSeq: number; what: string }> = [];
      for (let c = 0; c < m.cpus; c++) {
        sim.spawn(`reader${c}`, function* () {
          for (const s of m.readers[c]) {
            yield s.gapNs;
            const rec = { cpu: c, beginSeq: seq++, endSeq: Infinity };
            sections.push(rec);
            rcu.rcu_read_lock(c);
            if (s.nestAtNs >= 0 && s.nestAtNs < s.lengthNs) {
              yield s.nestAtNs;
              rcu.rcu_read_lock(c);
              yield s.lengthNs - s.nestAtNs;
              rcu.rcu_read_unlock(c);
            } else yield s.lengthNs;
            rcu.rcu_read_unlock(c);
            rec.endSeq = seq++;
          }
        });
      }
      sim.spawn("updater", function* () {
        for (const u of m.updates) {
          yield u.gapNs;
          const w = { callSeq: seq++, doneSeq: Infinity, what: u.sync ? "synchronize_rcu" : "call_rcu" };
          waits.push(w);
          if (u.sync) {
            yield rcu.synchronize_rcu();
            w.doneSeq = seq++;
          } else rcu.call_rcu(() => (w.doneSeq = seq++));
        }
      });
      sim.run({ maxEvents: 2_000_000 });
      for (const w of waits) {
        assert.ok(Number.isFinite(w.doneSeq), `a ${w.what} never completed`);
        for (const s of sections) {
          if (s.beginSeq < w.callSeq && s.endSeq > w.doneSeq) {
            assert.fail(
              `${w.what} (#${w.callSeq}) completed (#${w.doneSeq}) inside cpu${s.cpu}'s reader begun #${s.beginSeq}`,
            );
          }
        }
        checked++;
      }
    }),
    { seed: 77, numRuns: 120 },
  );
  assert.ok(checked > 300, `only ${checked} grace-period waits checked`);
});
