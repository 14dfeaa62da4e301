/**
 * One ioredis connection with what the executor and the worker need to know about it: whether it is up, since when
 * it has been down, and the last error in words. ioredis reconnects by itself; the owner decides how long an outage
 * may last.
 */
import { Redis } from "ioredis";
import { RunFailedError } from "../executor";
import { ioredisOptions, type RedisTarget } from "./redis-url";

export class RedisConnection {
  readonly client: Redis;
  /** Date.now() when the connection went down, or null while it is up (and before it first came up). */
  downSince: number | null = null;
  lastError = "";
  private everReady = false;
  private closing = false;

  constructor(
    readonly target: RedisTarget,
    name: string,
    private readonly onChange?: (up: boolean, why: string) => void,
  ) {
    this.client = new Redis({ ...ioredisOptions(target, name), lazyConnect: true });
    this.client.on("error", (e: Error) => {
      this.lastError = describeRedisError(e);
    });
    this.client.on("ready", () => {
      const wasDown = this.downSince !== null;
      this.everReady = true;
      this.downSince = null;
      if (wasDown) this.onChange?.(true, "");
    });
    this.client.on("close", () => {
      if (this.closing || !this.everReady || this.downSince !== null) return;
      this.downSince = Date.now();
      this.onChange?.(false, this.lastError || "connection closed");
    });
  }

  /** Connects, or fails within `timeoutMs` naming the server and the reason. */
  async connect(timeoutMs = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.client.connect(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("no answer")), timeoutMs);
          timer.unref();
        }),
      ]);
      // A wrong password surfaces on the first command, not on connect.
      await this.client.ping();
    } catch (e) {
      const why = this.lastError || describeRedisError(e as Error);
      this.disconnect();
      throw new RunFailedError(`cannot connect to Redis at ${this.target.display}: ${why}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits for the server indefinitely (a worker started before Redis). Auth errors are fatal. */
  async connectPatiently(onWaiting: (why: string) => void): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.connect();
        await this.client.ping();
        return;
      } catch (e) {
        const why = this.lastError || describeRedisError(e as Error);
        if (isAuthError(why)) {
          this.disconnect();
          throw new RunFailedError(`Redis at ${this.target.display} refused the credentials: ${why}`);
        }
        if (attempt === 0) onWaiting(why);
        this.client.disconnect();
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /** Closes at once, dropping queued commands (a polite QUIT could wait forever for a server that is gone). */
  disconnect(): void {
    this.closing = true;
    this.client.disconnect();
  }
}

export function isAuthError(message: string): boolean {
  return /WRONGPASS|NOAUTH|NOPERM|invalid password|AUTH/i.test(message);
}

function describeRedisError(e: Error): string {
  const code = (e as { code?: string }).code;
  const m = e.message || String(e);
  return code && !m.includes(code) ? `${code}: ${m}` : m;
}

/** A promise that rejects with `message` after `ms` (the timer never keeps the process alive). */
export function timeout(ms: number, message: string): Promise<never> {
  return new Promise<never>((_, reject) => setTimeout(() => reject(new Error(message)), ms).unref());
}
