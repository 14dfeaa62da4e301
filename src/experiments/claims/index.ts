/**
 * Claims: the vocabulary (vocabulary.ts, with the guide to restating a claim), the evaluator that decides an
 * experiment's claims once per run (evaluate.ts), and the report forms: JSON, 72-column text, Markdown (report.ts).
 */
export * from "./vocabulary";
export * from "./evaluate";
export * from "./report";
export { findingSentence } from "./sentences";
