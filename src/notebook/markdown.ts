/** Markdown outputs: prose computed in a cell (numbers from a run, say) rendered like a markdown cell. */
import { displayBundle } from "./bundle";

/** Shows `text` as markdown (with the raw text as its plain form). */
export function markdown(text: string): void {
  displayBundle({ "text/markdown": text, "text/plain": text });
}
