/**
 * Text measured the way the kernel's SVG renderer measures it. Without a canvas, vega estimates a text's width as
 * 0.8 × font size per character (vega-scenegraph, `estimateWidth`), and truncates legend and axis labels that exceed
 * their limit with "…". Browsers measure real glyphs, which are narrower, so a limit sized by this estimate never
 * truncates anywhere.
 */

/** The width vega's SVG renderer assumes for `text` at `fontSize` px when it has no canvas. */
export function estimateTextWidth(text: string, fontSize: number): number {
  return Math.floor(0.8 * text.length * fontSize);
}

/** The widest of `texts` by that estimate (0 for none). */
export function widestText(texts: ReadonlyArray<string>, fontSize: number): number {
  return texts.reduce((w, t) => Math.max(w, estimateTextWidth(t, fontSize)), 0);
}

/**
 * Breaks `text` into lines about `maxWidth` px wide at `fontSize`, at spaces; a word longer than a line gets a line
 * of its own. Titles are never truncated, so this counts a typical glyph (0.6 em) rather than vega's estimate: lines
 * then fill a browser's width, at the cost of a little blank space at the right of the kernel's SVG.
 */
export function wrapText(text: string, maxWidth: number, fontSize: number, emPerChar = 0.6): string[] {
  const perLine = Math.max(12, Math.floor(maxWidth / (emPerChar * fontSize)));
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    if (line === "") line = word;
    else if (line.length + 1 + word.length <= perLine) line += " " + word;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

/**
 * An axis title that fits along its axis (`lengthPx`): the text itself, or lines wrapped by vega's own estimate, so
 * that a long title neither runs past the plot nor makes vega pad the chart with blank space.
 */
export function axisTitle(text: string, lengthPx: number, fontSize = 11): string | string[] {
  if (estimateTextWidth(text, fontSize) <= lengthPx) return text;
  return wrapText(text, lengthPx, fontSize, 0.8);
}
