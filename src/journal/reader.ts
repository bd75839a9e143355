/**
 * The journal reader: checks a journal line by line and says exactly where it stops being
 * trustworthy. Line format and CRC rule: format.ts; digest: digest.ts.
 *
 * Every line is checked in this order: it ends with "\n" (else it is a partial last line: the
 * run was cut mid-write), it ends with a well-formed `,"crc":"xxxxxxxx"}`, the CRC-32 of its
 * body matches, it parses as a JSON object, its `t` is known, and it is in its place (header
 * first and once, footer last and once, `at` never decreasing). A line that passes the first
 * five checks is intact and its record is returned, even after an earlier bad line; a line
 * that fails any check is reported as `{ line, reason }` with its 1-based line number. Lines
 * are numbered by "\n" in the file as it is, so a corrupted newline that merges two lines is
 * reported at the first of them, and a byte corrupted into "\n" at the line it splits.
 *
 * Duplicated lines: a copy placed after a later record fails the `at` order; any copy makes the
 * footer's record count wrong. A copy right after its original in a journal without a footer
 * cannot be told from the file alone (a run may legitimately write two identical records in
 * a row, e.g. two detections of one sector at one instant): only a re-run (`fleet replay
 * --verify --prefix`) finds it.
 *
 * If a footer is present, the digest of the intact records (header, events, footer) is
 * recomputed and compared with the footer's (a footer whose digest is not a sha256 in hex
 * is damaged: the writer never writes one). `ok` means no issue at all: complete, intact,
 * digest verified.
 *
 * readJournal reads the whole file at once (fine for ~100k records, tens of MB);
 * streamJournal yields the same checks record by record from 1 MiB chunks (of a file, or of
 * any source of chunks), for big files or for replaying without holding all records:
 * summarizeJournal keeps only what is said about the journal, collectJournal its records too.
 */

import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { createHash } from "node:crypto";
import { DigestAccumulator } from "./digest.js";
import { JournalError } from "./errors.js";
import { JOURNAL_FORMAT_VERSION, checkLineBytes, isEventType, type EventRecord, type FooterRecord, type HeaderRecord, type JournalRecord } from "./format.js";

export interface JournalIssue {
  line: number;
  reason: string;
}

export interface JournalSummary {
  header: HeaderRecord | undefined;
  footer?: FooterRecord;
  /** The journal ends with an intact footer on its last line. */
  complete: boolean;
  /**
   * In line order: the first MAX_KEPT_ISSUES of the lines' issues, then the whole file's
   * (a partial last line, no footer). Empty if and only if `ok`.
   */
  issues: JournalIssue[];
  /** Every issue found, kept or not. */
  issueCount: number;
  /** Lines with at least one issue of their own (the whole file's issues aside), kept or not. */
  badLines: number;
  /** Of badLines, those none of whose issues were kept. */
  unkeptBadLines: number;
  /** Number of leading lines with no issue. */
  validPrefixLines: number;
  /** Whether the footer's digest equals the recomputed one; absent without a footer. */
  digestMatches?: boolean;
  /** No issues: complete, every line intact and in place, digest verified. */
  ok: boolean;
  /** Lines in the file, counting a partial last line. */
  lines: number;
  /** Simulated time of the last intact event record in its place (0 if none). */
  lastRecordAt: number;
}

export interface JournalReadResult extends JournalSummary {
  /** Intact event records, in file order (header and footer are apart). */
  records: EventRecord[];
}

export type JournalItem =
  | { kind: "record"; line: number; record: JournalRecord }
  | { kind: "issue"; line: number; reason: string }
  | { kind: "end"; summary: JournalSummary };

interface RawLine {
  line: number;
  bytes: Buffer;
  terminated: boolean;
  /** Longer than MAX_LINE_BYTES: its bytes were dropped as they came. */
  tooLong: boolean;
}

/**
 * Longest line read: a header holds a scenario of at most 4 MiB, which JSON escapes to at
 * most 6 times that. A longer "line" (a file of one line, or no newline at all) is dropped
 * as it is read, so a stream never holds more than this of one line.
 */
export const MAX_LINE_BYTES = 32 * 2 ** 20;

/** Reads and checks a whole journal file. Throws JournalError("io") only if it cannot be read. */
export function readJournal(path: string): JournalReadResult {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new JournalError("io", `cannot read journal ${path}: ${(e as Error).message}`, { cause: e });
  }
  return collectJournal(checkLines(splitLines([bytes])));
}

/** Checks a journal held in memory (e.g. MemoryJournal text as bytes). */
export function parseJournal(bytes: Uint8Array | string): JournalReadResult {
  const buf = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return collectJournal(checkLines(splitLines([buf])));
}

export interface StreamOptions {
  /** Bytes per read of a file (default 1 MiB). */
  chunkBytes?: number;
  /** Reads only the first `lines` lines, as a journal of its own (default: all). */
  lines?: number;
}

