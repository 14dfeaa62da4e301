/**
 * The MGLRU pieces (src/kernel/mm/mglru/), as the `mglru` namespace of mmsim/kernel. Follows no kernel file: a
 * re-export face; each re-exported module cites the mm/vmscan.c (and mm/rmap.c, include/linux/mmzone.h) text it
 * follows (mm/vmscan.c read at torvalds/linux @538d5baacd8a, see bloom-filter.ts).
 */
export * from "../mm/mglru/address-space";
export * from "../mm/mglru/aging";
export * from "../mm/mglru/bloom-filter";
export * from "../mm/mglru/constants";
export * from "../mm/mglru/evict";
export * from "../mm/mglru/look-around";
export * from "../mm/mglru/lruvec";
export * from "../mm/mglru/mglru";
export * from "../mm/mglru/pid-controller";
export * from "../mm/mglru/reclaim";
export * from "../mm/mglru/rmap";
export * from "../mm/mglru/tiers";
export * from "../mm/mglru/walk";
export * from "../mm/mglru/workingset";
export * from "../mm/mglru/young-notify";
