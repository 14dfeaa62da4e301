/**
 * The memory of the scenario: tabs (host renderer processes, one mm each with a heap VMA and a mapped-file VMA, plus
 * page cache the tab reads through file descriptors) and guest apps (regions of the VM's RAM, all in the VMM's one
 * guest-memory VMA, whose mm carries KVM's notifier). A tab's footprint is split: fileShare of it is file-backed, of
 * which fileMappedShare is mapped (code, fonts, mmap'd resources: accessed through page tables, faulted into
 * max_seq) and the rest page cache read with read() (disk cache, IndexedDB: accessed through file descriptors, so
 * tiers count its accesses). Guest RAM is anon memory to the host, whatever the guest uses it for.
 *
 * Tabs and apps come from one list ranked by popularity, sizes drawn independently of rank, and ranks alternate
 * between host and guest so that at every prefix of the ranking the guest holds `guestShare` of the entries:
 * the two populations have the same distribution of sizes and popularity, so with equal access patterns any
 * difference between them comes from how they are aged.
 */
import { AddressSpace, type MmStruct, type VmaKind } from "../../kernel/mm/mglru/address-space";
import { SpteAge } from "../../kernel/kvm/spte-age";
import type { RandomStreams } from "../../sim/random";
import type { ParamValues } from "../params";
import type { SpteAgingParams } from "./params";

export const HOST = 0;
export const GUEST = 1;

/** What a page is, per slot: host anon, guest RAM, a mapped file page, a page-cache page read with read(). */
export const PAGE_ANON = 0;
export const PAGE_GUEST = 1;
export const PAGE_FILE_MAPPED = 2;
export const PAGE_FILE_FD = 3;

/** What the layout depends on: the workload's shape, and whether guest memory sits behind KVM. */
export type LayoutInput = Pick<
  ParamValues<SpteAgingParams>,
  | "ramPages"
  | "overcommit"
  | "tabPages"
  | "guestShare"
  | "popularitySkew"
  | "guestAccessScale"
  | "guestLayout"
  | "notifierCallNs"
  | "fileShare"
  | "fileMappedShare"
> & {
  /** Whether guest memory sits behind KVM (false: the `base` reference, guest apps as host memory). */
  kvm: boolean;
};

export interface Layout {
  as: AddressSpace;
  /** KVM's SPTE state, or null in the base reference. */
  spte: SpteAge | null;
  /** Owner (HOST/GUEST) of each group, in rank order. */
  owner: Uint8Array;
  /** Owner of each slot (HOST for holes; they are never touched). */
  ownerOfSlot: Uint8Array;
  /** PAGE_* kind of each slot. */
  kindOfSlot: Uint8Array;
  /** Pages of group g reached through page tables: pages[start[g] .. start[g] + mapLen[g]); the rest are read(). */
  mapLen: Int32Array;
  /** The mm each group's accesses run in. */
  mmOfGroup: MmStruct[];
  /** Group g's pages are pages[start[g] .. start[g] + len[g]). */
  start: Int32Array;
  len: Int32Array;
  pages: Int32Array;
  /** Cumulative popularity weights (for choosing what to open or touch in the background). */
  cumWeight: Float64Array;
  /** Pages per owner. */
  pagesOf: [number, number];
  /** Host pages by kind: anon, mapped file, read() page cache. */
  hostPagesOf: { anon: number; mapped: number; fd: number };
}

/** guest at rank r iff the running count of guest ranks steps: floor((r+1)s) > floor(rs). */
export function isGuestRank(rank: number, share: number): boolean {
  return Math.floor((rank + 1) * share + 1e-9) > Math.floor(rank * share + 1e-9);
}

