/**
 * The HTML report of an executed notebook: one self-contained, offline file. Markdown cells are rendered, code is
 * folded away (the parameters cells open), and outputs are shown by MIME type. Charts are interactive: Vega-Lite
 * specs are compiled to Vega here (so the report needs vega and vega-embed, not vega-lite) and drawn by vega-embed;
 * plotly figures by plotly.js (its basic bundle when every trace is a bar, scatter or pie). Each library is inlined
 * once and only when used. Every chart carries the SVG rendered in the kernel as an image with alt text, shown until
 * its script draws the live chart, so the report still shows every chart where scripts do not run; its caption is
 * the figure's caption. Verdict tables come with their text form in a block made to be copied.
 */
import { marked } from "marked";
import { PLOTLY_MIME, SVG_MIME } from "../chart";
import { escapeHtml } from "../html";
import { hasTag, joinText, type Cell, type Notebook, type Output, type RunRecord } from "../ipynb";
import { INJECTED_TAG, PARAMETERS_TAG } from "../inject";
import { collectingLogger, VEGA_LITE_MIME, type VegaLiteSpec } from "../vega-render";
import { LIBRARY_ORDER, libraryScripts, PLOTLY_BASIC_TRACES, scriptSafe, type Library } from "./assets";
import { documentStart } from "./style";
import { notebookVerdicts, verdictSummaryHtml, VERDICTS_MIME } from "./verdicts";

/** Older Vega-Lite MIME types render through the same path. */
const VEGA_MIMES = [VEGA_LITE_MIME, "application/vnd.vegalite.v4+json", "application/vnd.vegalite.v3+json"];

/** The width a plotly chart may take on an A4 page; wider ones are zoomed down in print. */
const PRINT_WIDTH_PX = 680;

interface ChartMeta {
  caption?: string;
  title?: string | null;
}

/** What mmsim's builders record in a spec or figure: the caption (shown as HTML here) and the title. */
function metaOf(holder: unknown): ChartMeta | undefined {
  const meta = (holder as { mmsim?: ChartMeta } | undefined)?.mmsim;
  return meta && typeof meta.caption === "string" ? meta : undefined;
}

/**
 * The spec as the report draws it: the caption, which the builders put under the title so that Lab and nbconvert
 * show it, is taken out, since the report shows it as the figure's caption.
 */
export function withoutCaption(spec: VegaLiteSpec): VegaLiteSpec {
  const meta = metaOf(spec.usermeta);
  if (!meta) return spec;
  const copy: VegaLiteSpec = { ...spec };
  const title = copy.title as Record<string, unknown> | undefined;
  if (meta.title && title && typeof title === "object")
    copy.title = Object.fromEntries(Object.entries(title).filter(([k]) => !k.startsWith("subtitle")));
  else delete copy.title;
  return copy;
}

interface VegaLiteCompiler {
  compile(spec: unknown, options: { logger: unknown }): { spec: unknown };
}

/** A Vega-Lite spec compiled to Vega with the project's vega-lite, or undefined when it does not compile. */
export function compileToVega(spec: VegaLiteSpec): unknown {
  try {
    const vl = require("vega-lite") as VegaLiteCompiler;
    // Warnings are the chart tests' business (they fail on any); the report only needs the compiled spec.
    return vl.compile(spec, { logger: collectingLogger([]) }).spec;
  } catch {
    return undefined;
  }
}

