/**
 * Which code computes a replication, precisely enough that two machines can tell whether they would compute the same
 * bits: build-info's version, commit and dirty flag, plus a fingerprint of the compiled code actually loaded
 * (dist/src/**.js) and the Node.js major version.
 *
 * Why more than the commit: a checkout can be dirty (uncommitted changes) or its dist/ stale (pulled but not rebuilt),
 * and either computes something the commit does not name; Node majors differ in V8's Math functions. The rule every
 * comparison here follows: version, commit, Node major and code fingerprint must all match. A dirty tree is therefore
 * accepted exactly when the other side runs byte-identical compiled code (the same uncommitted changes, built), and
 * it is flagged "modified" in every message and part file.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildInfo } from "../build-info";

export interface CodeIdentity {
  version: string;
  commit: string;
  dirty: boolean;
  /** sha256 over the relative paths and contents of every compiled .js file of mmsim's src/. */
  code: string;
  /** process.versions.node; only the major version must match. */
  node: string;
}

/** dist/src: this file is dist/src/experiments/distributed/code-identity.js. */
const COMPILED_SRC = path.resolve(__dirname, "..", "..");

let cached: CodeIdentity | null = null;

/** This process's identity (cached: the code cannot change under a running process). */
export function codeIdentity(): CodeIdentity {
  if (cached) return cached;
  const info = buildInfo();
  cached = {
    version: info.version,
    commit: info.commit,
    dirty: info.dirty,
    code: fingerprint(),
    node: process.versions.node,
  };
  return cached;
}

function fingerprint(): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".js")) files.push(p);
    }
  };
  walk(COMPILED_SRC);
  const hash = createHash("sha256");
  for (const f of files.map((f) => path.relative(COMPILED_SRC, f).split(path.sep).join("/")).sort()) {
    hash.update(f + "\0");
    hash.update(fs.readFileSync(path.join(COMPILED_SRC, f)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** "mmsim 0.1.0, commit 1a2b3c4d5e6f (modified), code 9f8e7d6c, node 20.20.2". */
export function describeIdentity(id: CodeIdentity): string {
  const commit = id.commit === "unknown" ? "commit unknown" : `commit ${id.commit.slice(0, 12)}`;
  return `mmsim ${id.version}, ${commit}${id.dirty ? " (modified)" : ""}, code ${id.code.slice(0, 8)}, node ${id.node}`;
}

const major = (v: string) => v.split(".")[0];

/**
 * What differs between the identity a result needs and the one at hand, as "version 0.1.0 vs 0.2.0" phrases joined
 * by "; ", or null when they compute the same bits. `need` is named first in every phrase.
 */
export function identityMismatch(need: CodeIdentity, have: CodeIdentity): string | null {
  const diffs: string[] = [];
  if (need.version !== have.version) diffs.push(`version ${need.version} vs ${have.version}`);
  if (need.commit !== have.commit) diffs.push(`commit ${need.commit.slice(0, 12)} vs ${have.commit.slice(0, 12)}`);
  if (major(need.node) !== major(have.node)) diffs.push(`node ${need.node} vs ${have.node}`);
  if (diffs.length === 0 && need.code !== have.code)
    diffs.push(
      `compiled code ${need.code.slice(0, 8)} vs ${have.code.slice(0, 8)} at the same commit` +
        (need.dirty || have.dirty
          ? " (uncommitted changes differ, or one side was not rebuilt)"
          : " (one side was not rebuilt: run `npm run build`, or `rm -rf dist && npm run build` for stale files)"),
    );
  return diffs.length ? diffs.join("; ") : null;
}

/** True when `x` has the shape of a CodeIdentity (for data read from Redis or a part file). */
export function isCodeIdentity(x: unknown): x is CodeIdentity {
  const o = x as Record<string, unknown> | null;
  return (
    typeof o === "object" &&
    o !== null &&
    typeof o.version === "string" &&
    typeof o.commit === "string" &&
    typeof o.dirty === "boolean" &&
    typeof o.code === "string" &&
    typeof o.node === "string"
  );
}
