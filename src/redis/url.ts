// Redis addresses as fleet takes them, and the one way fleet connects to Redis.
//
// Two forms of URL:
//   --redis URL (distributed runs):  redis://[user:password@]host[:port][/db]
//   --journal URL (a journal stream): redis://[user:password@]host[:port]/key[?db=N]
// `rediss://` is the same over TLS. The port defaults to 6379 and the database to 0. In a
// journal URL everything after the first "/" is the stream key (it may hold "/", and is
// percent-decoded), so the database goes in `?db=N`; a --redis URL accepts `?db=N` too.
// User and password are percent-decoded (write "@" as %40, "/" as %2F, ":" in a user as %3A).
//
// TLS: rediss:// verifies the server against Node's trusted CAs; a private CA is given with
// `--redis-ca FILE` or the environment variable FLEET_REDIS_CA (a PEM file).
//
// Secrets: every message fleet prints about a URL goes through redactUrl, which replaces the
// password (or a user-info part with no ":") with "***". Error texts from the Redis client
// are scrubbed of the password as well before they are shown.
//
// Timeouts (./timeout.ts): connectRedis gives up when Redis has not answered within the
// timeout, and the connections it opens fail a command not answered within the same time.
import { isIP } from "node:net";
import { Redis, type RedisOptions } from "ioredis";
import { UsageError } from "../base/errors.js";
import { readUserText } from "../base/user-file.js";
import { DEFAULT_REDIS_TIMEOUT_MS, noAnswer } from "./timeout.js";

export interface RedisTarget {
  tls: boolean;
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  /** The stream key of a journal URL; "" for a --redis URL. */
  key: string;
  /** The URL with the password replaced by ***: the only form ever printed. */
  display: string;
}

/** A URL fleet cannot use; a usage error (exit 2). The message never holds the password. */
export class RedisUrlError extends UsageError {
  override readonly name = "RedisUrlError";
}

/** Redis could not be reached or refused us (wrong password, TLS...): exit 2, what to fix. */
export class RedisConnectError extends UsageError {
  override readonly name = "RedisConnectError";
}

const QUEUE_FORM = "redis://[user:password@]host[:port][/db] (rediss:// for TLS)";
const JOURNAL_FORM = "redis://[user:password@]host[:port]/key[?db=N] (rediss:// for TLS)";

export function isRedisUrl(s: string): boolean {
  return /^rediss?:\/\//i.test(s);
}

/**
 * The URL with its secret hidden: `redis://user:***@host`, `redis://:***@host`, and
 * `redis://***@host` when the user-info has no ":" (it may be a password written alone).
 * Everything up to the last "@" counts as user-info, so a password holding "/" or "@"
 * unencoded is hidden too. Works on strings that are not valid URLs.
 */
export function redactUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)(.*)@(.*)$/is.exec(url);
  if (!m) return url;
  const info = m[2];
  const colon = info.indexOf(":");
  return `${m[1]}${colon >= 0 ? `${info.slice(0, colon)}:***` : "***"}@${m[3]}`;
}

/**
 * Parses and checks a redis:// or rediss:// URL. `kind` "queue" reads the path as a database
 * number, "journal" as the stream key (required). `label` names the option in messages.
 * Throws RedisUrlError saying what is wrong and the form expected.
 */
