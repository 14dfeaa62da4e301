/**
 * The JavaScript libraries a report inlines (once per report, only those its charts need: vega and vega-embed for
 * Vega-Lite charts, whose specs the report writer compiles to Vega beforehand so that vega-lite itself stays out;
 * plotly's basic bundle when every trace is a bar, scatter or pie, the full one otherwise), and the guard that keeps
 * them working on pages that also load require.js: while the bundles run, `define.amd`, `module` and `exports` are
 * hidden, so each UMD bundle sets its global (vega, vegaLite, vegaEmbed, Plotly) instead of registering an anonymous
 * AMD module ("Mismatched anonymous define()"); they are restored right after.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Minified browser builds beside each package's main file. */
const LIBRARIES = {
  vega: { pkg: "vega", file: "vega.min.js" },
  vegaLite: { pkg: "vega-lite", file: "vega-lite.min.js" },
  vegaEmbed: { pkg: "vega-embed", file: "vega-embed.min.js" },
  plotly: { pkg: "plotly.js-dist-min", file: "plotly.min.js" },
  plotlyBasic: { pkg: "plotly.js-basic-dist-min", file: "plotly-basic.min.js" },
} as const;

/** The order libraries load in: each after those it needs. */
export const LIBRARY_ORDER: ReadonlyArray<Library> = ["vega", "vegaLite", "vegaEmbed", "plotlyBasic", "plotly"];

/** Trace types plotly's basic bundle draws. */
export const PLOTLY_BASIC_TRACES: ReadonlySet<string> = new Set(["bar", "scatter", "pie"]);

export type Library = keyof typeof LIBRARIES;

const cache = new Map<Library, string>();

/** A library's browser build, read from node_modules. */
export function librarySource(lib: Library): string {
  let text = cache.get(lib);
  if (text === undefined) {
    const { pkg, file } = LIBRARIES[lib];
    // The browser build sits beside the package's main file (vega, vega-embed, plotly) or in its build/ folder.
    const dir = path.dirname(require.resolve(pkg));
    const candidates = [path.join(dir, file), path.join(dir, "build", file)];
    const full = candidates.find((f) => fs.existsSync(f));
    if (!full) throw new Error(`report: ${pkg} has no ${file} (looked in ${candidates.join(", ")})`);
    text = fs.readFileSync(full, "utf8");
    cache.set(lib, text);
  }
  return text;
}

/** Script text made safe inside <script>: "</script" would end the element early. */
export function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

const HIDE_AMD = `(function () {
  var saved = { define: window.define, amd: undefined, module: window.module, exports: window.exports,
    had: { module: "module" in window, exports: "exports" in window } };
  if (typeof window.define === "function" && window.define.amd) { saved.amd = window.define.amd; window.define.amd = undefined; }
  window.module = undefined; window.exports = undefined;
  window.__mmsimSavedModuleSystem = saved;
})();`;

const RESTORE_AMD = `(function () {
  var saved = window.__mmsimSavedModuleSystem;
  if (saved.amd !== undefined) window.define.amd = saved.amd;
  if (saved.had.module) window.module = saved.module; else delete window.module;
  if (saved.had.exports) window.exports = saved.exports; else delete window.exports;
  delete window.__mmsimSavedModuleSystem;
})();`;

/** <script> elements loading `libs` in order, wrapped in the require.js guard. */
export function libraryScripts(libs: ReadonlyArray<Library>): string {
  if (libs.length === 0) return "";
  const parts = [`<script>${HIDE_AMD}</script>`];
  for (const lib of libs) parts.push(`<script data-library="${lib}">${scriptSafe(librarySource(lib))}</script>`);
  parts.push(`<script>${RESTORE_AMD}</script>`);
  return parts.join("\n");
}
