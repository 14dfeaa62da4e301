/**
 * Loading an experiment defined outside mmsim (a notebook's own, in a .ts or .js file) by the file that exports it,
 * so worker threads can run it. A .ts file is compiled on load with TypeScript's transpileModule (the project's
 * `typescript`, else the copy tslab ships), CommonJS, no type check: the notebook's kernel already checked it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { AnyExperiment } from "./experiment";

const loaded = new Map<string, Record<string, unknown>>();

/**
 * The file behind `module`: as given, or its .ts source where tslab named the compiled .js it kept in memory.
 *
 * @example
 * resolveExperimentModule("notebooks/05-cross-socket-convoy.js"); // ".../notebooks/05-cross-socket-convoy.ts"
 */
export function resolveExperimentModule(module: string): string {
  const file = path.resolve(module);
  if (fs.existsSync(file)) return file;
  const ts = file.replace(/\.js$/, ".ts");
  if (ts !== file && fs.existsSync(ts)) return ts;
  throw new Error(`experiment module '${module}' not found (nor its .ts source)`);
}

type TranspileModule = (
  source: string,
  options: { compilerOptions: Record<string, unknown>; fileName: string },
) => { outputText: string };

function typescript(): { transpileModule: TranspileModule } {
  for (const name of ["typescript", "@tslab/typescript-for-tslab"]) {
    try {
      return require(name) as { transpileModule: TranspileModule };
    } catch {
      // try the next
    }
  }
  throw new Error("loading a .ts experiment module needs the 'typescript' package (or tslab's copy of it)");
}

function registerTypeScript(): void {
  const extensions = require.extensions as Record<string, unknown>;
  if (extensions[".ts"]) return;
  extensions[".ts"] = (mod: { _compile(code: string, file: string): void }, filename: string) => {
    const out = typescript().transpileModule(fs.readFileSync(filename, "utf8"), {
      // CommonJS = 1, ES2022 = 9 in TypeScript's enums (stable across 5.x).
      compilerOptions: { module: 1, target: 9, esModuleInterop: true, sourceMap: false },
      fileName: filename,
    });
    mod._compile(out.outputText, filename);
  };
}

/**
 * The experiment `id` that `module` exports (under any name).
 *
 * @example
 * const exp = loadExperiment("notebooks/05-cross-socket-convoy.ts", "cross-socket-convoy");
 */
export function loadExperiment(module: string, id: string): AnyExperiment {
  const file = resolveExperimentModule(module);
  let exports = loaded.get(file);
  if (!exports) {
    if (file.endsWith(".ts")) registerTypeScript();
    exports = require(file) as Record<string, unknown>;
    loaded.set(file, exports);
  }
  for (const value of Object.values(exports)) {
    const e = value as AnyExperiment;
    if (e && typeof e === "object" && e.id === id && typeof e.scenario === "function") return e;
  }
  throw new Error(`${file} exports no experiment '${id}'`);
}
