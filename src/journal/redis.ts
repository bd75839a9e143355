// Journals in a Redis stream: `fleet chaos --journal redis://host:port/key` writes every
// journal line as one stream entry (XADD key * line <the JSONL line>), and
// readRedisJournal gives back the JSONL text, byte for byte what a file journal holds, so
// the reader, `fleet replay` and the digest treat both alike. URL form (redis-url.ts):
// redis://[user:password@]host[:port]/key[?db=N], rediss:// for TLS (private CA in
// FLEET_REDIS_CA).
//
// Writing: the journal's LineOutput is synchronous, so lines are buffered and sent as
// pipelined XADDs on the next turn of the event loop (the simulator yields between steps),
// in order on one connection. Journal.settled() waits for every write to be acknowledged;
// the CLI awaits it before it exits, so a finished run's stream is complete. A write that
// fails (the connection dropped: commands are not queued offline, so nothing is reordered or
// sent twice) stops the writing; settled() then rejects saying how many lines were lost.
// A run killed outright loses at most the lines of its last step, not yet sent; the stream
// holds every line before them, readable like a `.partial` file.
//
// An existing non-empty stream is never overwritten unless `force` (then it is deleted
// first); a key holding anything but a stream is refused even with force.
import type { Redis } from "ioredis";
import { Journal, type JournalOptions, type LineOutput } from "./journal.js";
import { JournalError, JournalExistsError } from "./errors.js";
import { connectRedis, parseRedisUrl, readRedisCa, scrub, type RedisTarget } from "../redis/url.js";

export interface RedisJournalOptions extends JournalOptions {
  /** Delete an existing journal stream at the key instead of refusing. */
  force?: boolean;
  /** For FLEET_REDIS_CA (a private CA for rediss://). Default process.env. */
  env?: Record<string, string | undefined>;
  /** Lines per pipelined batch of XADDs. Default 1000. */
  batchLines?: number;
  /** Milliseconds Redis has to answer (connecting, each write); --redis-timeout. Default 10,000. */
  timeoutMs?: number;
}

/** A LineOutput that appends each line to a Redis stream, pipelined and in order. */
export class RedisStreamLineOutput implements LineOutput {
  private buffer: string[] = [];
  private scheduled = false;
  private pending: Promise<void> = Promise.resolve();
  private error: Error | undefined;
  private ended = false;
  /** Lines handed to write(). */
  total = 0;
  /** Lines acknowledged by Redis. */
  written = 0;

  constructor(
    private readonly client: Redis,
    private readonly target: RedisTarget,
    private readonly batchLines = 1000,
  ) {}

  write(line: string): void {
    if (this.ended) throw new JournalError("state", `journal ${this.target.display} is closed`);
    this.total++;
    // After a failed write the rest is dropped (and counted by settled()), never thrown
    // here: the simulator must still be able to finish and write its footer.
    if (this.error) return;
    this.buffer.push(line);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.send());
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.send();
    const client = this.client;
    this.pending = this.pending.finally(() =>
      client.quit().then(
        () => undefined,
        () => client.disconnect(),
      ),
    );
  }

  settled(): Promise<void> {
    this.send();
    return this.pending.then(() => {
      if (this.error) {
        throw new JournalError(
          "io",
          `journal ${this.target.display} is incomplete: writing to Redis failed (${scrub(this.error.message, this.target)}); ${this.total - this.written} of ${this.total} lines were not written`,
          { cause: this.error },
        );
      }
    });
  }

  /** Sends the buffered lines now, as pipelined XADD batches chained in order. */
  private send(): void {
    this.scheduled = false;
    const lines = this.buffer;
    this.buffer = [];
    if (this.error) return;
    for (let i = 0; i < lines.length; i += this.batchLines) {
      const batch = lines.slice(i, i + this.batchLines);
      const pipe = this.client.pipeline();
      for (const line of batch) pipe.xadd(this.target.key, "*", "line", line);
      const sent = pipe.exec().then((replies) => {
        let firstError: Error | undefined;
        for (const [err] of replies ?? []) {
          if (err) firstError ??= err;
          else this.written++;
        }
        if (firstError) throw firstError;
      });
      this.pending = Promise.all([this.pending, sent]).then(
        () => undefined,
        (e: Error) => {
          this.error ??= e;
        },
      );
    }
  }
}

