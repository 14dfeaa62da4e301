/**
 * Which mmsim produced a result: the package version, the git commit of the checkout and whether its tracked files
 * had uncommitted changes. Reports, `mmsim claims` footers, shard files and distributed workers carry it, so a result
 * can be traced to the code that computed it and two machines can check they run the same code.
 *
 * The commit comes from `git` in the project root; where there is no git (an unpacked copy), MMSIM_COMMIT names it,
 * else it is "unknown". Looked up once per process.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface BuildInfo {
  /** package.json "version". */
  version: string;
  /** Full git commit hash of the checkout, MMSIM_COMMIT, or "unknown". */
  commit: string;
  /** True when tracked files differ from that commit (results may not be reproducible from the commit alone). */
  dirty: boolean;
}

/** The project root: src/experiments/ (or dist/src/experiments/) up to the folder holding package.json. */
export const PROJECT_ROOT = findRoot(__dirname);

function findRoot(from: string): string {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    dir = path.dirname(dir);
  }
  return path.resolve(from, "..", "..", "..");
}

let cached: BuildInfo | null = null;

/** The version, commit and dirty flag of this mmsim (cached after the first call). */
export function buildInfo(): BuildInfo {
  if (cached) return cached;
  const version = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string })
    .version;
  let commit = process.env.MMSIM_COMMIT ?? "unknown";
  let dirty = false;
  if (process.env.MMSIM_COMMIT === undefined) {
    const git = (...args: string[]) =>
      execFileSync("git", ["-C", PROJECT_ROOT, ...args], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
        timeout: 5000,
      }).trim();
    try {
      commit = git("rev-parse", "HEAD");
      dirty = git("status", "--porcelain", "--untracked-files=no").length > 0;
    } catch {
      commit = "unknown";
    }
  }
  cached = { version, commit, dirty };
  return cached;
}

/** "0.1.0 (commit 1a2b3c4d5e6f, modified)": the one-line form for footers and logs. */
export function describeBuild(info: BuildInfo = buildInfo()): string {
  const commit = info.commit === "unknown" ? "commit unknown" : `commit ${info.commit.slice(0, 12)}`;
  return `${info.version} (${commit}${info.dirty ? ", modified" : ""})`;
}
