/**
 * The run journal's line format: record types, the line encoding and the per-line CRC.
 *
 * A journal is UTF-8 text, one record per line, every line ended by "\n" (0x0A), no blank
 * lines, no byte-order mark:
 *
 *   {"t":"header","format":1,"fleetVersion":"0.1.0","scenario":"cosmic","scenarioText":"...","scenarioSha256":"<64 hex>","seed":42,"options":{...},"wall":{"startedAt":"2025-01-02T03:04:05.000Z"},"crc":"1a2b3c4d"}
 *   {"t":"fault","at":3600.5,"kind":"dram.flip","host":17,...,"crc":"0badf00d"}
 *   ...
 *   {"t":"footer","at":259200,"status":"complete","records":1234,"recordsByType":{"fault":..},"simEvents":987654,"metrics":{...},"verdicts":...,"digest":"<64 hex>","wall":{"finishedAt":"...","wallSeconds":12.5},"crc":"deadbeef"}
 *
 * CRC rule (how a third party verifies a line). Take the line's bytes without its "\n".
 * They must end with the 18 ASCII bytes `,"crc":"XXXXXXXX"}` where XXXXXXXX is 8 lowercase
 * hex digits. Remove those 18 bytes; what is left (it starts with `{` and has no closing
 * brace) is the CRC body. XXXXXXXX is the standard CRC-32 (IEEE 802.3, polynomial
 * 0xEDB88320 reflected, init and final xor 0xFFFFFFFF, the `crc32` of zlib, Python's
 * `zlib.crc32`) of the body bytes, as an unsigned 32-bit number, zero-padded to 8 digits.
 * In Python: `body = line[:-18]; ok = line[-18:-10] == b',"crc":"' and
 * int(line[-10:-2], 16) == zlib.crc32(body) and line[-2:] == b'"}'`.
 *
 * Record types (field `t`, always the first key):
 * - "header": first line, exactly once. `format` is JOURNAL_FORMAT_VERSION.
 * - event records "fault" | "detection" | "recovery" | "milestone" | "snapshot":
 *   `{ t, at, ...fields }`, `at` in simulated seconds, never decreasing through the file;
 *   the other fields are free-form JSON chosen by the caller.
 * - "footer": last line, exactly once, when the run ended (complete, interrupted or failed).
 * Key order inside a line is the order the writer inserted the keys (JSON.stringify); the
 * top-level `wall` object (if any) always comes just before `crc`, and the footer's
 * `digest` just before `wall`. Footer keys, in order: t, at, status, records, recordsByType,
 * simEvents, metrics, verdicts, error (only if given), digest, wall, crc.
 *
 * Nesting: a line's objects and arrays nest at most MAX_LINE_DEPTH (64) levels deep, the line's
 * own object included. fleet's records nest a few levels; a reader refuses a deeper line as
 * damaged rather than recurse into it (JSON.stringify of 10,000 nested arrays overflows the
 * stack).
 *
 * Wall-clock data lives only under a top-level `wall` key and is excluded from the run
 * digest (see digest.ts); everything else is deterministic for a given seed and scenario.
 */

import CRC32 from "crc-32";
import { jsonNestsDeeperThan } from "../base/json.js";

/** Bumped whenever a reader of the previous version could misread a new journal. */
export const JOURNAL_FORMAT_VERSION = 1;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export const EVENT_TYPES = ["fault", "detection", "recovery", "milestone", "snapshot"] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export type RecordType = "header" | EventType | "footer";
export type RunStatus = "complete" | "interrupted" | "failed";

/** Free-form fields of an event record; must be JSON-serialisable (see Journal.record). */
export type EventFields = { readonly [key: string]: unknown };

export interface HeaderRecord {
  t: "header";
  /** JOURNAL_FORMAT_VERSION of the writer. */
  format: number;
  fleetVersion: string;
  /** Scenario name. */
  scenario: string;
  /** The scenario file's full text, as read. */
  scenarioText: string;
  /** sha256 hex (lowercase, 64 digits) of the UTF-8 bytes of scenarioText. */
  scenarioSha256: string;
  seed: number | string;
  /** Resolved run options (policy, flags...), as the caller chose to record them. */
  options: JsonObject;
  wall: { startedAt: string };
}

