/**
 * papermill's conventions for parameterised runs, for a TypeScript kernel: the overrides go into a cell tagged
 * `injected-parameters` right after the cell tagged `parameters` (replacing one from an earlier run), and
 * metadata.papermill records the parameters so papermill-aware tools (scrapbook, Quarto, papermill's readers)
 * understand the output.
 *
 * The injected cell mutates the params object (`Object.assign(params, {...})`) rather than redeclaring it: tslab
 * cells share one scope, and values derived later from `params` then see the overrides.
 */
import { hasTag, joinText, NotebookFileError, type Cell, type Notebook } from "./ipynb";

export const PARAMETERS_TAG = "parameters";
export const INJECTED_TAG = "injected-parameters";

/** The index of the notebook's only cell tagged `parameters`. */
export function parametersCellIndex(nb: Notebook, where: string): number {
  const found = nb.cells.flatMap((c, i) => (c.cell_type === "code" && hasTag(c, PARAMETERS_TAG) ? [i] : []));
  if (found.length !== 1) {
    throw new NotebookFileError(
      `${where}: expected exactly one code cell tagged '${PARAMETERS_TAG}', found ${found.length}`,
    );
  }
  return found[0];
}

/** The source of the injected cell. */
export function injectedSource(variable: string, overrides: Record<string, unknown>): string {
  const body = Object.entries(overrides)
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(", ");
  // `void` keeps tslab from printing the object as the cell's value.
  return `// Parameters injected by \`mmsim run\`: they override the defaults in the cell above.\nvoid Object.assign(${variable}, { ${body} });`;
}

export interface InjectOptions {
  /** The params object's variable name. */
  variable: string;
  overrides: Record<string, unknown>;
  /** Defaults as the parameters cell declares them (metadata.papermill.default_parameters). */
  defaults: Record<string, unknown>;
  inputPath: string;
  outputPath: string | null;
}

/**
 * Returns a copy of `nb` ready to run: earlier outputs and injected cells removed, the injected cell added when
 * there are overrides, and metadata.papermill set.
 */
export function prepareNotebook(nb: Notebook, where: string, options: InjectOptions): Notebook {
  const copy = JSON.parse(JSON.stringify(nb)) as Notebook;
  copy.cells = copy.cells.filter((c) => !hasTag(c, INJECTED_TAG));
  for (const c of copy.cells) {
    if (c.cell_type === "code") {
      c.outputs = [];
      c.execution_count = null;
    }
  }
  const at = parametersCellIndex(copy, where);
  if (Object.keys(options.overrides).length > 0) {
    const cell: Cell = {
      id: "injected-parameters",
      cell_type: "code",
      source: injectedSource(options.variable, options.overrides),
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
