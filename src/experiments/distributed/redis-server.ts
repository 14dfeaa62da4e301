/**
 * A throw-away Redis on loopback for the tests and `mmsim bench queue`: Debian's redis-server on a free port, no
 * persistence (`--save "" --appendonly no`), stopped by whoever started it. Host-side only.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

export interface RedisServer {
  port: number;
  /** redis://[:password@]127.0.0.1:port */
  url: string;
  process: ChildProcess;
  /** Stops the server (SIGTERM, then SIGKILL after 3 s) and waits for it to exit. */
  stop(): Promise<void>;
}

export const REDIS_MISSING =
  "redis-server is not installed: `npm run setup` installs it (as root, with apt-get), or run `apt-get install redis-server`";

/** The redis-server binary on PATH (or in /usr/bin, /usr/sbin, /usr/local/bin), or null. */
export function findRedisServer(): string | null {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/bin", "/usr/sbin", "/usr/local/bin"];
  for (const d of dirs) {
    if (!d) continue;
    const p = path.join(d, "redis-server");
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** A free TCP port on 127.0.0.1 (the kernel's choice; released just before redis-server takes it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function startRedisServer(
  options: { password?: string; binary?: string; port?: number } = {},
): Promise<RedisServer> {
  const binary = options.binary ?? findRedisServer();
  if (!binary || !fs.existsSync(binary)) throw new Error(REDIS_MISSING);
  const port = options.port ?? (await freePort());
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  if (options.password) args.push("--requirepass", options.password);
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 5 s:\n${output}`)), 5000);
    const onData = (b: Buffer) => {
      output += b.toString();
      if (/Ready to accept connections/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`${REDIS_MISSING} (${e.message})`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with status ${code}:\n${output}`));
    });
  });
  // Keep draining its output so a full pipe never stalls it.
  child.stdout!.resume();
  child.stderr!.resume();
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : "";
  return {
    port,
    url: `redis://${auth}127.0.0.1:${port}`,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(t);
    },
  };
}
