/** Deciding claims: see claims/ (the vocabulary, the evaluator and the report forms). */
export * from "./claims/index";
