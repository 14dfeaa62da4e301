/**
 * A Redis and `mmsim worker` processes for the distributed tests, all stopped by `stopAll()` (call it from an
 * `after` hook, so a failing test stops them too).
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { Redis } from "ioredis";
import { startRedisServer, type RedisServer } from "../../src/experiments/distributed/redis-server";

export const ROOT = path.resolve(__dirname, "../../..");
export const BIN = path.join(ROOT, "bin", "mmsim.js");
export const FAILING_PRELOAD = path.join(ROOT, "dist", "test", "helpers", "failing-experiment.js");

export interface Proc {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * Resolves when stderr written from now on (or from offset `since`) matches; rejects after `timeoutMs`, or if the
   * process exits first.
   */
  waitFor(pattern: RegExp, options?: { since?: number; timeoutMs?: number }): Promise<RegExpMatchArray>;
}

const started: Array<{ stop(): Promise<void> }> = [];
const children = new Set<ChildProcess>();

// If the test process is ended (the runner's timeout sends SIGTERM) before its `after` hook runs, its children go too.
process.once("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});
process.once("SIGTERM", () => process.exit(143));

/** Spawns `node [-r preload] bin/mmsim.js ...args`. */
export function mmsim(args: string[], options: { env?: Record<string, string>; preload?: string } = {}): Proc {
  const argv = [...(options.preload ? ["-r", options.preload] : []), BIN, ...args];
  const child = spawn(process.execPath, argv, {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const p: Proc = {
    child,
    stdout: "",
    stderr: "",
    exited: new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal }))),
    waitFor(pattern, { since = p.stderr.length, timeoutMs = 20_000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = p.stderr.slice(since).match(pattern);
          if (m) {
            cleanup();
            resolve(m);
          }
        };
        const onExit = () => {
          cleanup();
          reject(new Error(`process exited before stderr matched ${pattern}:\n${p.stderr}`));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`stderr did not match ${pattern} within ${timeoutMs} ms:\n${p.stderr}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          child.stderr!.off("data", check);
          child.off("exit", onExit);
        };
        child.stderr!.on("data", check);
        child.once("exit", onExit);
        check();
      });
    },
  };
  children.add(child);
  child.once("exit", () => children.delete(child));
  child.stdout!.on("data", (b: Buffer) => (p.stdout += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (p.stderr += b.toString()));
  started.push({
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await p.exited;
      }
    },
  });
  return p;
}

/** Runs mmsim to the end. */
export async function run(args: string[], options: { env?: Record<string, string>; preload?: string } = {}) {
  const p = mmsim(args, options);
  const { code, signal } = await p.exited;
  return { code, signal, stdout: p.stdout, stderr: p.stderr };
}

export async function redis(options: { password?: string } = {}): Promise<RedisServer> {
  const server = await startRedisServer(options);
  children.add(server.process);
  server.process.once("exit", () => children.delete(server.process));
  started.push(server);
  return server;
}

/** Starts a worker and waits until it is connected. */
export async function worker(
  url: string,
  options: { concurrency?: number; lockMs?: number; env?: Record<string, string>; preload?: string } = {},
): Promise<Proc> {
  const args = ["worker", "--redis", url, "--concurrency", String(options.concurrency ?? 1), "--verbose"];
  args.push("--lock-ms", String(options.lockMs ?? 1000));
  const p = mmsim(args, options);
  await p.waitFor(/ready on redis/, { since: 0 });
  return p;
}

/** Every key in the server (what a finished run must have left: nothing). */
export async function keys(url: string): Promise<string[]> {
  const c = new Redis(url, { maxRetriesPerRequest: null });
  try {
    return (await c.keys("*")).sort();
  } finally {
    c.disconnect();
  }
}

/**
 * Waits (up to 5 s) until the server holds no keys, and returns what is left: nothing, when every run has ended
 * cleanly. (A worker still closing its handle on a finished run may write a key, which it removes itself within a
 * poll interval.)
 */
export async function keysLeft(url: string): Promise<string[]> {
  const t0 = Date.now();
  for (;;) {
    const left = await keys(url);
    if (left.length === 0 || Date.now() - t0 > 5000) return left;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Stops every process and server started here, in reverse order. */
export async function stopAll(): Promise<void> {
  for (const s of started.splice(0).reverse()) await s.stop().catch(() => {});
}
