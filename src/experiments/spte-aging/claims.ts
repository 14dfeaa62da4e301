import type { Claim } from "../experiment";
import type { SpteAgingParams } from "./params";

export const spteAgingClaims: Array<Claim<SpteAgingParams>> = [];