/** A journal whose lines go to a Redis stream; `location` is the URL without its password. */
export class RedisJournal extends Journal {
  constructor(
    readonly location: string,
    output: RedisStreamLineOutput,
    options: JournalOptions,
  ) {
    super(output, options);
  }
}

/**
 * Opens a journal on the stream named by `url` (redis://host:port/key). Throws RedisUrlError
 * or RedisConnectError (usage errors, exit 2) for a bad URL or an unreachable server, and
 * JournalExistsError if the stream holds lines and `force` is not set.
 */
export async function openRedisJournal(url: string, opts: RedisJournalOptions = {}): Promise<RedisJournal> {
  const target = parseRedisUrl(url, "journal");
  const tls = target.tls ? readRedisCa(undefined, opts.env) : {};
  // No offline queue and one retry: a write during a disconnect fails at once rather than
  // being queued and replayed out of order after the reconnect.
  const client = await connectRedis(
    target,
    tls,
    { timeoutMs: opts.timeoutMs },
    { enableOfflineQueue: false, maxRetriesPerRequest: 1, autoResendUnfulfilledCommands: false },
  );
  try {
    const type = await client.type(target.key);
    if (type !== "none" && type !== "stream") {
      throw new JournalError("exists", `journal ${target.display}: the key holds a Redis ${type}, not a journal stream; choose another key`);
    }
    if (type === "stream" && (await client.xlen(target.key)) > 0) {
      if (!opts.force) throw new JournalExistsError(target.display);
    }
    if (type === "stream") await client.del(target.key);
  } catch (e) {
    client.disconnect();
    throw e;
  }
  return new RedisJournal(target.display, new RedisStreamLineOutput(client, target, opts.batchLines), opts);
}

/**
 * The journal held in the stream named by `url`, as JSONL text (each entry's `line`, in
 * stream order). Read in chunks of `chunk` entries. Throws JournalError("io") if the key
 * does not exist or is not a stream, RedisUrlError / RedisConnectError for a bad URL or
 * server.
 */
export async function readRedisJournal(
  url: string,
  opts: { env?: Record<string, string | undefined>; chunk?: number; timeoutMs?: number } = {},
): Promise<string> {
  const parts: string[] = [];
  await copyRedisJournal(url, (text) => void parts.push(text), opts);
  return parts.join("");
}

/**
 * The journal held in the stream named by `url`, handed to `write` a chunk of `chunk`
 * entries at a time (their lines joined), in stream order: what a reader needs to hold
 * at once is one chunk, whatever the journal's size. Throws as readRedisJournal does.
 */
export async function copyRedisJournal(
  url: string,
  write: (text: string) => void,
  opts: { env?: Record<string, string | undefined>; chunk?: number; timeoutMs?: number } = {},
): Promise<void> {
  const target = parseRedisUrl(url, "journal", "journal");
  const tls = target.tls ? readRedisCa(undefined, opts.env) : {};
  const client = await connectRedis(target, tls, { timeoutMs: opts.timeoutMs });
  try {
    const type = await client.type(target.key);
    if (type === "none") throw new JournalError("io", `no journal at ${target.display}: the key does not exist`);
    if (type !== "stream") throw new JournalError("io", `${target.display} is not a journal: the key holds a Redis ${type}, not a stream`);
    let start = "-";
    for (;;) {
      const entries = await client.xrange(target.key, start, "+", "COUNT", opts.chunk ?? 1000);
      const parts: string[] = [];
      for (const [id, fields] of entries) {
        const at = fields.indexOf("line");
        if (at < 0 || at % 2 !== 0) throw new JournalError("io", `${target.display}: stream entry ${id} has no "line" field; not a fleet journal`);
        parts.push(fields[at + 1]);
      }
      write(parts.join(""));
      if (entries.length < (opts.chunk ?? 1000)) break;
      start = `(${entries[entries.length - 1][0]}`;
    }
  } finally {
    await client.quit().catch(() => client.disconnect());
  }
}
