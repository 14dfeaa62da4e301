import { test } from "node:test";
import assert from "node:assert/strict";
import { Simulation } from "../../../src/sim/simulation";
import type { Process, Yielded } from "../../../src/sim/process";
import { CacheLine } from "../../../src/kernel/cpu/cacheline";
import { Topology } from "../../../src/kernel/cpu/topology";
import { Rwsem } from "../../../src/kernel/locking/rwsem";

// cpus 0,1 on socket 0; 2,3 on socket 1
const COSTS = { localNs: 1, sameSocketNs: 10, crossSocketNs: 100 };
const topo = () => new Topology({ cpus: 4, cpusPerSocket: 2 });

test("queued line: requests are served FIFO at the line, each after the ones issued before it", () => {
  const sim = new Simulation();
  const line = new CacheLine(sim, "L", topo(), COSTS, { model: "queued" });
  const done: Array<[string, number]> = [];
  // cpu1, cpu2, cpu3 issue atomics at t=0 in that order; cpu0 owned the line before.
  sim.spawn("init", function* () {
    yield line.atomic(0);
  });
  for (const cpu of [1, 2, 3]) {
    sim.spawn(`c${cpu}`, function* () {
      yield 5;
      yield line.atomic(cpu);
      done.push([`c${cpu}`, sim.now]);
    });
  }
  sim.run();
  // cpu0's first touch: 1 ns. Then cpu1 from cpu0 (same socket, 10), cpu2 from cpu1 (cross, 100), cpu3 from cpu2
  // (same socket, 10), each starting when the previous transfer ends.
  assert.deepEqual(done, [
    ["c1", 15],
    ["c2", 115],
    ["c3", 125],
  ]);
  assert.equal(line.queuedRequests, 4);
  assert.equal(line.queueWaitNsTotal, 0 + 0 + 10 + 110); // cpu2 waited for cpu1's transfer, cpu3 for both
  assert.equal(line.crossSocketTransfers, 1);
  assert.equal(line.valueVersion, 4);
});

test("queued line: a write invalidates every shared reader; their next read is a transfer again", () => {
  const sim = new Simulation();
  const line = new CacheLine(sim, "L", topo(), COSTS, { model: "queued" });
  const costs: Array<[string, number]> = [];
  const step = (who: string, ns: number) => costs.push([who, ns]);
  sim.spawn("s", function* () {
    let ns = line.atomic(0); // cpu0 owns it
    yield ns;
    step("r1", (ns = line.read(1))); // from cpu0, same socket: 10
    yield ns;
    step("r2", (ns = line.read(2))); // a copy is on socket 0 only: cross, 100
    yield ns;
    step("r1 again", (ns = line.read(1))); // a hit: cpu1 holds a shared copy
    yield ns;
    step("w3", (ns = line.atomic(3))); // invalidates cpu0, cpu1 and cpu2; a copy is remote: 100
    yield ns;
    step("r1 after w3", (ns = line.read(1))); // its copy is gone: cross from cpu3, 100
    yield ns;
    step("r2 after w3", (ns = line.read(2))); // cpu1 (other socket) and cpu3 (same) hold it: 10
    yield ns;
  });
  sim.run();
  assert.deepEqual(costs, [
    ["r1", 10],
    ["r2", 100],
    ["r1 again", 1],
    ["w3", 100],
    ["r1 after w3", 100],
    ["r2 after w3", 10],
  ]);
});

test("queued line: a cmpxchg fails when another CPU wrote the line after its read, and retries on the line it now owns", () => {
  const sim = new Simulation();
  const line = new CacheLine(sim, "L", topo(), COSTS, { model: "queued" });
  const log: string[] = [];
  sim.spawn("a", function* () {
    yield line.atomic(0); // t=1: cpu0 owns the line
    const r = line.read(1); // cpu1 reads a shared copy (10 ns)
    const old = line.observedVersion;
    yield r; // t=11
    yield 50; // cpu1 computes tmp + BIAS; meanwhile cpu2 writes
    const ns = line.cmpxchg(1, old);
    log.push(`cpu1 cmpxchg at ${sim.now}: ${ns} ns, failures ${line.cmpxchgFailures}`);
    yield ns;
  });
  sim.spawn("b", function* () {
    yield 30;
    const ns = line.atomic(2); // invalidates cpu0 and cpu1: cross 100, done at 130
    log.push(`cpu2 atomic at ${sim.now}: ${ns} ns`);
    yield ns;
  });
  sim.run();
  // cpu1's cmpxchg at t=61 queues behind cpu2's transfer (until 130), then takes the line from cpu2 (cross, 100),
  // finds the value changed (failure), and retries locally (1 ns): 130 - 61 + 100 + 1 = 170.
  assert.deepEqual(log, ["cpu2 atomic at 30: 100 ns", "cpu1 cmpxchg at 61: 170 ns, failures 1"]);
  assert.equal(line.cmpxchgs, 1);
});

