/**
 * The published anchors of data/published/mmu-lock-aging.csv, parsed for the notebook's overlays, and the
 * arithmetic that takes the model's scale-free per-page cost to the published 1 GiB-per-vCPU passes.
 */
import { parsePublishedCsv } from "../published";
import { nsToMs } from "../../sim/time";

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

/** Aging pass time (ms) for `vcpus` x `pagesPerVcpu` pages at `nsPerPage`: pass = ns/page x pages, in ms. */
export function passMsAt(nsPerPage: number, vcpus: number, pagesPerVcpu = PAGES_PER_GIB): number {
  return nsToMs(nsPerPage * vcpus * pagesPerVcpu);
}

/** Parses the CSV text (header first). */
export function parsePublished(text: string): PublishedAnchor[] {
  return parsePublishedCsv(text, "data/published/mmu-lock-aging.csv").map((r) => ({
    quantity: r.quantity,
    value: r.value,
    unit: r.unit,
    conditions: r.conditions,
    source: r.source,
    arch: r.fields.arch ?? "",
    agingLock: r.fields.agingLock ?? "",
    vcpus: (r.fields.vcpus ?? "") === "" ? NaN : Number(r.fields.vcpus),
  }));
}