/**
 * Streams the checks of a journal: a file, or its bytes in chunks (read lazily, one at a
 * time). The last item is always `{ kind: "end" }`.
 */
export function* streamJournal(source: string | Iterable<Buffer>, options: StreamOptions = {}): Generator<JournalItem> {
  const chunks = typeof source === "string" ? fileChunks(source, options.chunkBytes ?? 1 << 20) : source;
  yield* checkLines(splitLines(chunks, options.lines ?? Infinity));
}

/** What the checks say about a journal, its records dropped as they go by. */
export function summarizeJournal(items: Iterable<JournalItem>): JournalSummary {
  for (const item of items) if (item.kind === "end") return item.summary;
  throw new Error("unreachable: checkLines always ends with an end item");
}

/** What the checks say about a journal, with its intact event records. */
export function collectJournal(items: Iterable<JournalItem>): JournalReadResult {
  const records: EventRecord[] = [];
  for (const item of items) {
    if (item.kind === "record" && item.record.t !== "header" && item.record.t !== "footer") {
      records.push(item.record as EventRecord);
    } else if (item.kind === "end") {
      return { ...item.summary, records };
    }
  }
  throw new Error("unreachable: checkLines always ends with an end item");
}

function* fileChunks(path: string, chunkBytes: number): Generator<Buffer> {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new JournalError("io", `cannot read journal ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    yield* chunksOfFile(fd, Infinity, chunkBytes);
  } finally {
    closeSync(fd);
  }
}

/**
 * The first `size` bytes of an open file (fewer if it ends before), in chunks of at most
 * `chunkBytes`. Reads at stated positions, so every call reads from the start again.
 */
export function* chunksOfFile(fd: number, size: number, chunkBytes = 1 << 20): Generator<Buffer> {
  for (let at = 0; at < size; ) {
    const buf = Buffer.allocUnsafe(Math.min(chunkBytes, size - at));
    const n = readSync(fd, buf, 0, buf.length, at);
    if (n === 0) return;
    at += n;
    yield buf.subarray(0, n);
  }
}

/** The lines of `chunks`, at most `maxLines` of them (a journal cut after its `maxLines`-th line). */
function* splitLines(chunks: Iterable<Buffer>, maxLines = Infinity): Generator<RawLine> {
  let line = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  const add = (piece: Buffer) => {
    pendingBytes += piece.length;
    if (pendingBytes > MAX_LINE_BYTES) tooLong = true;
    if (tooLong) pending = [];
    else pending.push(piece);
  };
  const take = (terminated: boolean): RawLine => {
    const bytes = tooLong ? Buffer.alloc(0) : pending.length === 1 ? pending[0] : Buffer.concat(pending);
    const raw: RawLine = { line: ++line, bytes, terminated, tooLong };
    pending = [];
    pendingBytes = 0;
    tooLong = false;
    return raw;
  };
  for (const chunk of chunks) {
    let start = 0;
    for (;;) {
      if (line >= maxLines) return;
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      add(chunk.subarray(start, nl));
      yield take(true);
      start = nl + 1;
    }
    if (start < chunk.length) add(chunk.subarray(start));
  }
  if (pendingBytes > 0) yield take(false);
}

const STATUSES = new Set(["complete", "interrupted", "failed"]);
/** A footer's digest as the writer writes it (digest.ts). */
const SHA256 = /^[0-9a-f]{64}$/;

/** Issues of lines kept in a summary: a journal of a million bad lines holds memory for this many, and counts the rest. */
export const MAX_KEPT_ISSUES = 1000;

function* checkLines(lines: Iterable<RawLine>): Generator<JournalItem> {
  const issues: JournalIssue[] = [];
  let issueCount = 0;
  let badLines = 0;
  let unkeptBadLines = 0;
  let lastIssueLine = 0;
  const digest = new DigestAccumulator();
  let header: HeaderRecord | undefined;
  let footer: FooterRecord | undefined;
  let footerLine = 0;
  let digestMatches: boolean | undefined;
  let events = 0;
  let lastAt = -Infinity;
  let lastAtLine = 0;
  let total = 0;
  let lastTerminated = true;
  let firstBadLine = 0;

  const issue = (line: number, reason: string, wholeFile = false): JournalItem => {
    issueCount++;
    if (!wholeFile && line !== lastIssueLine) {
      badLines++;
      lastIssueLine = line;
      if (issues.length >= MAX_KEPT_ISSUES) unkeptBadLines++;
    }
    if (issues.length < MAX_KEPT_ISSUES || wholeFile) issues.push({ line, reason });
    if (firstBadLine === 0) firstBadLine = line;
    return { kind: "issue", line, reason };
  };

  for (const raw of lines) {
    const n = raw.line;
    total = n;
    lastTerminated = raw.terminated;
    if (!raw.terminated) {
      yield issue(n, `partial last line (no trailing newline): truncated after line ${n - 1}`, true);
      break;
    }
    if (raw.tooLong) {
      yield issue(n, `longer than ${MAX_LINE_BYTES} bytes: no journal line is this long`);
      continue;
    }
    const checked = checkLineBytes(raw.bytes);
    if (!checked.ok) {
      yield issue(n, checked.reason);
      continue;
    }
    const rec = checked.record;
    const t = rec.t;
    if (n === 1 && t !== "header") yield issue(1, `first record is ${JSON.stringify(t)}, expected "header"`);

    if (t === "header") {
      if (n !== 1) {
        yield issue(n, "header after line 1");
        continue;
      }
      header = rec as unknown as HeaderRecord;
      const problem = headerProblem(header);
      if (problem) yield issue(n, problem);
      digest.add(rec);
      yield { kind: "record", line: n, record: header };
    } else if (isEventType(t)) {
      if (footer) yield issue(n, `record after the footer (line ${footerLine})`);
      const at = rec.at;
      if (typeof at !== "number" || !Number.isFinite(at)) {
        yield issue(n, `${t} record without a numeric "at"`);
      } else {
        if (at < lastAt) yield issue(n, `at ${at} is before the previous record's at ${lastAt} (line ${lastAtLine})`);
        else {
          lastAt = at;
          lastAtLine = n;
        }
      }
      if (!footer) {
        events++;
        digest.add(rec);
      }
      yield { kind: "record", line: n, record: rec as EventRecord };
    } else if (t === "footer") {
      if (footer) {
        yield issue(n, `second footer (first on line ${footerLine})`);
        continue;
      }
      footer = rec as unknown as FooterRecord;
      footerLine = n;
      if (!STATUSES.has(footer.status)) yield issue(n, `footer status ${JSON.stringify(footer.status)} is not complete, interrupted or failed`);
      if (typeof footer.at !== "number" || footer.at < lastAt) {
        yield issue(n, `footer at ${String(footer.at)} is before the last record's at ${lastAt} (line ${lastAtLine})`);
      }
      if (footer.records !== events) yield issue(n, `footer counts ${String(footer.records)} records, the journal holds ${events} intact ones`);
      digest.add(rec);
      const computed = digest.finish();
      digestMatches = footer.digest === computed;
      if (typeof footer.digest !== "string" || !SHA256.test(footer.digest)) {
        yield issue(n, `footer digest ${JSON.stringify(footer.digest ?? null)} is not a sha256 (64 lowercase hex digits)`);
      } else if (!digestMatches) yield issue(n, `digest mismatch (footer ${footer.digest}, recomputed ${computed})`);
      yield { kind: "record", line: n, record: footer };
    } else {
      yield issue(n, `unknown record type ${JSON.stringify(t)}`);
    }
  }

  // Whole-file issues: not faults of one line, so they do not shorten the valid prefix.
  const completeLines = lastTerminated ? total : total - 1;
  const validPrefixLines = firstBadLine === 0 ? completeLines : firstBadLine - 1;
  if (total === 0) yield issue(1, "empty journal: no header", true);
  else if (!header && !issues.some((i) => i.line === 1)) yield issue(1, "no header on line 1", true);
  const complete = footer !== undefined && lastTerminated && footerLine === total;
  if (total > 0 && !footer && lastTerminated) yield issue(total, "no footer: the run was interrupted or is still running", true);

  issues.sort((a, b) => a.line - b.line);
  const summary: JournalSummary = {
    header,
    complete,
    issues,
    issueCount,
    badLines,
    unkeptBadLines,
    validPrefixLines,
    ok: issueCount === 0,
    lines: total,
    lastRecordAt: lastAt === -Infinity ? 0 : lastAt,
  };
  if (footer) {
    summary.footer = footer;
    summary.digestMatches = digestMatches;
  }
  yield { kind: "end", summary };
}

function headerProblem(h: HeaderRecord): string | undefined {
  if (h.format !== JOURNAL_FORMAT_VERSION) {
    return `format version ${JSON.stringify(h.format)}, this reader understands version ${JOURNAL_FORMAT_VERSION}`;
  }
  if (typeof h.scenario !== "string" || typeof h.scenarioText !== "string") return "header without scenario name or text";
  if (typeof h.fleetVersion !== "string") return "header without a fleetVersion string";
  if (typeof h.seed !== "number" && typeof h.seed !== "string") return "header without a seed";
  if (h.options === null || typeof h.options !== "object" || Array.isArray(h.options)) return "header options are not an object";
  const sha = createHash("sha256").update(h.scenarioText, "utf8").digest("hex");
  if (h.scenarioSha256 !== sha) return `scenario hash ${String(h.scenarioSha256)} does not match the scenario text (${sha})`;
  return undefined;
}