export interface EventRecord {
  t: EventType;
  /** Simulated seconds since the start of the run. */
  at: number;
  [field: string]: unknown;
}

export interface FooterRecord {
  t: "footer";
  /** Simulated seconds at which the run ended. */
  at: number;
  status: RunStatus;
  /** Number of event records (lines between header and footer). */
  records: number;
  recordsByType: Record<EventType, number>;
  /** Simulation events processed by the engine, as reported by the caller; null if not given. */
  simEvents: number | null;
  metrics: JsonObject;
  verdicts: JsonValue;
  /** Present when status is "failed" (and optionally "interrupted"): what went wrong. */
  error?: string;
  /** Run digest, sha256 hex; see digest.ts. */
  digest: string;
  wall: { finishedAt: string; wallSeconds: number };
}

export type JournalRecord = HeaderRecord | EventRecord | FooterRecord;

export function isEventType(t: unknown): t is EventType {
  return typeof t === "string" && (EVENT_TYPES as readonly string[]).includes(t);
}

/** Length in bytes of the `,"crc":"XXXXXXXX"}` suffix that ends every line (before "\n"). */
export const CRC_SUFFIX_BYTES = 18;
const CRC_PREFIX = ',"crc":"';

export function crcHex(crc: number): string {
  return (crc >>> 0).toString(16).padStart(8, "0");
}

/**
 * Turns a CRC body (a serialised object without its closing brace, see the rule above) into a
 * complete line, "\n" included.
 */
export function sealLine(body: string): string {
  return body + CRC_PREFIX + crcHex(CRC32.str(body)) + '"}\n';
}

/**
 * Encodes one record as a line. `core` is the record without `wall` (and, for the footer,
 * without `digest`) as JSON.stringify produced it; `extra` is appended before `crc`, already
 * serialised as `,"key":value` pairs (used for `digest` and `wall`).
 */
export function encodeLine(core: string, extra = ""): string {
  return sealLine(core.slice(0, -1) + extra);
}

/** Most levels of objects and arrays a line may nest, its own object included. */
export const MAX_LINE_DEPTH = 64;

export type LineCheck = { ok: true; record: Record<string, unknown> } | { ok: false; reason: string };

const HEX = /^[0-9a-f]{8}$/;

/**
 * Checks one line's bytes (without "\n"): the CRC suffix, the CRC, the nesting depth, then
 * JSON. Returns the record without its `crc` key. Does not check what the record means; the
 * reader does that.
 */
export function checkLineBytes(bytes: Uint8Array): LineCheck {
  if (bytes.length === 0) return { ok: false, reason: "empty line" };
  if (bytes.length < CRC_SUFFIX_BYTES + 1) return { ok: false, reason: "line too short to hold a crc field" };
  const suffix = Buffer.from(bytes.buffer, bytes.byteOffset + bytes.length - CRC_SUFFIX_BYTES, CRC_SUFFIX_BYTES).toString("latin1");
  const stored = suffix.slice(CRC_PREFIX.length, CRC_PREFIX.length + 8);
  if (!suffix.startsWith(CRC_PREFIX) || !suffix.endsWith('"}') || !HEX.test(stored)) {
    return { ok: false, reason: `no crc field at the end of the line (expected ,"crc":"xxxxxxxx"})` };
  }
  const body = bytes.subarray(0, bytes.length - CRC_SUFFIX_BYTES);
  const computed = crcHex(CRC32.buf(body));
  if (computed !== stored) return { ok: false, reason: `CRC mismatch (stored ${stored}, computed ${computed})` };
  if (jsonNestsDeeperThan(body, MAX_LINE_DEPTH)) {
    return { ok: false, reason: `objects and arrays nested more than ${MAX_LINE_DEPTH} levels deep (a journal line nests at most ${MAX_LINE_DEPTH})` };
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8"));
  } catch (e) {
    return { ok: false, reason: `invalid JSON (${(e as Error).message})` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, reason: "line is not a JSON object" };
  }
  const record = value as Record<string, unknown>;
  delete record.crc;
  return { ok: true, record };
}
