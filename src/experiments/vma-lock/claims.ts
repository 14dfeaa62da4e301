import type { Claim } from "../experiment";
import type { VmaLockParamSpecs } from "./params";

export const vmaLockClaims: Array<Claim<VmaLockParamSpecs>> = [];
