// How long fleet waits for Redis to answer: a Redis that accepts the connection and never
// answers (a stopped process, a wrong port behind a proxy, a frozen VM) must not hang a
// command. One setting, `--redis-timeout D` (default 10 s: Redis answers a PING in well
// under a millisecond on a LAN, so 10 s of silence is a dead or wrong endpoint, not a slow
// one), bounds connecting, each command, and how long a gate waits for a lost Redis to come
// back. Kept apart from url.ts so the CLI can name the default without loading the client.
import { formatDuration } from "../base/units.js";

export const DEFAULT_REDIS_TIMEOUT_MS = 10_000;

/** What fleet says when Redis did not answer within `timeoutMs`. */
export function noAnswer(timeoutMs: number): string {
  return `no answer within ${formatDuration(timeoutMs / 1000)} (--redis-timeout)`;
}

/**
 * Whether an error of a Redis command means Redis did not answer (a timeout, a connection
 * closed or refused) rather than an answer that was an error.
 */
export function isNoAnswer(e: unknown): boolean {
  return (
    e instanceof Error && /Command timed out|Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|max retries/i.test(e.message)
  );
}
