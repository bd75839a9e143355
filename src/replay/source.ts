// Where a journal to replay comes from: one function from what the user typed to the
// journal's bytes, so every mode of `fleet replay` reads journals the same way. Today a
// path (relative to the working folder); a journal kept in a Redis stream
// (`redis://host:port/key`) is meant to be read here too, by one more branch.
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";

/** The journal can not be read at all (missing, a folder, unreadable): exit 2. */
export class JournalSourceError extends Error {
  override readonly name = "JournalSourceError";
}

export interface JournalSource {
  /** As the user gave it, for messages: `runs/x.jsonl:12: ...`. */
  name: string;
  bytes: Buffer;
}

/**
 * Reads a journal's bytes: a file, or a Redis stream (`redis://host:port/key`, written by
 * `fleet chaos --journal redis://...`). Throws JournalSourceError with a one-line message;
 * a Redis URL's password never appears in it. Redis support loads only when asked for.
 */
export async function readJournalSource(spec: string, cwd: string, env: Record<string, string | undefined> = {}): Promise<JournalSource> {
  if (/^rediss?:\/\//i.test(spec)) {
    const { redactUrl } = await import("../redis/url.js");
    const { readRedisJournal } = await import("../journal/redis.js");
    const name = redactUrl(spec);
    try {
      return { name, bytes: Buffer.from(await readRedisJournal(spec, { env }), "utf8") };
    } catch (e) {
      const msg = (e as Error).message.split("\n")[0];
      throw new JournalSourceError(msg.includes(name) ? msg : `cannot read journal ${name}: ${msg}`);
    }
  }
  const path = resolve(cwd, spec);
  try {
    if (statSync(path).isDirectory()) throw new JournalSourceError(`${spec} is a folder, not a journal file`);
    return { name: spec, bytes: readFileSync(path) };
  } catch (e) {
    if (e instanceof JournalSourceError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : `cannot read it (${code ?? (e as Error).message})`;
    throw new JournalSourceError(`cannot read journal ${spec}: ${why}`);
  }
}
