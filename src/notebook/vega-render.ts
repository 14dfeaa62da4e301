/**
 * Vega-Lite to SVG inside the kernel (or any Node process), with no browser and no canvas package: vega-lite 5
 * compiles the spec, vega 5's headless View renders it with `renderer: "none"` and `toSVG()`.
 *
 * vega and vega-lite are required lazily so that the CLI and the simulation's worker threads never load them.
 * Text widths are estimated without a canvas, so labels may sit a few pixels off compared with a browser.
 */

/** A Vega-Lite v5 specification, kept as plain JSON so that notebooks compile fast under tslab. */
export type VegaLiteSpec = { [key: string]: unknown };

/** The MIME type JupyterLab, Notebook 7 and VS Code render natively (vega-lite 5; there is no v6 renderer). */
export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";

/** The $schema a spec carries so that renderers and vega-embed know its version. */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

export interface RenderedSvg {
  svg: string;
  /** Warnings from the Vega-Lite compiler (dropped encodings and the like); tests require none. */
  warnings: string[];
}

interface VegaLiteModule {
  compile(spec: unknown, options: { logger: unknown }): { spec: unknown };
}
interface VegaModule {
  parse(spec: unknown): unknown;
  View: new (
    runtime: unknown,
    options: { renderer: string; logLevel?: number; logger?: unknown },
  ) => {
    toSVG(scaleFactor?: number): Promise<string>;
    finalize(): void;
  };
  Warn: number;
}

/**
 * A logger in the shape vega and vega-lite expect, collecting warnings into `warnings` instead of printing them;
 * errors throw.
 * @example const warnings: string[] = []; vl.compile(spec, { logger: collectingLogger(warnings) })
 */
export function collectingLogger(warnings: string[]) {
  let level = 0;
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error(...args: unknown[]): never {
      throw new Error(args.map(String).join(" "));
    },
    warn(...args: unknown[]) {
      warnings.push(args.map(String).join(" "));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

/** Compiles a Vega-Lite spec and renders it to SVG text. */
export async function renderVegaLiteSvg(spec: VegaLiteSpec): Promise<RenderedSvg> {
  const vl = require("vega-lite") as VegaLiteModule;
  const vega = require("vega") as VegaModule;

  const warnings: string[] = [];
  const logger = collectingLogger(warnings);
  const compiled = vl.compile(spec, { logger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none", logLevel: vega.Warn, logger });
  try {
    return { svg: await view.toSVG(), warnings };
  } finally {
    view.finalize();
  }
}