/** An SVG as a data: URL, percent-encoding only what a URL in a double-quoted HTML attribute needs (not base64). */
export function svgDataUrl(svg: string): string {
  const encoded = svg.replace(/[%#"&\n\r\t]/g, (c) => encodeURIComponent(c));
  return `data:image/svg+xml;charset=utf-8,${encoded}`;
}

/** Rendering state for one report: collected specs, the libraries they need, figure and copy-block counts. */
class ReportBuilder {
  readonly specs: string[] = [];
  readonly needs = new Set<Library>();
  figures = 0;
  copyBlocks = 0;

  private specScript(json: unknown): string {
    const id = `mmsim-chart-${this.specs.length}`;
    this.specs.push(
      `<script type="application/json" id="${id}">${scriptSafe(JSON.stringify(json).replace(/</g, "\\u003c"))}</script>`,
    );
    return id;
  }

  private figure(
    kind: "vega" | "plotly",
    attrs: string,
    svg: string | undefined,
    caption: string,
    alt: string,
  ): string {
    this.figures++;
    const fallback = svg
      ? `<img class="mmsim-fallback" alt="${escapeHtml(alt)}" src="${svgDataUrl(svg)}">`
      : `<p class="mmsim-fallback">[chart: ${escapeHtml(caption)}]</p>`;
    return (
      `<figure class="mmsim-chart mmsim-${kind}" ${attrs}><div class="mmsim-live" role="img" aria-label="${escapeHtml(alt)}"></div>${fallback}` +
      `<figcaption><span class="mmsim-fignum">Figure ${this.figures}.</span> ${escapeHtml(caption)}</figcaption></figure>`
    );
  }

  vegaFigure(spec: VegaLiteSpec, svg: string | undefined, text: string): string {
    const meta = metaOf(spec.usermeta);
    const caption = meta?.caption ?? text;
    const alt = meta?.title ? `${meta.title}. ${caption}` : caption;
    const drawn = withoutCaption(spec);
    const compiled = compileToVega(drawn);
    this.needs.add("vega");
    this.needs.add("vegaEmbed");
    if (compiled === undefined) this.needs.add("vegaLite");
    const id = this.specScript(compiled ?? drawn);
    return this.figure(
      "vega",
      `data-spec="${id}" data-mode="${compiled === undefined ? "vega-lite" : "vega"}"`,
      svg,
      caption,
      alt,
    );
  }

  plotlyFigure(
    figure: { data?: Array<{ type?: string }>; layout?: Record<string, unknown> },
    svg: string | undefined,
    text: string,
  ): string {
    const layout = { ...(figure.layout ?? {}) };
    const meta = metaOf(layout.meta);
    const caption = meta?.caption ?? text;
    const alt = meta?.title ? `${meta.title}. ${caption}` : caption;
    if (meta) {
      // The caption goes under the figure; the title alone stays on top, in less room.
      const margin = { ...((layout.margin as Record<string, unknown> | undefined) ?? {}) };
      const oldTop = typeof margin.t === "number" ? margin.t : 0;
      const top = meta.title ? 50 : 20;
      margin.t = top;
      if (meta.title) layout.title = { ...(layout.title as Record<string, unknown>), text: escapeHtml(meta.title) };
      else delete layout.title;
      if (typeof layout.height === "number") layout.height = Math.max(160, layout.height - oldTop + top);
      layout.margin = margin;
    }
    const basic = (figure.data ?? []).every((t) => PLOTLY_BASIC_TRACES.has(t.type ?? "scatter"));
    this.needs.add(basic ? "plotlyBasic" : "plotly");
    const id = this.specScript({ data: figure.data ?? [], layout });
    const width = typeof layout.width === "number" ? layout.width : 700;
    const zoom = Math.min(1, PRINT_WIDTH_PX / width).toFixed(3);
    return this.figure("plotly", `data-spec="${id}" style="--mmsim-print-zoom: ${zoom}"`, svg, caption, alt);
  }

  output(o: Output): string {
    switch (o.output_type) {
      case "stream":
        return `<pre class="mmsim-stream mmsim-${o.name === "stderr" ? "stderr" : "stdout"}">${escapeHtml(stripAnsi(joinText(o.text)))}</pre>`;
      case "error":
        return `<pre class="mmsim-error">${escapeHtml(stripAnsi(`${o.ename}: ${o.evalue}\n${(o.traceback ?? []).join("\n")}`))}</pre>`;
      case "display_data":
      case "execute_result":
        return this.data(o.data ?? {});
      default:
        return "";
    }
  }

  /** The text form of a verdict table in a block made to be copied (into a mail, say). */
  copyBlock(text: string): string {
    this.copyBlocks++;
    return (
      `<div class="mmsim-copyable"><div class="mmsim-copy-bar"><span>as text</span>` +
      `<button type="button" class="mmsim-copy">copy</button></div><pre class="mmsim-verdicts-text">${escapeHtml(text)}</pre></div>`
    );
  }

  data(data: Record<string, unknown>): string {
    const text = (mime: string) =>
      typeof data[mime] === "string" || Array.isArray(data[mime])
        ? joinText(data[mime] as string | string[])
        : undefined;
    const caption = text("text/plain") ?? "";
    const svg = text(SVG_MIME);
    const vega = VEGA_MIMES.find((m) => data[m] !== undefined);
    if (vega) return this.vegaFigure(data[vega] as VegaLiteSpec, svg, caption);
    if (data[PLOTLY_MIME] !== undefined)
      return this.plotlyFigure(data[PLOTLY_MIME] as { data?: Array<{ type?: string }> }, svg, caption);
    const html = text("text/html");
    if (data[VERDICTS_MIME] !== undefined)
      return `<div class="mmsim-verdicts-output">${html !== undefined ? `<div class="mmsim-html">${html}</div>` : ""}${caption ? this.copyBlock(caption) : ""}</div>`;
    if (html !== undefined) return `<div class="mmsim-html">${html}</div>`;
    const md = text("text/markdown");
    if (md !== undefined) return `<div class="mmsim-markdown">${renderMarkdown(md)}</div>`;
    if (svg !== undefined) return `<img class="mmsim-svg" alt="${escapeHtml(caption)}" src="${svgDataUrl(svg)}">`;
    for (const mime of ["image/png", "image/jpeg", "image/gif"]) {
      const b64 = text(mime);
      if (b64 !== undefined)
        return `<img alt="${escapeHtml(caption)}" src="data:${mime};base64,${b64.replace(/\s/g, "")}">`;
    }
    return caption ? `<pre class="mmsim-text">${escapeHtml(stripAnsi(caption))}</pre>` : "";
  }

  cell(cell: Cell, index: number): string {
    const source = joinText(cell.source);
    if (cell.cell_type === "markdown") return `<section class="mmsim-md-cell">${renderMarkdown(source)}</section>`;
    if (cell.cell_type !== "code") return "";
    const isParams = hasTag(cell, PARAMETERS_TAG) || hasTag(cell, INJECTED_TAG);
    const label = hasTag(cell, INJECTED_TAG)
      ? "injected parameters"
      : isParams
        ? "parameters"
        : `code [${cell.execution_count ?? index}]`;
    const outputs = (cell.outputs ?? []).map((o) => this.output(o)).join("\n");
    const code = source.trim()
      ? `<details class="mmsim-code"${isParams ? " open" : ""}><summary>${escapeHtml(label)}</summary><pre><code>${escapeHtml(source)}</code></pre></details>`
      : "";
    return `<section class="mmsim-code-cell">${code}${outputs ? `<div class="mmsim-outputs">${outputs}</div>` : ""}</section>`;
  }
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");
}

function renderMarkdown(md: string): string {
  return marked.parse(md, { async: false, gfm: true }) as string;
}

/** The first markdown heading of a notebook, as its title. */
export function notebookTitle(nb: Notebook, fallback: string): string {
  for (const c of nb.cells) {
    if (c.cell_type !== "markdown") continue;
    const m = /^#{1,3}\s+(.+)$/m.exec(joinText(c.source));
    if (m) return m[1].trim();
  }
  return fallback;
}

/** "1 to 5 (5 seeds)" from a params object that has seeds (and seedBase); "" when it has none. */
export function describeSeeds(params: Record<string, unknown>): string {
  const n = params.seeds;
  if (typeof n !== "number") return "";
  const base = typeof params.seedBase === "number" ? params.seedBase : 1;
  return n === 1 ? `seed ${base}` : `seeds ${base} to ${base + n - 1} (${n})`;
}

export function formatValue(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2 Jan 2026, 03:04 UTC" from an ISO date (the text itself when it is not one). */
export function humanDate(iso: string): string {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
}

/** A <time> element: the human-readable date, the ISO date in its datetime attribute and tooltip. */
export function timeHtml(iso: string): string {
  return `<time datetime="${escapeHtml(iso)}" title="${escapeHtml(iso)}">${escapeHtml(humanDate(iso))}</time>`;
}

const EMBED_SCRIPT = `(function () {
  function spec(el) { return JSON.parse(document.getElementById(el.getAttribute("data-spec")).textContent); }
  function done(el) { el.classList.add("mmsim-rendered"); }
  function failed(el, err) { el.classList.add("mmsim-failed"); console.error("mmsim report: chart " + el.getAttribute("data-spec") + " did not render: " + err); }
  document.querySelectorAll("figure.mmsim-vega").forEach(function (el) {
    try {
      vegaEmbed(el.querySelector(".mmsim-live"), spec(el), { mode: el.getAttribute("data-mode") || "vega", renderer: "svg", actions: { export: true, source: false, compiled: false, editor: false } })
        .then(function () { done(el); }, function (err) { failed(el, err); });
    } catch (err) { failed(el, err); }
  });
  document.querySelectorAll("figure.mmsim-plotly").forEach(function (el) {
    try {
      var fig = spec(el);
      Plotly.newPlot(el.querySelector(".mmsim-live"), fig.data, fig.layout, { displaylogo: false, responsive: true })
        .then(function () { done(el); }, function (err) { failed(el, err); });
    } catch (err) { failed(el, err); }
  });
})();`;

const COPY_SCRIPT = `(function () {
  document.querySelectorAll("button.mmsim-copy").forEach(function (button) {
    button.addEventListener("click", function () {
      var pre = button.closest(".mmsim-copyable").querySelector("pre");
      function selectIt() { var r = document.createRange(); r.selectNodeContents(pre); var s = getSelection(); s.removeAllRanges(); s.addRange(r); }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(pre.textContent).then(function () { button.textContent = "copied"; }, selectIt);
      } else selectIt();
    });
  });
})();`;

export interface ReportInfo {
  /** The notebook's file name, e.g. "00-getting-started.ipynb". */
  file: string;
  /** What the run recorded (metadata.mmsim.run). */
  run: RunRecord;
}

/** The complete HTML of a report. */
export function reportHtml(nb: Notebook, info: ReportInfo): string {
  const b = new ReportBuilder();
  const body = nb.cells.map((c, i) => b.cell(c, i)).join("\n");
  const title = notebookTitle(nb, info.file);
  const params = Object.entries(info.run.parameters)
    .map(([k, v]) => {
      const overridden = k in info.run.overrides;
      return `<tr${overridden ? ' class="mmsim-overridden"' : ""}><th>${escapeHtml(k)}</th><td>${escapeHtml(formatValue(v))}${overridden ? " <small>(overridden)</small>" : ""}</td></tr>`;
    })
    .join("");
  const seeds = describeSeeds(info.run.parameters);
  const verdicts = notebookVerdicts(nb);
  const libs = LIBRARY_ORDER.filter((l) => b.needs.has(l) && !(l === "plotlyBasic" && b.needs.has("plotly")));
  return `${documentStart(title, info.run.version)}
<header class="mmsim-header">
<p class="mmsim-crumb"><a href="index.html">mmsim reports</a> / ${escapeHtml(info.file)}</p>
<dl class="mmsim-run">
<dt>run</dt><dd>${timeHtml(info.run.date)} (${info.run.durationS.toFixed(1)} s)</dd>
<dt>mmsim</dt><dd>${escapeHtml(info.run.version)}</dd>
${seeds ? `<dt>seeds</dt><dd>${escapeHtml(seeds)}</dd>` : ""}
</dl>
${verdicts.length ? `<div class="mmsim-report-verdicts"><h2>Verdicts</h2>${verdictSummaryHtml(verdicts)}</div>` : ""}
<table class="mmsim-params"><caption>parameters</caption>${params}</table>
</header>
<main>
${body}
</main>
<footer>Written by <code>mmsim run</code> from ${escapeHtml(info.file)}. Charts are interactive; the images beside them are their static renderings.</footer>
${b.specs.join("\n")}
${libraryScripts(libs)}
${b.figures ? `<script>${EMBED_SCRIPT}</script>` : ""}
${b.copyBlocks ? `<script>${COPY_SCRIPT}</script>` : ""}
</body>
</html>
`;
}
