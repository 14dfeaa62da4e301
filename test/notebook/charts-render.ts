/**
 * Checks every chart test shares: a spec drawn by the project's vega-lite (5.23) and by the one JupyterLab 4.6 bundles
 * (5.6.1, installed as the npm alias vega-lite-jupyterlab) must put the same marks in the same places; neither may
 * warn; and no legend of the kernel's SVG may show two entries with the same text or a label vega cut short.
 */
import assert from "node:assert/strict";
import { collectingLogger } from "../../src/notebook/vega-render";

type Spec = Record<string, unknown>;

interface VegaLiteLib {
  version: string;
  compile(spec: unknown, options: { logger: unknown }): { spec: unknown };
}
interface SceneItem {
  bounds?: { x1: number; y1: number; x2: number; y2: number; empty(): boolean };
  x?: number;
  y?: number;
  items?: SceneNode[];
}
interface SceneNode {
  marktype?: string;
  role?: string;
  name?: string;
  items?: SceneItem[];
}
interface VegaView {
  runAsync(): Promise<unknown>;
  toSVG(): Promise<string>;
  scenegraph(): { root: SceneNode };
  scale(name: string): { domain(): unknown[] } | undefined;
  finalize(): void;
}
const vega = require("vega") as {
  parse(spec: unknown): unknown;
  View: new (runtime: unknown, options: Record<string, unknown>) => VegaView;
  Warn: number;
};

export const PROJECT_VEGA_LITE = require("vega-lite") as VegaLiteLib;
export const JUPYTERLAB_VEGA_LITE = require("vega-lite-jupyterlab") as VegaLiteLib;

/** One mark of a scenegraph: its type, item count and the bounds of all its items, in chart pixels. */
export interface MarkExtent {
  type: string;
  items: number;
  bounds: [number, number, number, number];
}

function collectMarks(node: SceneNode, out: MarkExtent[], dx: number, dy: number): void {
  if (node.role === "mark" && node.marktype !== "group") {
    let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
    let n = 0;
    for (const it of node.items ?? []) {
      if (!it.bounds || it.bounds.empty()) continue;
      n++;
      x1 = Math.min(x1, it.bounds.x1 + dx);
      x2 = Math.max(x2, it.bounds.x2 + dx);
      y1 = Math.min(y1, it.bounds.y1 + dy);
      y2 = Math.max(y2, it.bounds.y2 + dy);
    }
    out.push({ type: node.marktype ?? "?", items: n, bounds: [x1, y1, x2, y2] });
  }
  for (const it of node.items ?? [])
    for (const child of it.items ?? []) collectMarks(child, out, dx + (it.x ?? 0), dy + (it.y ?? 0));
}

export interface Rendering {
  svg: string;
  warnings: string[];
  marks: MarkExtent[];
  domains: Record<string, unknown[]>;
}