export function buildLayout(p: LayoutInput, rs: RandomStreams): Layout {
  const sizeStream = rs.stream("layout", "size");
  const target = p.ramPages * p.overcommit;
  const sizes: number[] = [];
  const owners: number[] = [];
  let total = 0;
  while (total < target) {
    const size = Math.max(64, Math.round(sizeStream.lognormal(p.tabPages, 0.5)));
    owners.push(isGuestRank(sizes.length, p.guestShare) ? GUEST : HOST);
    sizes.push(size);
    total += size;
  }
  const groups = sizes.length;
  const owner = Uint8Array.from(owners);
  // a host tab's split: anon heap, mapped files, read() page cache
  const anonN = new Int32Array(groups);
  const mappedN = new Int32Array(groups);
  const fdN = new Int32Array(groups);
  let guestPages = 0;
  const vmaSizes: number[] = [];
  for (let g = 0; g < groups; g++) {
    if (owner[g] === GUEST) {
      anonN[g] = sizes[g];
      guestPages += sizes[g];
      continue;
    }
    const file = Math.round(sizes[g] * p.fileShare);
    mappedN[g] = Math.round(file * p.fileMappedShare);
    fdN[g] = file - mappedN[g];
    anonN[g] = sizes[g] - file;
    for (const n of [anonN[g], mappedN[g], fdN[g]]) if (n > 0) vmaSizes.push(n);
  }
  const as = new AddressSpace(AddressSpace.slotsFor([...vmaSizes, Math.max(guestPages, 1)]));
  const start = new Int32Array(groups);
  const len = Int32Array.from(sizes);
  const mapLen = new Int32Array(groups);
  const pages = new Int32Array(total);
  const mmOfGroup: MmStruct[] = new Array(groups);
  const kinds: Array<[number, number]> = []; // [first slot, kind] per range, to fill kindOfSlot
  // host tabs: one renderer mm each (heap, mapped files); their read() page cache belongs to no mm
  const pageCache = as.addMm("page-cache");
  let cursor = 0;
  const hostPagesOf = { anon: 0, mapped: 0, fd: 0 };
  for (let g = 0; g < groups; g++) {
    if (owner[g] !== HOST) continue;
    const mm = as.addMm(`tab${g}`);
    mmOfGroup[g] = mm;
    start[g] = cursor;
    mapLen[g] = anonN[g] + mappedN[g];
    const ranges: Array<[number, VmaKind, MmStruct, number]> = [
      [anonN[g], "anon", mm, PAGE_ANON],
      [mappedN[g], "file", mm, PAGE_FILE_MAPPED],
      [fdN[g], "pagecache", pageCache, PAGE_FILE_FD],
    ];
    for (const [n, kind, owningMm, code] of ranges) {
      if (n <= 0) continue;
      const vma = as.addVma(owningMm, n, kind);
      kinds.push([vma.start, code], [vma.end, -1]);
      for (let i = 0; i < n; i++) pages[cursor++] = vma.start + i;
    }
    hostPagesOf.anon += anonN[g];
    hostPagesOf.mapped += mappedN[g];
    hostPagesOf.fd += fdN[g];
  }
  // guest apps: one VMM mm, one VMA for all guest RAM
  let kvm: SpteAge | null = null;
  if (guestPages > 0) {
    const slotsSoFar = as.slots;
    kvm = p.kvm ? new SpteAge(slotsSoFar + AddressSpace.slotsFor([guestPages]), p.notifierCallNs) : null;
    const vmm = as.addMm("crosvm", kvm);
    const vma = as.addVma(vmm, guestPages);
    kinds.push([vma.start, PAGE_GUEST], [vma.end, -1]);
    const order = new Int32Array(guestPages);
    for (let i = 0; i < guestPages; i++) order[i] = vma.start + i;
    if (p.guestLayout === "scattered") shuffle(order, rs);
    let k = 0;
    for (let g = 0; g < groups; g++) {
      if (owner[g] !== GUEST) continue;
      mmOfGroup[g] = vmm;
      start[g] = cursor;
      mapLen[g] = sizes[g];
      for (let i = 0; i < sizes[g]; i++) pages[cursor++] = order[k++];
    }
  }
  const ownerOfSlot = new Uint8Array(as.slots);
  const kindOfSlot = new Uint8Array(as.slots);
  for (let i = 0; i < kinds.length; i += 2) {
    const [from, code] = kinds[i];
    const to = kinds[i + 1][0];
    kindOfSlot.fill(code, from, to);
    if (code === PAGE_GUEST) ownerOfSlot.fill(GUEST, from, to);
  }
  const cumWeight = new Float64Array(groups);
  let acc = 0;
  for (let g = 0; g < groups; g++) {
    acc += (owner[g] === GUEST ? p.guestAccessScale : 1) / Math.pow(g + 1, p.popularitySkew);
    cumWeight[g] = acc;
  }
  return {
    as,
    spte: kvm,
    owner,
    ownerOfSlot,
    kindOfSlot,
    mapLen,
    mmOfGroup,
    start,
    len,
    pages,
    cumWeight,
    pagesOf: [total - guestPages, guestPages],
    hostPagesOf,
  };
}

/** Picks a group by popularity with a uniform draw u in [0, 1). */
export function pickGroup(cumWeight: Float64Array, u: number): number {
  const x = u * cumWeight[cumWeight.length - 1];
  let lo = 0;
  let hi = cumWeight.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumWeight[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function shuffle(a: Int32Array, rs: RandomStreams): void {
  const s = rs.stream("layout", "guest-scatter");
  for (let i = a.length - 1; i > 0; i--) {
    const j = s.integer(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
