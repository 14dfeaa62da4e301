/**
 * The HTML report of an executed notebook: one self-contained, offline file. Markdown cells are rendered, code is
 * folded away (the parameters cells open), and outputs are shown by MIME type. Charts are interactive: Vega-Lite
 * specs through vega-embed and plotly figures through plotly.js, each library inlined once and only when used. Every
 * chart carries the SVG rendered in the kernel as an image, shown until its script draws the live chart, so the
 * report still shows every chart where scripts do not run.
 */
import { marked } from "marked";
import { PLOTLY_MIME, SVG_MIME } from "../chart";
import { escapeHtml } from "../html";
import { hasTag, joinText, type Cell, type Notebook, type Output, type RunRecord } from "../ipynb";
import { INJECTED_TAG, PARAMETERS_TAG } from "../inject";
import { VEGA_LITE_MIME } from "../vega-render";
import { libraryScripts, scriptSafe, type Library } from "./assets";
import { documentStart } from "./style";

/** Older Vega-Lite MIME types render through the same path. */
const VEGA_MIMES = [VEGA_LITE_MIME, "application/vnd.vegalite.v4+json", "application/vnd.vegalite.v3+json"];

/** Rendering state for one report: collected specs and the libraries they need. */
class ReportBuilder {
  readonly specs: string[] = [];
  readonly needs = new Set<Library>();

  chartFigure(kind: "vega" | "plotly", json: unknown, svg: string | undefined, caption: string): string {
    const id = `mmsim-chart-${this.specs.length}`;
    this.specs.push(
      `<script type="application/json" id="${id}">${scriptSafe(JSON.stringify(json).replace(/</g, "\\u003c"))}</script>`,
    );
    if (kind === "vega") ["vega", "vegaLite", "vegaEmbed"].forEach((l) => this.needs.add(l as Library));
    else this.needs.add("plotly");
    const fallback = svg
      ? `<img class="mmsim-fallback" alt="${escapeHtml(caption)}" src="data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}">`
      : `<p class="mmsim-fallback">[chart: ${escapeHtml(caption)}]</p>`;
    return `<figure class="mmsim-chart mmsim-${kind}" data-spec="${id}"><div class="mmsim-live"></div>${fallback}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
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

  data(data: Record<string, unknown>): string {
    const text = (mime: string) =>
      typeof data[mime] === "string" || Array.isArray(data[mime])
        ? joinText(data[mime] as string | string[])
        : undefined;
    const caption = text("text/plain") ?? "";
    const svg = text(SVG_MIME);
    const vega = VEGA_MIMES.find((m) => data[m] !== undefined);
    if (vega) return this.chartFigure("vega", data[vega], svg, caption);
    if (data[PLOTLY_MIME] !== undefined) return this.chartFigure("plotly", data[PLOTLY_MIME], svg, caption);
    const html = text("text/html");
    if (html !== undefined) return `<div class="mmsim-html">${html}</div>`;
    const md = text("text/markdown");
    if (md !== undefined) return `<div class="mmsim-markdown">${renderMarkdown(md)}</div>`;
    if (svg !== undefined)
      return `<img class="mmsim-svg" alt="${escapeHtml(caption)}" src="data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}">`;
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

const EMBED_SCRIPT = `(function () {
  function spec(el) { return JSON.parse(document.getElementById(el.getAttribute("data-spec")).textContent); }
  function done(el) { el.classList.add("mmsim-rendered"); }
  function failed(el, err) { el.classList.add("mmsim-failed"); console.error("mmsim report: chart " + el.getAttribute("data-spec") + " did not render: " + err); }
  document.querySelectorAll("figure.mmsim-vega").forEach(function (el) {
    try {
      vegaEmbed(el.querySelector(".mmsim-live"), spec(el), { renderer: "svg", actions: { export: true, source: false, compiled: false, editor: false } })
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
  const libs = (["vega", "vegaLite", "vegaEmbed", "plotly"] as Library[]).filter((l) => b.needs.has(l));
  return `${documentStart(title, info.run.version)}
<header class="mmsim-header">
<p class="mmsim-crumb"><a href="index.html">mmsim reports</a> / ${escapeHtml(info.file)}</p>
<dl class="mmsim-run">
<dt>run</dt><dd>${escapeHtml(info.run.date)} (${info.run.durationS.toFixed(1)} s)</dd>
<dt>mmsim</dt><dd>${escapeHtml(info.run.version)}</dd>
${seeds ? `<dt>seeds</dt><dd>${escapeHtml(seeds)}</dd>` : ""}
</dl>
<table class="mmsim-params"><caption>parameters</caption>${params}</table>
</header>
<main>
${body}
</main>
<footer>Written by <code>mmsim run</code> from ${escapeHtml(info.file)}. Charts are interactive; the images beside them are their static renderings.</footer>
${b.specs.join("\n")}
${libraryScripts(libs)}
${libs.length ? `<script>${EMBED_SCRIPT}</script>` : ""}
</body>
</html>
`;
}
