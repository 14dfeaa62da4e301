import { ptFree } from "../../../src/experiments/pt-free/experiment";
import { testClaims } from "../../helpers/claims";

// 3 seeds of the claims' own short runs decide every claim (about 11 CPU-s).
testClaims(ptFree, { seeds: 3 });
