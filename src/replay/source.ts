// Where a journal to replay comes from: one function from what the user typed to the
// journal, so every mode of `fleet replay` reads journals the same way. A path (relative
// to the working folder) or a journal kept in a Redis stream (`redis://host:port/key`).
//
// A file is read as a stream, never held whole: it is opened once, as a regular file only
// (src/base/user-file.ts: a folder, a FIFO or a device is refused before anything is
// read), and read from its start in 1 MiB chunks each time a mode asks, up to the size it
// had when opened: a journal still being written is read as it stood then, the same on
// every pass. `--verify` checks the journal in one pass and compares it with the re-run in
// another, holding one record at a time; the other modes keep its records.
import { closeSync, fstatSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openUserFile, UserFileError } from "../base/user-file.js";
import { chunksOfFile, type JournalItem, type JournalRecord, type JournalSummary, streamJournal } from "../journal/index.js";

/** The journal can not be read at all (missing, a folder, unreadable): exit 2. */
export class JournalSourceError extends Error {
  override readonly name = "JournalSourceError";
}

export interface JournalSource {
  /** As the user gave it, for messages: `runs/x.jsonl:12: ...`. */
  name: string;
  /** Bytes of the journal as it is read (a file: its size when it was opened). */
  size: number;
  /** The reader's checks of the journal's first `lines` lines (default all), read from its start. */
  items(lines?: number): Iterable<JournalItem>;
  /**
   * The intact records of the first `lines` lines (default all), in line order, read from
   * the start again: for a second pass over a journal the first found to be `checked`.
   * Throws JournalSourceError when a line no longer reads as it did then (the file was
   * rewritten in between).
   */
  records(checked: JournalSummary, lines?: number): Iterable<JournalRecord>;
  /** Lets go of the file. */
  close(): void;
}

/**
 * Opens a journal: a file, or a Redis stream (`redis://host:port/key`, written by `fleet
 * chaos --journal redis://...`), copied to a temporary file first and read from there. Throws
 * JournalSourceError with a one-line message; a Redis URL's password never appears in it.
 * Redis support loads only when asked for.
 */
export async function openJournalSource(
  spec: string,
  cwd: string,
  env: Record<string, string | undefined> = {},
  redisTimeoutMs?: number,
): Promise<JournalSource> {
  if (/^rediss?:\/\//i.test(spec)) {
    const { redactUrl } = await import("../redis/url.js");
    const { copyRedisJournal } = await import("../journal/redis.js");
    const name = redactUrl(spec);
    // Copied to a private temporary file a chunk at a time, then read as a file journal is:
    // memory stays bounded whatever the stream's length. The file goes when the source closes.
    const dir = mkdtempSync(join(tmpdir(), "fleet-redis-journal-"));
    const path = join(dir, "journal.jsonl");
    const out = openSync(path, "wx", 0o600);
    const gone = () => rmSync(dir, { recursive: true, force: true });
    try {
      await copyRedisJournal(spec, (text) => void writeSync(out, text), { env, timeoutMs: redisTimeoutMs });
    } catch (e) {
      closeSync(out);
      gone();
      const msg = (e as Error).message.split("\n")[0];
      throw new JournalSourceError(msg.includes(name) ? msg : `cannot read journal ${name}: ${msg}`);
    }
    closeSync(out);
    const fd = openSync(path, "r");
    const size = fstatSync(fd).size;
    return source(
      name,
      size,
      () => chunksOfFile(fd, size),
      () => {
        closeSync(fd);
        gone();
      },
    );
  }
  let fd: number;
  try {
    fd = openUserFile(resolve(cwd, spec), "a journal file");
  } catch (e) {
    if (e instanceof UserFileError) throw new JournalSourceError(`cannot read journal ${spec}: ${e.message}`);
    throw e;
  }
  const size = fstatSync(fd).size;
  return source(
    spec,
    size,
    () => chunksOfFile(fd, size),
    () => closeSync(fd),
  );
}

/** A journal held in memory (read from Redis, or made by a test). */
export function bytesSource(name: string, bytes: Buffer): JournalSource {
  return source(
    name,
    bytes.length,
    () => [bytes],
    () => {},
  );
}

function source(name: string, size: number, chunks: () => Iterable<Buffer>, close: () => void): JournalSource {
  const items = (lines?: number) => streamJournal(chunks(), { lines });
  return {
    name,
    size,
    items,
    *records(checked: JournalSummary, lines?: number) {
      const known = new Set(checked.issues.map((i) => `${i.line} ${i.reason}`));
      for (const item of items(lines)) {
        if (item.kind === "record") yield item.record;
        else if (item.kind === "issue" ? !known.has(`${item.line} ${item.reason}`) : item.summary.lines !== checked.lines) {
          const line = item.kind === "issue" ? item.line : checked.lines;
          throw new JournalSourceError(`${name}:${line}: the journal changed while it was read: this line no longer reads as it did`);
        }
      }
    },
    close,
  };
}
