import { test } from "node:test";
import assert from "node:assert/strict";
import { EventQueue } from "../../src/sim/event-queue";

test("pops in (time, priority, insertion) order", () => {
  const q = new EventQueue(2);
  q.push(5, 1, 50);
  q.push(3, 1, 30);
  q.push(5, 0, 51); // same time as target 50, higher priority
  q.push(3, 1, 31); // same time and priority as 30, inserted later
  q.push(0, 1, 0);
  const order: number[] = [];
  while (q.size > 0) {
    order.push(q.peekTarget());
    q.pop();
  }
  assert.deepEqual(order, [0, 30, 31, 51, 50]);
});

test("keys are unique and increase with insertion", () => {
  const q = new EventQueue();
  const a = q.push(1, 1, 1);
  const b = q.push(1, 1, 2);
  assert.ok(b > a);
});

test("random pushes pop sorted and stable, with growth", () => {
  const q = new EventQueue(1);
  const items: Array<[number, number]> = [];
  let x = 12345;
  for (let i = 0; i < 5000; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const t = x % 100;
    q.push(t, 1, i);
    items.push([t, i]);
  }
  items.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (const [t, i] of items) {
    assert.equal(q.peekTime(), t);
    assert.equal(q.peekTarget(), i);
    q.pop();
  }
  assert.equal(q.size, 0);
  assert.equal(q.peekTime(), Infinity);
});
