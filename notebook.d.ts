// Types of "mmsim/notebook" (see notebook.js): the compiled toolkit's declarations.
export * from "./dist/src/notebook/index";