export function parseRedisUrl(url: string, kind: "queue" | "journal" = "queue", label = kind === "queue" ? "--redis" : "--journal"): RedisTarget {
  const display = redactUrl(url);
  const form = kind === "queue" ? QUEUE_FORM : JOURNAL_FORM;
  const bad = (what: string) => new RedisUrlError(`${label} ${display}: ${what}; expected ${form}`);
  if (!isRedisUrl(url)) throw bad("must start with redis:// or rediss://");
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad("not a valid URL (a password holding @ / : # ? must be percent-encoded)");
  }
  const tls = u.protocol.toLowerCase() === "rediss:";
  const host = u.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") throw bad("the host is missing");
  const port = u.port === "" ? 6379 : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(`port ${u.port} is not between 1 and 65535`);
  if (u.hash !== "") throw bad("a # fragment has no meaning here (a password holding # must be written %23)");
  let username: string | undefined;
  let password: string | undefined;
  try {
    username = u.username === "" ? undefined : decodeURIComponent(u.username);
    password = u.password === "" ? undefined : decodeURIComponent(u.password);
  } catch {
    throw bad("the user or password has a bad %-escape");
  }

  let db: number | undefined;
  for (const [name, value] of u.searchParams) {
    if (name !== "db") throw bad(`unknown parameter ?${name}= (only ?db=N is known)`);
    if (db !== undefined) throw bad("?db= is given twice");
    db = parseDb(value, bad);
  }
  let key = "";
  const path = u.pathname;
  if (kind === "queue") {
    if (path !== "" && path !== "/") {
      const fromPath = parseDb(path.slice(1), () => bad(`the path must be a database number like /2, found ${JSON.stringify(path)}`));
      if (db !== undefined && db !== fromPath) throw bad(`database /${fromPath} and ?db=${db} disagree`);
      db = fromPath;
    }
  } else {
    try {
      key = decodeURIComponent(path.slice(1));
    } catch {
      throw bad("the key has a bad %-escape");
    }
    if (key === "") throw bad("the stream key is missing (e.g. redis://127.0.0.1:6379/runs/today)");
  }
  return { tls, host, port, db: db ?? 0, username, password, key, display };
}

function parseDb(text: string, bad: (what: string) => Error): number {
  if (!/^\d{1,9}$/.test(text)) throw bad(`the database must be a whole number, found ${JSON.stringify(text)}`);
  return Number(text);
}

export interface TlsSettings {
  /** PEM text of a private CA (read from --redis-ca or FLEET_REDIS_CA). */
  ca?: string;
}

/** Largest CA file read, in bytes (a bundle of every public CA is about 200 KiB). */
export const MAX_CA_BYTES = 1 << 20;

/**
 * The CA to trust for rediss://: the file named by `--redis-ca` if given, else by the
 * environment variable FLEET_REDIS_CA, else none (Node's trusted CAs). Throws RedisUrlError
 * if the file cannot be read: only a regular file of at most MAX_CA_BYTES is.
 */
export function readRedisCa(file: string | undefined, env: Record<string, string | undefined> = process.env): TlsSettings {
  const path = file ?? (env.FLEET_REDIS_CA || undefined);
  if (path === undefined) return {};
  const from = file !== undefined ? "--redis-ca" : "FLEET_REDIS_CA";
  const read = readUserText(path, MAX_CA_BYTES, "a CA file");
  if (!read.ok) throw new RedisUrlError(`${from} ${path}: ${read.error.message}`);
  const text = read.text;
  if (!text.includes("-----BEGIN CERTIFICATE-----"))
    throw new RedisUrlError(`${from} ${path}: not a PEM certificate file (no "-----BEGIN CERTIFICATE-----" line)`);
  return { ca: text };
}

/** The ioredis options fleet sets: assignable to both ioredis's and BullMQ's option types. */
export type ConnectionSettings = Pick<
  RedisOptions,
  "host" | "port" | "db" | "username" | "password" | "tls" | "maxRetriesPerRequest" | "connectTimeout" | "commandTimeout" | "disconnectTimeout"
>;

/**
 * ioredis options for a target: the same for fleet's own connections and BullMQ's.
 * maxRetriesPerRequest is null (BullMQ workers require it: commands wait out a reconnect).
 * The TCP (and TLS) connection must be made within `timeoutMs`. With `commandTimeoutMs`,
 * a command not answered within it fails, reconnect or not; never on a connection that
 * blocks (a BullMQ Worker's), whose commands wait on purpose. A connection fleet drops
 * (disconnect()) is closed 100 ms later even if the server never closes its side (ioredis
 * waits 2 s by default, which kept a command that had given up on Redis alive 2 s longer).
 */
export function redisOptions(t: RedisTarget, tls: TlsSettings = {}, timeoutMs = DEFAULT_REDIS_TIMEOUT_MS, commandTimeoutMs?: number): ConnectionSettings {
  return {
    host: t.host,
    port: t.port,
    db: t.db,
    ...(t.username !== undefined ? { username: t.username } : {}),
    ...(t.password !== undefined ? { password: t.password } : {}),
    ...(t.tls ? { tls: { ...(tls.ca !== undefined ? { ca: tls.ca } : {}), ...(isIP(t.host) ? {} : { servername: t.host }) } } : {}),
    maxRetriesPerRequest: null,
    connectTimeout: timeoutMs,
    disconnectTimeout: 100,
    ...(commandTimeoutMs !== undefined ? { commandTimeout: commandTimeoutMs } : {}),
  };
}

