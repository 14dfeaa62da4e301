/**
 * The published anchors of data/published/mmu-lock-aging.csv, parsed for the notebook's overlays, and the
 * arithmetic that takes the model's scale-free per-page cost to the published 1 GiB-per-vCPU passes.
 */

/** One row of the CSV. */
export interface PublishedAnchor {
  quantity: string;
  value: number;
  unit: string;
  conditions: string;
  source: string;
  arch: string;
  agingLock: string;
  vcpus: number;
}

/** 1 GiB of 4 KiB pages: the memory per vCPU of the published aging runs. */
export const PAGES_PER_GIB = 262_144;

/** Aging pass time (ms) for `vcpus` x `pagesPerVcpu` pages at `nsPerPage`: pass = ns/page x pages / 1e6. */
export function passMsAt(nsPerPage: number, vcpus: number, pagesPerVcpu = PAGES_PER_GIB): number {
  return (nsPerPage * vcpus * pagesPerVcpu) / 1e6;
}

/** Splits one CSV line, honouring double-quoted fields. */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Parses the CSV text (header first). */
export function parsePublished(text: string): PublishedAnchor[] {
  const lines = text.trim().split(/\r?\n/);
  const header = csvFields(lines[0]);
  return lines.slice(1).map((line) => {
    const f = csvFields(line);
    const get = (name: string) => f[header.indexOf(name)] ?? "";
    return {
      quantity: get("quantity"),
      value: Number(get("value")),
      unit: get("unit"),
      conditions: get("conditions"),
      source: get("source"),
      arch: get("arch"),
      agingLock: get("agingLock"),
      vcpus: get("vcpus") === "" ? NaN : Number(get("vcpus")),
    };
  });
}
