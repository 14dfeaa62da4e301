import { vmaLock } from "../../../src/experiments/vma-lock/experiment";
import { testClaims } from "../../helpers/claims";

testClaims(vmaLock, { seeds: 5 });
