// The engine against closed-form queueing results: a wrong event order, a lost wake-up or a biased sampler shows
// up here as a mean outside its confidence interval.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../src/sim/simulation";
import { FifoMutex } from "../../src/sim/resource";
import { RandomStreams } from "../../src/sim/random";
import { meanCi95 } from "../../src/sim/stats/replication";
import { finiteSourceMeanWaitNs, runLockModel } from "../../src/experiments/lock-contention/model";

/** M/M/1: Poisson arrivals, each customer a process of its own, one FIFO server. Returns the mean queueing wait. */
function mm1MeanWait(arrivalMeanNs: number, serviceMeanNs: number, customers: number, seed: number): number {
  const sim = new Simulation();
  const server = new FifoMutex(sim, "server");
  const rs = new RandomStreams(seed);
  const arrivals = rs.stream("arrivals");
  const service = rs.stream("service");
  let waitSum = 0;
  let served = 0;
  const warmup = Math.floor(customers / 10);
  sim.spawn("source", function* () {
    for (let i = 0; i < customers; i++) {
      yield Math.round(arrivals.exponential(arrivalMeanNs));
      const s = Math.round(service.exponential(serviceMeanNs));
      sim.spawn("customer", function* (self) {
        const t0 = sim.now;
        yield server.lock(self);
        if (i >= warmup) {
          waitSum += sim.now - t0;
          served++;
        }
        yield s;
        server.unlock(self);
      });
    }
  });
  sim.run();
  return waitSum / served;
}

for (const rho of [0.5, 0.8]) {
  test(`M/M/1 mean wait at utilisation ${rho} matches rho/(mu - lambda) within its 95% CI`, () => {
    const serviceNs = 100;
    const arrivalNs = serviceNs / rho;
    const exact = rho / (1 / serviceNs - 1 / arrivalNs);
    const waits = Array.from({ length: 12 }, (_, i) => mm1MeanWait(arrivalNs, serviceNs, 60_000, 100 + i));
    const { mean, ci95 } = meanCi95(waits);
    assert.ok(
      Math.abs(mean - exact) <= ci95,
      `simulated ${mean.toFixed(2)} ± ${ci95.toFixed(2)} vs exact ${exact.toFixed(2)} ns`,
    );
  });
}

const finiteSourceCases = [
  { threads: 8, thinkNs: 1000, holdNs: 100 }, // the bench defaults: exact 109.04 ns
  { threads: 2, thinkNs: 1000, holdNs: 100 },
  { threads: 32, thinkNs: 1000, holdNs: 100 }, // saturated
  { threads: 4, thinkNs: 200, holdNs: 150 },
];
for (const c of finiteSourceCases) {
  test(`finite-source queue (K=${c.threads}, Z=${c.thinkNs} ns, S=${c.holdNs} ns) matches the closed form within its 95% CI`, () => {
    const waits = Array.from(
      { length: 10 },
      (_, i) => runLockModel({ ...c, acquisitions: 100_000 }, 500 + i).meanWaitNs,
    );
    const { mean, ci95 } = meanCi95(waits);
    const exact = finiteSourceMeanWaitNs(c.threads, c.thinkNs, c.holdNs).meanWaitNs;
    assert.ok(
      Math.abs(mean - exact) <= ci95,
      `simulated ${mean.toFixed(3)} ± ${ci95.toFixed(3)} vs exact ${exact.toFixed(3)} ns`,
    );
  });
}

test("the closed form itself: K=8, Z=1000, S=100 gives 109.04 ns (../shared/bench/README.md)", () => {
  assert.equal(finiteSourceMeanWaitNs(8, 1000, 100).meanWaitNs.toFixed(2), "109.04");
});

test("memory does not grow with simulated time: the same queue and process table after 10x the work", () => {
  const short = runLockModel({ threads: 16, thinkNs: 1000, holdNs: 100, acquisitions: 50_000 }, 9);
  const long = runLockModel({ threads: 16, thinkNs: 1000, holdNs: 100, acquisitions: 500_000 }, 9);
  // Histograms are fixed-size; the queue holds at most one entry per process plus a few hand-offs.
  assert.ok(long.simNs > 9 * short.simNs);
  assert.equal(long.queueCapacity, short.queueCapacity);
  assert.equal(long.liveProcesses, short.liveProcesses);
});