/** An error text from the Redis client, with the password (if any) replaced by ***. */
export function scrub(text: string, t: Pick<RedisTarget, "password" | "username">): string {
  // A user name given without a password may be a password written alone: hide it too.
  const secret = t.password ?? t.username;
  return secret ? text.split(secret).join("***") : text;
}

/**
 * Says what a connection failure means and what to do, in one line. `timeoutMs`, when
 * given, is the time waited for an answer, named if the failure was a timeout.
 */
export function explainRedisError(message: string, t: RedisTarget, timeoutMs?: number): string {
  const m = scrub(message, t);
  const at = `Redis at ${t.display}`;
  if (/WRONGPASS|invalid password|invalid username-password/i.test(m)) return `${at} refused the user name or password in the URL (${m.split("\n")[0]})`;
  if (/NOAUTH|Authentication required/i.test(m)) return `${at} needs a password: put it in the URL, redis://:PASSWORD@host:port (percent-encode @ / : #)`;
  if (/ECONNREFUSED/.test(m)) return `cannot connect to ${at}: connection refused (is redis-server running there, and on that port?)`;
  if (/ENOTFOUND|EAI_AGAIN/.test(m)) return `cannot connect to ${at}: host ${t.host} not found`;
  if (/ETIMEDOUT|timed? ?out/i.test(m))
    return `cannot connect to ${at}: ${timeoutMs !== undefined ? noAnswer(timeoutMs) : "timed out"}; is a Redis server listening there, and answering?`;
  if (/DB index is out of range/i.test(m)) return `${at}: database ${t.db} does not exist on that server (${m})`;
  if (/ECONNRESET/.test(m) && !t.tls) return `cannot connect to ${at}: the server reset the connection (if it speaks TLS, use rediss://)`;
  if (/certificate|self.signed|SSL|TLS|EPROTO|wrong version number|ECONNRESET/i.test(m)) {
    const hint = t.tls ? "for a private CA pass --redis-ca FILE or set FLEET_REDIS_CA" : "if the server speaks TLS, use rediss://";
    return `cannot connect to ${at}: TLS problem: ${m}; ${hint}`;
  }
  return `cannot connect to ${at}: ${m}`;
}

export interface ConnectOptions {
  /** Milliseconds to wait for the connection and the first answer. Default DEFAULT_REDIS_TIMEOUT_MS. */
  timeoutMs?: number;
  /**
   * Whether later commands fail when not answered within timeoutMs (default true). False for
   * a worker's connection: a result computed for minutes is stored once Redis is back.
   */
  commandTimeout?: boolean;
}

/**
 * Opens a connection and checks it with PING (so a wrong password or database shows now, not
 * mid-run), within opts.timeoutMs. Throws RedisConnectError with explainRedisError's message.
 * Later disconnects are retried by ioredis as usual.
 */
export async function connectRedis(t: RedisTarget, tls: TlsSettings = {}, opts: ConnectOptions = {}, extra: RedisOptions = {}): Promise<Redis> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  const client = new Redis({
    ...redisOptions(t, tls, timeoutMs, opts.commandTimeout === false ? undefined : timeoutMs),
    lazyConnect: true,
    ...extra,
  });
  let last: string | undefined;
  const onError = (e: Error) => {
    last = e.message;
  };
  client.on("error", onError);
  // ioredis would retry a connection that opens but never answers (its ready check times
  // out) without end: the whole check gets one deadline.
  const timedOut = new Error("timed out");
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut), timeoutMs);
  });
  const check = client.connect().then(() => client.ping());
  check.catch(() => {}); // once the deadline has passed, its failure is not news
  try {
    await Promise.race([check, deadline]);
  } catch (e) {
    hangUp(client);
    const message = e === timedOut ? timedOut.message : (last ?? (e as Error).message);
    throw new RedisConnectError(explainRedisError(message, t, timeoutMs));
  } finally {
    clearTimeout(timer);
  }
  return client;
}

/**
 * Closes a connection at once, even to a server that never answers (disconnect() alone gives
 * it disconnectTimeout to close its side).
 */
export function hangUp(client: Redis): void {
  client.disconnect();
  client.stream?.destroy();
}
