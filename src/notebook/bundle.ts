/**
 * One display_data output holding several MIME types at once (a bundle), optionally with a display id that later
 * bundles replace in place.
 *
 * tslab's public `display` sends exactly one MIME type per call. Its internal writer, `lastWriteDisplayData` in
 * tslab/dist/jupyter, sends any number; it is private API of tslab 1.0.22, so this module is the only place that
 * touches it and test/notebook/bundle.test.ts pins its contract. The kernel sets the writer at the start of every
 * cell; our compiled code reaches the kernel's copy because both resolve node_modules/tslab from the project root.
 */

/** MIME type to payload: strings for text types, JSON values for `+json` types. */
export type MimeBundle = Record<string, unknown>;

/** The shape of tslab's internal writer (tslab 1.0.22, dist/jupyter.js). */
export type DisplayWriter = (
  message: { data: MimeBundle; metadata: Record<string, unknown>; transient: { display_id?: string } },
  update: boolean,
) => void;

/** The kernel's writer, or null outside a running tslab kernel (a script, a test, a worker thread). */
export function kernelWriter(): DisplayWriter | null {
  try {
    const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData?: DisplayWriter | null };
    return typeof jupyter.lastWriteDisplayData === "function" ? jupyter.lastWriteDisplayData : null;
  } catch {
    return null;
  }
}

/** True inside a running tslab kernel, where bundles become notebook outputs. */
export function inKernel(): boolean {
  return kernelWriter() !== null;
}

export interface BundleOptions {
  /** Ties this output to a display id; see `update`. */
  displayId?: string;
  /** Replace the output already shown under `displayId` instead of adding a new one. */
  update?: boolean;
}

/**
 * Emits `data` as one display_data (or update_display_data) output. Outside a kernel there is no notebook to show
 * it in, so its text/plain form (or the list of its MIME types) is printed to stdout instead.
 */
export function displayBundle(data: MimeBundle, options: BundleOptions = {}): void {
  const write = kernelWriter();
  if (write === null) {
    const text = data["text/plain"];
    process.stdout.write((typeof text === "string" ? text : `[${Object.keys(data).join(", ")}]`) + "\n");
    return;
  }
  if (options.update && options.displayId === undefined)
    throw new RangeError("displayBundle: update needs a displayId");
  write(
    { data, metadata: {}, transient: options.displayId === undefined ? {} : { display_id: options.displayId } },
    options.update ?? false,
  );
}

let displayCounter = 0;

/** A fresh display id, unique within this kernel. */
export function newDisplayId(): string {
  displayCounter++;
  return `mmsim-${process.pid}-${Date.now().toString(36)}-${displayCounter}`;
}
