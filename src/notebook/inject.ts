/**
 * papermill's conventions for parameterised runs, for a TypeScript kernel: the overrides go into a cell tagged
 * `injected-parameters` right after the cell tagged `parameters` (replacing one from an earlier run), and
 * metadata.papermill records the parameters so papermill-aware tools (scrapbook, Quarto, papermill's readers)
 * understand the output.
 *
 * The injected cell mutates the params object (`Object.assign(params, {...})`) rather than redeclaring it: tslab
 * cells share one scope, and values derived later from `params` then see the overrides. Before assigning, it checks
 * them in the kernel (`checkParameters`, src/notebook/overrides.ts) against the experiments the notebook names and
 * its own specs: `mmsim run` has already checked them before the kernel started, but stock papermill has not. The
 * papermill plugin (python/mmsim-papermill) writes the same text, character for character; both are tested on the
 * vectors in test/notebook/injected-cells.json.
 */
import { hasTag, joinText, NotebookFileError, type Cell, type MmsimNotebookMetadata, type Notebook } from "./ipynb";

export const PARAMETERS_TAG = "parameters";
export const INJECTED_TAG = "injected-parameters";
/** papermill's tag for the error banner it puts at the top of a failed run's notebook and above the failing cell. */
export const ERROR_MARKER_TAG = "papermill-error-cell-tag";

/** The index of the notebook's only cell tagged `parameters`; -1 when it has none and `optional` is set. */
export function parametersCellIndex(nb: Notebook, where: string, optional = false): number {
  const found = nb.cells.flatMap((c, i) => (c.cell_type === "code" && hasTag(c, PARAMETERS_TAG) ? [i] : []));
  if (found.length === 0 && optional) return -1;
  if (found.length !== 1) {
    throw new NotebookFileError(
      `${where}: expected exactly one code cell tagged '${PARAMETERS_TAG}', found ${found.length}`,
    );
  }
  return found[0];
}

/** What the injected cell's check needs besides the values: metadata.mmsim's experiments, and own specs in brief. */
export interface InjectedSchema {
  experiments: string[];
  /** metadata.mmsim.params of the overridden names, keeping only type, unit, min, max and choices. */
  params?: Record<string, Record<string, unknown>>;
}

const SPEC_KEYS = ["type", "unit", "min", "max", "choices"];

/** The schema an injected cell carries for these overrides. */
export function injectedSchema(meta: MmsimNotebookMetadata | undefined, names: string[]): InjectedSchema {
  const schema: InjectedSchema = { experiments: meta?.experiments ?? [] };
  const own = (meta?.params ?? {}) as Record<string, Record<string, unknown>>;
  const params: Record<string, Record<string, unknown>> = {};
  for (const name of names) {
    if (!own[name] || typeof own[name] !== "object") continue;
    params[name] = Object.fromEntries(SPEC_KEYS.filter((k) => k in own[name]).map((k) => [k, own[name][k]]));
  }
  if (Object.keys(params).length > 0) schema.params = params;
  return schema;
}

export const INJECTED_COMMENT =
  "// Parameters injected by papermill or `mmsim run`: checked, then they override the defaults in the cell above.";

/** The source of the injected cell (values and schema as JSON.stringify writes them). */
export function injectedSource(
  variable: string,
  overrides: Record<string, unknown>,
  schema: InjectedSchema = { experiments: [] },
): string {
  const body = Object.entries(overrides)
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(", ");
  // `void` keeps tslab from printing the object as the cell's value.
  return (
    `${INJECTED_COMMENT}\n` +
    `void Object.assign(${variable}, require("mmsim/notebook").checkParameters(${variable}, { ${body} }, ${JSON.stringify(schema)}));`
  );
}

export interface InjectOptions {
  /** The params object's variable name. */
  variable: string;
  overrides: Record<string, unknown>;
  /** What the injected cell checks the overrides against (default: the notebook's metadata.mmsim). */
  schema?: InjectedSchema;
  /** Defaults as the parameters cell declares them (metadata.papermill.default_parameters). */
  defaults: Record<string, unknown>;
  inputPath: string;
  outputPath: string | null;
}

/**
 * Returns a copy of `nb` ready to run: earlier outputs, injected cells and papermill's error banners removed, the
 * injected cell added when there are overrides (which needs a parameters cell), and metadata.papermill set.
 */
export function prepareNotebook(nb: Notebook, where: string, options: InjectOptions): Notebook {
  const copy = JSON.parse(JSON.stringify(nb)) as Notebook;
  copy.cells = copy.cells.filter((c) => !hasTag(c, INJECTED_TAG) && !hasTag(c, ERROR_MARKER_TAG));
  for (const c of copy.cells) {
    if (c.cell_type === "code") {
      c.outputs = [];
      c.execution_count = null;
    }
  }
  const names = Object.keys(options.overrides);
  if (names.length > 0) {
    const at = parametersCellIndex(copy, where);
    const cell: Cell = {
      id: "injected-parameters",
      cell_type: "code",
      source: injectedSource(
        options.variable,
        options.overrides,
        options.schema ?? injectedSchema(copy.metadata.mmsim, names),
      ),
      metadata: { tags: [INJECTED_TAG] },
      outputs: [],
      execution_count: null,
    };
    copy.cells.splice(at + 1, 0, cell);
  }
  copy.metadata.papermill = {
    parameters: options.overrides,
    default_parameters: options.defaults,
    environment_variables: {},
    input_path: options.inputPath,
    output_path: options.outputPath,
    start_time: null,
    end_time: null,
    duration: null,
    exception: null,
  };
  return copy;
}

/** The source of the parameters cell, as text. */
export function parametersSource(nb: Notebook, where: string): string {
  return joinText(nb.cells[parametersCellIndex(nb, where)].source);
}
