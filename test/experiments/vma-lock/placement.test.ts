import { test } from "node:test";
import assert from "node:assert/strict";
import {
  checkMachine,
  cpuOfThread,
  threadCpus,
  smtSlowdowns,
  turboSlowdowns,
  type Machine,
} from "../../../src/experiments/vma-lock/placement";

const mel: Machine = { sockets: 2, cpusPerSocket: 40, smtWays: 2, smtThroughput: 1.25, placement: "spread" };

test("spread: threads alternate sockets and take every core before any SMT sibling", () => {
  assert.deepEqual(
    [0, 1, 2, 3].map((i) => cpuOfThread(mel, i)),
    [0, 40, 1, 41],
  );
  assert.equal(cpuOfThread(mel, 39), 59); // the 20th thread of socket 1: its last core
  assert.equal(cpuOfThread(mel, 40), 20); // the first SMT sibling: core 0 of socket 0
  const all = Array.from({ length: 80 }, (_, i) => cpuOfThread(mel, i));
  assert.equal(new Set(all).size, 80);
});

test("packed: socket 0 first, cores before siblings", () => {
  const m: Machine = { ...mel, placement: "packed" };
  assert.deepEqual(
    [0, 1, 19, 20, 39, 40].map((i) => cpuOfThread(m, i)),
    [0, 1, 19, 20, 39, 40],
  );
});

test("SMT: a thread sharing its core runs at smtThroughput / smtWays of a core", () => {
  const cpus48 = Array.from({ length: 48 }, (_, i) => cpuOfThread(mel, i));
  const s = smtSlowdowns(mel, cpus48);
  assert.equal(s.filter((x) => x === 1).length, 32); // 40 cores, 8 of them doubled
  assert.equal(s.filter((x) => Math.abs(x - 1.6) < 1e-12).length, 16);
});

test("a machine that cannot hold the threads is rejected, naming the parameters", () => {
  assert.throws(() => checkMachine(mel, 81), /threads \(81\) exceeds the machine's 80 CPUs/);
  assert.throws(
    () => checkMachine({ ...mel, cpusPerSocket: 41 }, 4),
    /cpusPerSocket \(41\) must be a multiple of smtWays \(2\)/,
  );
});

test("turbo: a socket's clock falls linearly from one busy core to all of them; SMT siblings do not count twice", () => {
  const at = (threads: number, ratio: number) =>
    turboSlowdowns(
      mel,
      Array.from({ length: threads }, (_, i) => cpuOfThread(mel, i)),
      ratio,
    );
  assert.deepEqual([...at(1, 0.8)], [1]); // one busy core: the one-core clock
  assert.deepEqual([...at(4, 1)], [1, 1, 1, 1]); // ratio 1: no turbo, nothing changes
  // 12 threads, 6 busy cores per socket of 20: clock 1 - 0.2 * 5 / 19
  for (const x of at(12, 0.8)) assert.ok(Math.abs(x - 1 / (1 - (0.2 * 5) / 19)) < 1e-12);
  // 80 threads: every core of both sockets busy (with its sibling): the all-core clock
  for (const x of at(80, 0.8)) assert.ok(Math.abs(x - 1 / 0.8) < 1e-12);
  // 21 threads: 11 busy cores on socket 0, 10 on socket 1
  const s21 = at(21, 0.8);
  assert.ok(Math.abs(s21[0] - 1 / (1 - (0.2 * 10) / 19)) < 1e-12);
  assert.ok(Math.abs(s21[1] - 1 / (1 - (0.2 * 9) / 19)) < 1e-12);
});

test("numa-5.17: node counts from the balancer's settled placement (or given), cores before siblings in each node", () => {
  const m: Machine = { ...mel, placement: "numa-5.17" };
  assert.deepEqual(threadCpus(m, 12), [0, 1, 2, 3, 4, 5, 6, 7, 40, 41, 42, 43]);
  assert.deepEqual(threadCpus(m, 3, [1, 2]), [0, 40, 41]);
  const t48 = threadCpus(m, 48);
  assert.equal(t48.filter((c) => c < 40).length, 24);
  assert.deepEqual(t48.slice(19, 24), [19, 20, 21, 22, 23], "the 21st-24th threads of a node on SMT siblings");
  assert.throws(() => threadCpus(m, 4, [1, 2]), /must give 2 nodes 4 threads/);
});
