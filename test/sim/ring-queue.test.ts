import { test } from "node:test";
import assert from "node:assert/strict";
import { RingQueue } from "../../src/sim/ring-queue";

test("FIFO across growth and wrap-around; remove keeps order", () => {
  const q = new RingQueue<number>(3);
  const model: number[] = [];
  let next = 0;
  for (let round = 0; round < 200; round++) {
    for (let k = 0; k < (round % 5) + 1; k++) {
      q.push(next);
      model.push(next++);
    }
    for (let k = 0; k < (round % 3) + 1 && model.length > 0; k++) assert.equal(q.shift(), model.shift());
    if (round % 17 === 0 && model.length > 2) {
      const victim = model[1];
      assert.equal(q.remove(victim), true);
      model.splice(1, 1);
    }
    assert.deepEqual(q.toArray(), model);
    assert.equal(q.length, model.length);
    assert.equal(q.peek(), model[0]);
  }
  assert.equal(q.remove(-1), false);
});
