/**
 * The journal core: turns header, event records and footer into sealed lines, keeps the run
 * digest and the record counts, and hands each complete line to a LineOutput (a file, memory,
 * nothing, or later a Redis stream). Every sink shares this one encoder, so a run journaled to
 * a file, kept in memory or not journaled at all (`--no-journal`) gets the same digest.
 *
 * Line format and CRC: see format.ts. Digest: see digest.ts.
 *
 * Order of calls: writeHeader, then record any number of times, then close (the run finished)
 * or abort (interrupted or failed). abort is safe to call at any time and more than once, so it
 * can sit in a signal handler or a finally block.
 *
 * `record` is on the simulator's path (a run may write ~100k records): it builds one object,
 * one JSON.stringify, one CRC and one hash update per record, and checks only top-level keys.
 *
 * Size limit (`maxBytes`): the header and records may take at most that many bytes. The
 * record that would pass it is refused with a JournalFullError (nothing of it is written),
 * and every record after it is left out, so the journal stays an exact prefix of the run;
 * the footer, written in any case after them, then says `failed` and why.
 */

import { createHash } from "node:crypto";
import { DigestAccumulator } from "./digest.js";
import { JournalError, JournalFullError } from "./errors.js";
import {
  EVENT_TYPES,
  JOURNAL_FORMAT_VERSION,
  encodeLine,
  isEventType,
  type EventFields,
  type EventType,
  type FooterRecord,
  type HeaderRecord,
  type JsonObject,
  type JsonValue,
  type RunStatus,
} from "./format.js";

/** Where sealed lines go. Each call gets one complete line, "\n" included. */
export interface LineOutput {
  write(line: string): void;
  /** No more lines will come; release resources. Called once. */
  end(): void;
  /**
   * For outputs that hand lines on asynchronously (a Redis stream): resolves once every line
   * written so far has reached its destination, rejects with the first write error. Outputs
   * that write synchronously (a file, memory) leave it out.
   */
  settled?(): Promise<void>;
}

export interface HeaderInput {
  fleetVersion: string;
  scenario: string;
  scenarioText: string;
  seed: number | string;
  options?: JsonObject;
}

export interface FooterInput {
  /** Simulated seconds at which the run ended; not before the last record's `at`. */
  at: number;
  metrics: JsonObject;
  verdicts: JsonValue;
  /** Events processed by the simulation engine, if the caller counts them. */
  simEvents?: number;
}

export interface AbortInfo {
  /** Defaults to the last record's `at` (0 if none); raised to it if smaller. */
  at?: number;
  error?: string;
  metrics?: JsonObject;
  verdicts?: JsonValue;
  simEvents?: number;
}

export type JournalState = "new" | "open" | "closed";

/** What every journal sink offers; the simulator writes through this and nothing else. */
export interface JournalSink {
  readonly state: JournalState;
  /** Writes the first line; returns the header as written (with hash and wall time). */
  writeHeader(h: HeaderInput): HeaderRecord;
  /** Writes one event record `{ t, at, ...fields }`. `fields` must not use `t`, `at` or `crc`. */
  record(t: EventType, at: number, fields?: EventFields): void;
  /** Writes the footer with status "complete", ends the output, returns the footer written. */
  close(footer: FooterInput): FooterRecord;
  /**
   * Writes a footer with the given status if the header was written and no footer yet, and
   * ends the output. Returns the footer (the existing one if already closed), or undefined if
   * no header had been written.
   */
  abort(status: Exclude<RunStatus, "complete">, info?: AbortInfo): FooterRecord | undefined;
}

export interface JournalOptions {
  /** Wall clock, read only for the `wall` fields. Defaults to `() => new Date()`. */
  clock?: () => Date;
  /** Most bytes the header and records may take (the footer comes on top). Default: no limit. */
  maxBytes?: number;
}

const RESERVED = new Set(["t", "at", "crc"]);
/** Array-index keys would be moved before `t` by JavaScript's key order, so they are refused. */
const INDEX_KEY = /^(0|[1-9]\d*)$/;
const EMPTY: EventFields = Object.freeze({});

function emptyCounts(): Record<EventType, number> {
  const c = {} as Record<EventType, number>;
  for (const t of EVENT_TYPES) c[t] = 0;
  return c;
}

export class Journal implements JournalSink {
  private _state: JournalState = "new";
  private readonly clock: () => Date;
  private readonly maxBytes: number;
  private bytes = 0;
  /** Set once a record was refused for the size limit: every later record is left out. */
  private full: JournalFullError | undefined;
  private readonly digest = new DigestAccumulator();
  private readonly counts = emptyCounts();
  private records = 0;
  private lastAt = -Infinity;
  private startedAt: Date | undefined;
  private footer: FooterRecord | undefined;

  constructor(
    private readonly out: LineOutput,
    options: JournalOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.maxBytes = options.maxBytes ?? Infinity;
  }

  get state(): JournalState {
    return this._state;
  }

  /**
   * Resolves once every line written so far has reached its destination (at once for a
   * file or memory; after the pipelined writes for a Redis stream); rejects with the
   * output's first write error. Await it after close or abort before exiting.
   */
  settled(): Promise<void> {
    return this.out.settled?.() ?? Promise.resolve();
  }

  /** Event records written so far. */
  get recordCount(): number {
    return this.records;
  }

