/**
 * The display-bundle module leans on tslab's private writer (tslab/dist/jupyter lastWriteDisplayData). These tests pin
 * the contract it relies on in the installed tslab, and what the module sends through it; the notebook tests then
 * check the real thing, one display_data per chart in an executed notebook.
 */
import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import { displayBundle, inKernel, progress, type DisplayWriter } from "../../src/notebook";

const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: DisplayWriter | null };
type Sent = Parameters<DisplayWriter>;

function capture(): Sent[] {
  const sent: Sent[] = [];
  // The kernel assigns its writer here at the start of every cell; we stand in for it.
  jupyter.lastWriteDisplayData = (message, update) => sent.push([message, update]);
  return sent;
}

afterEach(() => {
  jupyter.lastWriteDisplayData = null;
});

test("tslab 1.0.22 still exposes the writer the module uses, null outside a kernel", () => {
  assert.ok(
    "lastWriteDisplayData" in jupyter,
    "tslab/dist/jupyter no longer exports lastWriteDisplayData: src/notebook/bundle.ts needs porting",
  );
  assert.equal(jupyter.lastWriteDisplayData, null);

  assert.equal(
    (require("tslab/package.json") as { version: string }).version,
    "1.0.22",
    "tslab moved: recheck bundle.ts against its dist/jupyter.js",
  );
  assert.equal(inKernel(), false);
});

test("one call sends one display_data holding every MIME type", () => {
  const sent = capture();
  assert.equal(inKernel(), true);
  displayBundle({
    "application/vnd.vegalite.v5+json": { mark: "point" },
    "image/svg+xml": "<svg/>",
    "text/plain": "a chart",
  });
  assert.equal(sent.length, 1);
  const [message, update] = sent[0];
  assert.equal(update, false);
  assert.deepEqual(message, {
    data: { "application/vnd.vegalite.v5+json": { mark: "point" }, "image/svg+xml": "<svg/>", "text/plain": "a chart" },
    metadata: {},
    transient: {},
  });
});

test("a display id ties updates to the first output", () => {
  const sent = capture();
  displayBundle({ "text/plain": "1" }, { displayId: "d1" });
  displayBundle({ "text/plain": "2" }, { displayId: "d1", update: true });
  assert.deepEqual(
    sent.map(([m, u]) => [m.transient.display_id, u]),
    [
      ["d1", false],
      ["d1", true],
    ],
  );
  assert.throws(() => displayBundle({ "text/plain": "x" }, { update: true }), /update needs a displayId/);
});

test("outside a kernel the text form is printed", (t) => {
  const lines: string[] = [];
  t.mock.method(process.stdout, "write", (s: string) => {
    lines.push(s);
    return true;
  });
  displayBundle({ "text/html": "<b>x</b>", "text/plain": "plain x" });
  displayBundle({ "image/png": "..." });
  assert.deepEqual(lines, ["plain x\n", "[image/png]\n"]);
});

test("progress redraws one output in place, throttled, and always at the end", () => {
  const sent = capture();
  const bar = progress("sweep", { intervalMs: 60_000 });
  for (let i = 1; i <= 100; i++) bar(i, 100);
  bar.finish();
  // First report draws; the throttle drops 2..99; the last step draws; finish draws.
  assert.equal(sent.length, 3);
  const ids = new Set(sent.map(([m]) => m.transient.display_id));
  assert.equal(ids.size, 1);
  assert.deepEqual(
    sent.map(([, u]) => u),
    [false, true, true],
  );
  assert.match(String(sent[1][0].data["text/plain"]), /^sweep: 100\/100 \(100%/);
  assert.match(String(sent[2][0].data["text/plain"]), /^sweep: done \(100%/);
  assert.match(String(sent[2][0].data["text/html"]), /width:100\.0%/);
});
