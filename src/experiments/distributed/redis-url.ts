/**
 * Redis URLs as users write them: `redis://host:port`, with a password (`redis://:PASSWORD@host:port`, Redis AUTH)
 * or an ACL user (`redis://user:pass@host:port`), a database (`/2`), and `rediss://` for TLS (the server's certificate
 * is checked against the system's CAs; NODE_EXTRA_CA_CERTS=ca.pem adds a private CA). Parsed here, not by ioredis, so
 * a bad URL fails naming what is wrong, and every message shows the URL without its password.
 */
import { isIP } from "node:net";

export interface RedisTarget {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls: boolean;
  /** The URL with the password replaced by ***: safe for logs and errors. */
  display: string;
}

export class RedisUrlError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "RedisUrlError";
  }
}

const FORM = "redis://[user:password@]host[:port][/db] or rediss://... (TLS)";

export function parseRedisUrl(text: string): RedisTarget {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new RedisUrlError(`${JSON.stringify(redactText(text))} is not a URL; expected ${FORM}`);
  }
  const tls = u.protocol === "rediss:";
  if (!tls && u.protocol !== "redis:")
    throw new RedisUrlError(
      `${JSON.stringify(redactText(text))}: scheme '${u.protocol}' is not allowed; expected ${FORM}`,
    );
  const host = u.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") throw new RedisUrlError(`${JSON.stringify(redactText(text))} names no host; expected ${FORM}`);
  const port = u.port === "" ? 6379 : Number(u.port);
  const dbText = u.pathname.replace(/^\//, "");
  const db = dbText === "" ? 0 : Number(dbText);
  if (!/^\d*$/.test(dbText) || !Number.isInteger(db) || db > 65535)
    throw new RedisUrlError(
      `${JSON.stringify(redactText(text))}: database '${dbText}' is not a number; expected ${FORM}`,
    );
  if (u.search !== "" || u.hash !== "")
    throw new RedisUrlError(`${JSON.stringify(redactText(text))}: query strings and fragments are not supported`);
  const username = u.username === "" ? undefined : decodeURIComponent(u.username);
  const password = u.password === "" ? undefined : decodeURIComponent(u.password);
  const auth = username !== undefined || password !== undefined ? `${u.username}${password ? ":***" : ""}@` : "";
  const display = `${u.protocol}//${auth}${u.host}${dbText ? `/${dbText}` : ""}`;
  return { host, port, username, password, db, tls, display };
}

/** Hides the password of anything that looks like a URL with credentials. */
export function redactText(text: string): string {
  return text.replace(/(\/\/[^:/@\s]*:)[^@\s]*@/g, "$1***@");
}

/**
 * ioredis options for a target. `maxRetriesPerRequest: null` as BullMQ requires (commands wait for a reconnect
 * instead of failing after 20 tries; the executor's own watchdog decides when an outage fails the run).
 */
export function ioredisOptions(t: RedisTarget, connectionName: string): Record<string, unknown> {
  return {
    host: t.host,
    port: t.port,
    username: t.username,
    password: t.password,
    db: t.db,
    // SNI takes a host name, never an address.
    tls: t.tls ? (isIP(t.host) ? {} : { servername: t.host }) : undefined,
    connectionName,
    maxRetriesPerRequest: null,
    // Reconnect quickly at first, then every second: an outage of a few seconds goes unnoticed.
    retryStrategy: (times: number) => Math.min(50 * times, 1000),
    connectTimeout: 5000,
    // On disconnect, how long a socket to a vanished server may linger (and keep the process alive).
    disconnectTimeout: 200,
  };
}
