/** The parts of the Jupyter notebook format (nbformat 4) that mmsim reads and writes. */
import * as fs from "node:fs";
import { writeFileAtomic } from "./atomic-write";

/** Text fields may be stored as one string or as a list of lines. */
export type MultilineString = string | string[];

export interface Output {
  output_type: "stream" | "display_data" | "execute_result" | "error" | "update_display_data";
  name?: "stdout" | "stderr";
  text?: MultilineString;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
  execution_count?: number | null;
}

export interface Cell {
  id?: string;
  cell_type: "code" | "markdown" | "raw";
  source: MultilineString;
  metadata: { tags?: string[]; [key: string]: unknown };
  outputs?: Output[];
  execution_count?: number | null;
  attachments?: Record<string, unknown>;
}

/** What mmsim keeps in a notebook's metadata.mmsim. */
export interface MmsimNotebookMetadata {
  /** Ids of the experiments whose parameters this notebook's params object feeds (validates `mmsim run -p`). */
  experiments?: string[];
  /** Specs of notebook-specific parameters (neither notebook-level nor an experiment's), in ParamSpec form. */
  params?: Record<string, unknown>;
  /** Markers the executed notebook must contain: a MIME type of some output, or text found in some output. */
  expect?: string[];
  /** Written by `mmsim run`: what this copy was run with. */
  run?: RunRecord;
}

export interface RunRecord {
  /** The params object as the notebook ran it: defaults with overrides applied. */
  parameters: Record<string, unknown>;
  /** The overrides given to `mmsim run` (the injected cell). */
  overrides: Record<string, unknown>;
  /** ISO date of the run's start. */
  date: string;
  durationS: number;
  /** package.json version of mmsim. */
  version: string;
}

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: {
    kernelspec?: { name: string; display_name?: string; language?: string };
    mmsim?: MmsimNotebookMetadata;
    papermill?: Record<string, unknown>;
    [key: string]: unknown;
  };
  cells: Cell[];
}

export function joinText(text: MultilineString | undefined): string {
  return Array.isArray(text) ? text.join("") : (text ?? "");
}

/** Reads and minimally checks a notebook; errors name the file. */
export function readNotebook(file: string): Notebook {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new NotebookFileError(`cannot read notebook ${file}: ${(e as Error).message}`);
  }
  let nb: Notebook;
  try {
    nb = JSON.parse(text) as Notebook;
  } catch (e) {
    throw new NotebookFileError(`${file} is not a notebook: invalid JSON (${(e as Error).message})`);
  }
  if (nb === null || typeof nb !== "object" || !Array.isArray(nb.cells) || nb.nbformat !== 4) {
    throw new NotebookFileError(`${file} is not an nbformat 4 notebook`);
  }
  return nb;
}

/** A copy of a JSON value with every object's keys sorted, as nbformat writes notebooks. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(obj)
      .sort()
      .map((k) => [k, sortedKeys(obj[k])]),
  );
}

/**
 * Writes a notebook the way Jupyter does (nbformat's layout: keys sorted, one-space indent, trailing newline),
 * atomically. JupyterLab saves, nbstripout (the git filter) and papermill write the same layout, so a notebook
 * written by any of them differs from another only where its content does.
 */
export function writeNotebook(file: string, nb: Notebook): void {
  writeFileAtomic(file, JSON.stringify(sortedKeys(nb), null, 1) + "\n");
}

export function hasTag(cell: Cell, tag: string): boolean {
  return Array.isArray(cell.metadata?.tags) && cell.metadata.tags.includes(tag);
}

/** A problem with a notebook file itself (unreadable, not a notebook, no parameters cell). */
export class NotebookFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotebookFileError";
  }
}
