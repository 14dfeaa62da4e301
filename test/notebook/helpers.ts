/** Shared by the notebook tests: project paths, snapshot files, and the set-up checks that must fail loudly. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { joinText, type Notebook } from "../../src/notebook/ipynb";

/** The project root (tests run from dist/test/notebook/). */
export const ROOT = path.resolve(__dirname, "..", "..", "..");

/** Scratch space for test outputs (gitignored). */
export function testOutput(...parts: string[]): string {
  const p = path.join(ROOT, "test-output", ...parts);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  return p;
}

/**
 * Compares `actual` with test/notebook/snapshots/<name>, writing the file when it is missing (or when
 * UPDATE_SNAPSHOTS=1): Observable Plot's way of checking renderings without a browser.
 */
export function matchSnapshot(name: string, actual: string): void {
  const file = path.join(ROOT, "test", "notebook", "snapshots", name);
  if (!fs.existsSync(file) || process.env.UPDATE_SNAPSHOTS === "1") {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  const expected = fs.readFileSync(file, "utf8");
  assert.ok(
    actual === expected,
    `${name} differs from its snapshot (test/notebook/snapshots/${name}); if the change is intended, delete the file or set UPDATE_SNAPSHOTS=1, rerun, and review the new file`,
  );
}

export const CHROMIUM = "/usr/bin/chromium";

/** Fails (never skips) when Debian's chromium is missing. */
export function requireChromium(): void {
  if (!fs.existsSync(CHROMIUM))
    assert.fail(`Debian's chromium is missing (${CHROMIUM}): run \`apt-get install -y chromium\` (.ci/run does)`);
}

/** A code cell for the small notebooks tests write. */
export function codeCell(source: string, tags: string[] = []) {
  return { cell_type: "code", metadata: tags.length ? { tags } : {}, source, outputs: [], execution_count: null };
}

/** The JSON of a small tslab notebook of `cells`. */
export function tinyNotebookJson(cells: unknown[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    cells,
  });
}

/** The first line some stream output printed that matches `pattern`. */
export function printedLine(nb: Notebook, pattern: RegExp): string {
  for (const c of nb.cells)
    for (const o of c.outputs ?? [])
      if (o.output_type === "stream")
        for (const line of joinText(o.text).split("\n")) if (pattern.test(line)) return line;
  return assert.fail(`no printed line matches ${pattern}`);
}
