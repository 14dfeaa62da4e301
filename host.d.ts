// Types of "mmsim/host" (see host.js): the compiled declarations of src/notebook/host.ts.
export * from "./dist/src/notebook/host";
