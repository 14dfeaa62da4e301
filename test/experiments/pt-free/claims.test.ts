import { ptFree } from "../../../src/experiments/pt-free/experiment";
import { testClaims } from "../../helpers/claims";

testClaims(ptFree, { seeds: 5 });