test("queued line: a read that missed and the cmpxchg right behind it are one request (merged): one transfer, no failure", () => {
  const sim = new Simulation();
  const line = new CacheLine(sim, "L", topo(), COSTS, { model: "queued" });
  const log: string[] = [];
  sim.spawn("a", function* () {
    yield line.atomic(2); // cpu2 owns it
    const r = line.read(0); // cpu0 misses: cross, 100
    const old = line.observedVersion;
    yield r;
    const c = line.cmpxchg(0, old, 2); // issued right at the fill: served by it (1 ns + 2 owner accesses)
    log.push(`read ${r}, cmpxchg ${c}, failures ${line.cmpxchgFailures}, merged ${line.merged}`);
    yield c;
  });
  sim.spawn("b", function* () {
    yield 50; // cpu3 asks for the line while cpu0's read is in flight: it queues behind cpu0's request
    const ns = line.atomic(3);
    log.push(`cpu3 ${ns}`);
    yield ns;
  });
  sim.run();
  // cpu3 (logged when issued) waits for cpu0's request (until 101), then takes the line from it: 101 - 50 + 100.
  assert.deepEqual(log, ["cpu3 151", "read 100, cmpxchg 3, failures 0, merged 1"]);
  assert.equal(line.valueVersion, 3);
});

test("queued line: prefetchw takes the line without the CPU waiting; a later read by that CPU is served by it", () => {
  const sim = new Simulation();
  const line = new CacheLine(sim, "L", topo(), COSTS, { model: "queued" });
  const log: Array<[string, number]> = [];
  sim.spawn("a", function* () {
    yield line.atomic(2);
    line.prefetchw(0); // cross, done at 101; cpu0 does not wait
    yield 30; // exception entry
    const r = line.read(0); // the prefetch is in flight: served by it, at 101
    log.push(["read", r]);
    yield r;
    yield 200;
    line.prefetchw(0); // cpu0 still owns it: nothing to do
    log.push(["prefetches", line.prefetches]);
  });
  sim.run();
  assert.deepEqual(log, [
    ["read", 71], // issued at 31, served by the prefetch that lands at 101, plus the access itself
    ["prefetches", 1],
  ]);
  assert.equal(line.queuedRequests, 1, "the prefetch is not counted as a request anyone waited for");
});

test("fixed line (the default): atomics serialise at a fixed cost, reads are not queued, a cmpxchg cannot fail", () => {
  const sim = new Simulation();
  const line = new CacheLine(sim, "L", topo(), COSTS);
  assert.equal(line.model, "fixed");
  const log: number[] = [];
  sim.spawn("a", function* () {
    log.push(line.atomic(0), line.atomic(2), line.read(1), line.read(1));
    const old = line.observedVersion;
    log.push(line.atomic(3));
    log.push(line.cmpxchg(1, old));
    line.prefetchw(0);
    line.storeAsync(0);
    yield 0;
  });
  sim.run();
  // 1 (first touch), 1+100 (queued behind it, cross), a read of cpu2's line (cross 100, not queued), a hit, an atomic
  // from cpu2 to cpu3 queued behind (101 + 10), cmpxchg queued behind that (111 + 100, cross): never fails.
  assert.deepEqual(log, [1, 101, 100, 1, 111, 211]);
  assert.equal(line.cmpxchgFailures, 0);
  assert.equal(line.prefetches, 0);
  assert.throws(() => new CacheLine(sim, "bad", topo(), COSTS, { model: "lazy" as never }), /model must be/);
});

test("down_read_trylock on a queued line: the count's read, then the cmpxchg with rwsem_set_reader_owned's owner accesses", () => {
  const sim = new Simulation({ trace: true });
  const line = new CacheLine(sim, "vma.vm_lock", topo(), COSTS, { model: "queued" });
  const sem = new Rwsem(sim, "vm_lock", { line });
  const got: Array<[string, number, boolean]> = [];
  const trylock = function* (self: Process, cpu: number): Generator<Yielded, void, unknown> {
    const ok = yield* sem.down_read_trylock(self, cpu);
    got.push([self.name, sim.now, ok]);
  };
  sim.spawn("A", function* (self) {
    yield* trylock(self, 0); // first touch: read 1, cmpxchg + 2 owner accesses 3
    yield 100;
    yield sem.up_read(self, 0);
  });
  sim.spawn("B", function* (self) {
    yield 10;
    yield* trylock(self, 2); // read from cpu0 (cross 100); the cmpxchg merges into it (1 + 2)
  });
  sim.run();
  assert.deepEqual(got, [
    ["A", 4, true],
    ["B", 113, true],
  ]);
  assert.equal(sem.trylocks, 2);
  assert.equal(sem.trylockRetries, 0);
  assert.equal(line.reads, 2);
  assert.equal(line.cmpxchgs, 2);
});

test("down_read_trylock fails after its read when a writer holds the semaphore, without a cmpxchg", () => {
  const sim = new Simulation();
  const line = new CacheLine(sim, "L", topo(), COSTS, { model: "queued" });
  const sem = new Rwsem(sim, "s", { line });
  let ok: boolean | undefined;
  sim.spawn("W", function* (self) {
    yield sem.down_write(self, 0);
    yield 1000;
    yield sem.up_write(self, 0);
  });
  sim.spawn("R", function* (self) {
    yield 10;
    ok = yield* sem.down_read_trylock(self, 1);
  });
  sim.run();
  assert.equal(ok, false);
  assert.equal(line.cmpxchgs, 0);
});