/** Compiles `spec` with `lib`, renders it with vega headless, and reads back the marks and the scales' domains. */
export async function renderWith(lib: VegaLiteLib, spec: Spec): Promise<Rendering> {
  const warnings: string[] = [];
  const logger = collectingLogger(warnings);
  const compiled = lib.compile(spec, { logger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none", logLevel: vega.Warn, logger });
  try {
    await view.runAsync();
    const marks: MarkExtent[] = [];
    collectMarks(view.scenegraph().root, marks, 0, 0);
    const domains: Record<string, unknown[]> = {};
    for (const name of ["x", "y", "color", "strokeDash", "xOffset"]) {
      try {
        const s = view.scale(name);
        if (s) domains[name] = s.domain();
      } catch {
        // no such scale
      }
    }
    return { svg: await view.toSVG(), warnings, marks, domains };
  } finally {
    view.finalize();
  }
}

const round = (v: unknown) => (typeof v === "number" ? Math.round(v * 1e6) / 1e6 : v);

/**
 * Differences between what the two vega-lite versions draw for `spec`: mark by mark (type, item count, bounds within
 * a pixel) and scale domains. Empty when they agree.
 */
export async function versionDifferences(spec: Spec): Promise<string[]> {
  const a = await renderWith(PROJECT_VEGA_LITE, spec);
  const b = await renderWith(JUPYTERLAB_VEGA_LITE, spec);
  const diffs: string[] = [];
  const describe = (m: MarkExtent) => `${m.type} x${m.items} [${m.bounds.map((v) => Math.round(v)).join(", ")}]`;
  if (a.marks.length !== b.marks.length)
    diffs.push(
      `marks: ${a.marks.length} with ${PROJECT_VEGA_LITE.version}, ${b.marks.length} with ${JUPYTERLAB_VEGA_LITE.version}`,
    );
  for (let i = 0; i < Math.min(a.marks.length, b.marks.length); i++) {
    const [p, q] = [a.marks[i], b.marks[i]];
    const far = p.bounds.some(
      (v, k) => Math.abs(v - q.bounds[k]) > 1 && !(Number.isNaN(v) && Number.isNaN(q.bounds[k])),
    );
    if (p.type !== q.type || p.items !== q.items || far) diffs.push(`mark ${i}: ${describe(p)} vs ${describe(q)}`);
  }
  for (const k of new Set([...Object.keys(a.domains), ...Object.keys(b.domains)])) {
    const [p, q] = [JSON.stringify(a.domains[k]?.map(round)), JSON.stringify(b.domains[k]?.map(round))];
    if (p !== q) diffs.push(`scale ${k}: ${p} vs ${q}`);
  }
  for (const w of a.warnings) diffs.push(`warning (${PROJECT_VEGA_LITE.version}): ${w}`);
  for (const w of b.warnings) diffs.push(`warning (${JUPYTERLAB_VEGA_LITE.version}): ${w}`);
  return diffs;
}

const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

/** The label texts of each legend in a vega SVG, in order. */
export function legendEntries(svg: string): string[][] {
  // Each legend is a group of role "legend"; each entry's label a text mark of role "legend-label" inside it.
  const starts = [...svg.matchAll(/<g class="mark-group role-legend"/g)].map((m) => m.index!);
  return starts.map((start, i) => {
    const part = svg.slice(start, starts[i + 1] ?? svg.length);
    return [...part.matchAll(/<g class="mark-text role-legend-label"[^>]*>(.*?)<\/g>/gs)].flatMap((m) =>
      [...m[1].matchAll(/<text\b[^>]*>(.*?)<\/text>/gs)].map((t) => unescapeXml(t[1])),
    );
  });
}

/**
 * Fails when an SVG is not well-formed enough to load as an image (an <img> drops it entirely): control characters,
 * or an "&" that starts no entity.
 */
export function assertLoadableSvg(name: string, svg: string): void {
  // eslint-disable-next-line no-control-regex
  const control = /[\x00-\x08\x0b\x0c\x0e-\x1f]/.exec(svg);
  assert.equal(
    control,
    null,
    `${name}: control character U+${control?.[0].charCodeAt(0).toString(16).padStart(4, "0")} in the SVG`,
  );
  assert.doesNotMatch(svg, /&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i, `${name}: a bare "&" in the SVG`);
}

/** Fails when a chart's SVG has two legend entries (across all its legends) that read the same, or a cut label. */
export function assertLegendsReadable(name: string, svg: string): void {
  const entries = legendEntries(svg).flat();
  const repeated = entries.filter((e, i) => entries.indexOf(e) !== i);
  assert.deepEqual(repeated, [], `${name}: legend entries read the same: ${JSON.stringify([...new Set(repeated)])}`);
  // A label vega cut ends in "…"; numbered keys ("(3) long na…") are ours, spelt out in the caption.
  const cut = entries.filter((e) => e.endsWith("…") && !/^\(\d+\) /.test(e));
  assert.deepEqual(cut, [], `${name}: legend labels truncated: ${JSON.stringify(cut)}`);
}