  writeHeader(h: HeaderInput): HeaderRecord {
    if (this._state !== "new") throw new JournalError("state", "journal header already written");
    if (!(typeof h.seed === "string" || Number.isFinite(h.seed))) {
      throw new JournalError("bad_record", `journal header: seed must be a finite number or a string, got ${String(h.seed)}`);
    }
    this.startedAt = this.clock();
    const core = {
      t: "header" as const,
      format: JOURNAL_FORMAT_VERSION,
      fleetVersion: h.fleetVersion,
      scenario: h.scenario,
      scenarioText: h.scenarioText,
      scenarioSha256: createHash("sha256").update(h.scenarioText, "utf8").digest("hex"),
      seed: h.seed,
      options: h.options ?? {},
    };
    const wall = { startedAt: this.startedAt.toISOString() };
    this.emit(stringify(core), `,"wall":${JSON.stringify(wall)}`);
    this._state = "open";
    return { ...core, wall };
  }

  record(t: EventType, at: number, fields: EventFields = EMPTY): void {
    if (this._state !== "open") {
      throw new JournalError("state", this._state === "new" ? "journal record before header" : "journal record after close");
    }
    if (this.full) return;
    if (!isEventType(t)) throw new JournalError("bad_record", `journal record: unknown type ${JSON.stringify(t)}`);
    if (typeof at !== "number" || !Number.isFinite(at)) {
      throw new JournalError("bad_record", `journal record ${t}: at must be a finite number of simulated seconds, got ${String(at)}`);
    }
    if (at < this.lastAt) {
      throw new JournalError("bad_record", `journal record ${t}: at ${at} is before the previous record's at ${this.lastAt}`);
    }
    const obj: Record<string, unknown> = { t, at };
    let extra = "";
    for (const key of Object.keys(fields)) {
      const c = key.charCodeAt(0);
      if (RESERVED.has(key) || (c >= 48 && c <= 57 && INDEX_KEY.test(key))) {
        throw new JournalError("bad_record", `journal record ${t}: field name ${JSON.stringify(key)} is reserved`);
      }
      if (key === "wall") {
        const w = JSON.stringify(fields[key]);
        if (w !== undefined) extra = `,"wall":${w}`;
      } else {
        obj[key] = fields[key];
      }
    }
    const core = stringify(obj);
    const line = encodeLine(core, extra);
    const size = Buffer.byteLength(line);
    if (this.bytes + size > this.maxBytes) {
      this.full = new JournalFullError(this.maxBytes, at);
      throw this.full;
    }
    this.write(core, line, size);
    this.lastAt = at;
    this.records++;
    this.counts[t]++;
  }

  close(footer: FooterInput): FooterRecord {
    if (this._state !== "open") {
      throw new JournalError("state", this._state === "new" ? "journal closed before header" : "journal already closed");
    }
    if (typeof footer.at !== "number" || !Number.isFinite(footer.at) || footer.at < this.lastAt) {
      throw new JournalError("bad_record", `journal footer: at ${String(footer.at)} must be a finite number not before ${this.lastAt}`);
    }
    return this.finish("complete", footer.at, footer);
  }

  abort(status: Exclude<RunStatus, "complete">, info: AbortInfo = {}): FooterRecord | undefined {
    if (this._state === "closed") return this.footer;
    if (this._state === "new") {
      this._state = "closed";
      this.out.end();
      return undefined;
    }
    const floor = this.lastAt === -Infinity ? 0 : this.lastAt;
    const at = typeof info.at === "number" && Number.isFinite(info.at) ? Math.max(info.at, floor) : floor;
    return this.finish(status, at, info);
  }

  private finish(asked: RunStatus, at: number, info: AbortInfo): FooterRecord {
    // Closed first: if the output throws, the journal must not try to write a second footer.
    this._state = "closed";
    // A journal that left records out is not a complete run, whatever the caller says.
    const status = this.full ? "failed" : asked;
    if (this.full && info.error === undefined) info = { ...info, error: this.full.message };
    const core: Omit<FooterRecord, "digest" | "wall"> = {
      t: "footer",
      at,
      status,
      records: this.records,
      recordsByType: { ...this.counts },
      simEvents: info.simEvents ?? null,
      metrics: info.metrics ?? {},
      verdicts: info.verdicts ?? null,
    };
    if (info.error !== undefined) core.error = info.error;
    const coreText = stringify(core);
    this.digest.addCanonical(coreText);
    const digest = this.digest.finish();
    const finished = this.clock();
    const wall = {
      finishedAt: finished.toISOString(),
      wallSeconds: (finished.getTime() - (this.startedAt ?? finished).getTime()) / 1000,
    };
    const footer: FooterRecord = { ...core, digest, wall };
    this.footer = footer;
    try {
      this.out.write(encodeLine(coreText, `,"digest":"${digest}","wall":${JSON.stringify(wall)}`));
    } finally {
      this.out.end();
    }
    return footer;
  }

  /** Writes one line whose digest-relevant part is `core`; `extra` holds `wall` and the like. */
  private emit(core: string, extra: string): void {
    const line = encodeLine(core, extra);
    this.write(core, line, Buffer.byteLength(line));
  }

  private write(core: string, line: string, size: number): void {
    this.out.write(line);
    this.bytes += size;
    this.digest.addCanonical(core);
  }
}

function stringify(obj: object): string {
  let s: string;
  try {
    s = JSON.stringify(obj);
  } catch (e) {
    throw new JournalError("bad_record", `journal record is not JSON-serialisable: ${(e as Error).message}`, { cause: e });
  }
  return s;
}
