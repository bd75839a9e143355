/**
 * The run digest: one SHA-256 that says "this run produced exactly these records".
 *
 * Rule. For each record in file order (header, event records, footer), take its canonical
 * line: the record with the top-level keys `crc` and `wall` removed (and, for the footer,
 * `digest` removed), serialised with JSON.stringify, keys in the order they appear in the
 * journal line (insertion order; we do not sort: writers are deterministic, and a reader that
 * JSON.parses a line and deletes those keys gets the same order back). The digest is the
 * lowercase hex SHA-256 of the UTF-8 bytes of all canonical lines, each followed by "\n".
 *
 * Only a *top-level* `wall` key is excluded (on any record type, so a snapshot may carry
 * wall-clock figures there); a `wall` key nested deeper is ordinary data. Numbers serialise
 * identically for identical doubles (JSON.stringify uses the shortest round-trip form), and
 * non-finite numbers become null, as JSON.stringify does.
 */

import { createHash, type Hash } from "node:crypto";

/** Top-level keys never part of the digest. */
const EXCLUDED = new Set(["crc", "wall"]);

/** The canonical line of a record (without "\n"), as defined above. */
export function canonicalLine(record: object): string {
  const r = record as { readonly [key: string]: unknown };
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (EXCLUDED.has(key)) continue;
    if (key === "digest" && r.t === "footer") continue;
    out[key] = r[key];
  }
  return JSON.stringify(out);
}

/** Incremental digest; the writer feeds it canonical lines as it writes. */
export class DigestAccumulator {
  private readonly hash: Hash = createHash("sha256");
  private finished: string | undefined;

  /** Adds one canonical line (without "\n"). */
  addCanonical(line: string): void {
    if (this.finished !== undefined) throw new Error("digest already finished");
    this.hash.update(line);
    this.hash.update("\n");
  }

  add(record: object): void {
    this.addCanonical(canonicalLine(record));
  }

  /** The hex digest; further adds throw. */
  finish(): string {
    if (this.finished === undefined) this.finished = this.hash.digest("hex");
    return this.finished;
  }
}

/** Digest of records in order, e.g. header, events, footer as read back from a journal. */
export function digestOfRecords(records: Iterable<object>): string {
  const acc = new DigestAccumulator();
  for (const r of records) acc.add(r);
  return acc.finish();
}
