import { vmaLock } from "../../../src/experiments/vma-lock/experiment";
import { testClaims } from "../../helpers/claims";

// 3 seeds of 2 ms (about 5e4 faults at 48 threads) decide every claim with its CIs well clear of the thresholds
// (the nearest: mmap-lock-saturates-early, 1.08 +- 0.01 against 1.1); about 10 CPU-s in all.
testClaims(vmaLock, { seeds: 3, base: { durationMs: 2 } });
