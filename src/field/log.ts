// Reading a real failure log (tickets, RMA records, a monitoring export) as fleet faults:
// each CSV row becomes a FailureRecord (when, which fault kind, which fleet id, the kind's
// incident parameters) through a mapping file (./mapping.ts), for `fleet import` (which
// writes the records as an incident timeline) and `fleet fit` (which fits models to them).
//
// Never silent: every row is either a record, skipped for a reason the mapping states (a
// kind value under `skip`, a time before --start), or rejected with its line and what is
// wrong (an unparseable time, an unlisted kind value, a location outside the fleet, a bad
// parameter, the wrong number of cells). Any rejected row makes the read fail (a LogError,
// exit 2, with the first MAX_SHOWN rows and a count per reason) unless `skipBad` counts
// them as skipped. Rows out of time order are sorted (stable: equal times keep the file's
// order), and the log says which lines were out of order.
//
// Bounded memory for any file: the CSV is streamed (./csv.ts); what is kept is the
// records (at most maxRecords, default 2,000,000), a count and the first lines per reason,
// and the first MAX_SHOWN error messages. Reading stops at maxRejected rejected rows.
import { UsageError } from "../base/errors.js";
import { didYouMean, type Issue, formatIssue } from "../base/issues.js";
import { UserFileError } from "../base/user-file.js";
import type { Fleet } from "../fleet/fleet.js";
import { CsvError, CsvReader } from "./csv.js";
import { type KindRule, type LogMapping, mappingColumns, type ParamRule } from "./mapping.js";
import { bindTemplate, TemplateError, type Value } from "./template.js";
import { TargetResolver } from "./targets.js";
import { formatUtc, parseEpoch, parseIsoTime } from "./time.js";

export interface FailureRecord {
  /** 1-based line of the CSV. */
  line: number;
  /** Epoch seconds, UTC. */
  timeSec: number;
  /** Fault model key: "disk", "host", "accelerator", ... */
  kind: string;
  /** Fleet host index; -1 when the target is not a host (a rack, a bus bar). */
  host: number;
  /** The fleet id the template produced (resolved: canonical zero padding). */
  target: string;
  /** Incident params, validated, defaults filled in (shared between equal records: do not modify). */
  params: Record<string, unknown>;
  /** The params as the mapping gave them, before defaults (what a timeline file needs to say). */
  given: Record<string, unknown>;
}

export interface SkipCount {
  reason: string;
  count: number;
  /** The first MAX_LINES lines. */
  lines: number[];
}

export interface FailureLog {
  file: string;
  /** In time order. */
  records: FailureRecord[];
  /** Data rows read (the header and blank lines not counted). */
  rows: number;
  skipped: SkipCount[];
  /** First and last record time, epoch seconds. */
  startSec: number;
  endSec: number;
  /** How times without zone were read. */
  zoneNote: string;
  /** Records per kind value (the value is "" when the mapping names one kind for the file). */
  mappedBy: { value: string; kind: string; count: number }[];
  /** The first MAX_SHOWN rejected rows, "file:line: what is wrong" (only with skipBad: else the read fails). */
  rejectedRows: string[];
  /** Rows whose time is earlier than a row above them; the records were sorted. */
  unordered?: { count: number; lines: number[] };
}

export interface ReadOptions {
  /** Most records kept; past it the read fails (default 2,000,000). */
  maxRecords?: number;
  /** Rejected rows after which reading stops (default 1,000). */
  maxRejected?: number;
  /** Count rejected rows as skipped (by reason) instead of failing. */
  skipBad?: boolean;
  /** Rows before this time (epoch seconds) are skipped. */
  startSec?: number;
  /** How messages name the file (default: `file` as given), e.g. the path the user typed. */
  name?: string;
}

export const DEFAULT_MAX_RECORDS = 2_000_000;
export const DEFAULT_MAX_REJECTED = 1_000;
/** Error rows printed before the count of the rest. */
export const MAX_SHOWN = 20;
/** Line numbers kept per reason. */
export const MAX_LINES = 10;

/** A log that cannot be read as asked: the CLI prints the message as is and exits 2. */
export class LogError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = "LogError";
  }
}

class Tally {
  readonly byReason = new Map<string, SkipCount>();
  add(reason: string, line: number): void {
    let s = this.byReason.get(reason);
    if (!s) this.byReason.set(reason, (s = { reason, count: 0, lines: [] }));
    s.count++;
    if (s.lines.length < MAX_LINES) s.lines.push(line);
  }
  list(): SkipCount[] {
    return [...this.byReason.values()];
  }
}

/** "3 rows (lines 4, 9, 12)" */
export function countWithLines(s: { count: number; lines: number[] }, noun = "row"): string {
  const more = s.count > s.lines.length ? ", ..." : "";
  return `${s.count} ${noun}${s.count === 1 ? "" : "s"} (line${s.lines.length === 1 ? "" : "s"} ${s.lines.join(", ")}${more})`;
}

interface BoundKind {
  kind: string;
  value: string;
  params: [string, ParamRule, ((cells: readonly string[]) => Value) | undefined][];
  count: number;
}

/** Column name -> cell index, or a LogError naming every unknown column where the map writes it. */
function headerIndex(file: string, header: string[], mapping: LogMapping): (name: string) => number {
  const at = new Map<string, number>();
  header.forEach((h, i) => {
    if (!at.has(h)) at.set(h, i);
  });
  const issues: Issue[] = [];
  const named = header.filter((h) => h !== "");
  for (const c of mappingColumns(mapping)) {
    if (!at.has(c.name)) {
      const guess = columnGuess(c.name, named);
      const hint = `${guess ? `did you mean "${guess}"? ` : ""}the columns are ${named.map((h) => `"${h}"`).join(", ")}`;
      issues.push({
        code: "unknown_name",
        path: c.where.path,
        line: c.where.line,
        column: c.where.column,
        message: `no column "${c.name}" in ${file}'s header (line 1)`,
        hint,
      });
    } else if (header.indexOf(c.name) !== header.lastIndexOf(c.name)) {
      issues.push({
        code: "invalid_value",
        path: c.where.path,
        line: c.where.line,
        column: c.where.column,
        message: `${file}'s header names "${c.name}" twice`,
      });
    }
  }
  if (issues.length) {
    const first = issues.length === 1 ? "" : `${issues.length} columns of the mapping are not in the log:\n`;
    throw new LogError(`${first}${issues.map((i) => formatIssue(mapping.file, i)).join("\n")}`);
  }
  return (name) => at.get(name)!;
}

/** The header column a mapping's unknown name most likely means (case, spaces and _ - ignored). */
function columnGuess(name: string, header: string[]): string | undefined {
  const plain = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, "");
  const guess = didYouMean(plain(name), header.map(plain));
  return guess === undefined ? didYouMean(name, header) : header.find((h) => plain(h) === guess);
}

function bindKind(rule: KindRule, value: string, mapping: LogMapping, index: (name: string) => number): BoundKind {
  const merged = { ...mapping.params, ...rule.params };
  return {
    kind: rule.kind,
    value,
    count: 0,
    params: Object.entries(merged).map(([name, p]) => [name, p, "template" in p ? bindTemplate(p.template.template, index) : undefined]),
  };
}

export function readFailureLog(file: string, mapping: LogMapping, fleet: Fleet, opts: ReadOptions = {}): FailureLog {
  const maxRecords = opts.maxRecords ?? DEFAULT_MAX_RECORDS;
  const maxRejected = opts.maxRejected ?? DEFAULT_MAX_REJECTED;
  let reader: CsvReader;
  try {
    reader = new CsvReader(file);
  } catch (e) {
    if (e instanceof UserFileError) throw new LogError(`cannot read ${opts.name ?? file}: ${e.message}`);
    throw e;
  }
  const name = opts.name ?? file;
  try {
    return readRows(reader, name, mapping, fleet, { ...opts, maxRecords, maxRejected });
  } catch (e) {
    if (e instanceof CsvError) throw new LogError(`${name}:${e.line}: ${e.message}`);
    throw e;
  } finally {
    reader.close();
  }
}

function readRows(
  reader: CsvReader,
  file: string,
  mapping: LogMapping,
  fleet: Fleet,
  opts: ReadOptions & { maxRecords: number; maxRejected: number },
): FailureLog {
  const head = reader.next();
  if (!head) throw new LogError(`${file} is empty: expected a header line naming the columns, then one row per failure`);
  if ("error" in head) throw new LogError(`${file}:${head.line}: the header cannot be read: ${head.error}`);
  const header = head.cells;
  const index = headerIndex(file, header, mapping);
  const timeAt = index(mapping.time.column);
  const target = bindTemplate(mapping.target.template, index);
  const kinds = new Map<string, BoundKind>();
  let only: BoundKind | undefined;
  let kindAt = -1;
  let skipValues = new Set<string>();
  const listed = "values" in mapping.kind ? [...mapping.kind.values.keys()] : [];
  if ("rule" in mapping.kind) only = bindKind(mapping.kind.rule, "", mapping, index);
  else {
    kindAt = index(mapping.kind.column);
    skipValues = mapping.kind.skip;
    for (const [value, rule] of mapping.kind.values) kinds.set(value, bindKind(rule, value, mapping, index));
  }
  const kindColumn = "column" in mapping.kind ? mapping.kind.column : "";
  const resolver = new TargetResolver(fleet);
  const records: FailureRecord[] = [];
  const skipped = new Tally();
  const rejected = new Tally();
  const shown: string[] = [];
  let rejectedRows = 0;
  let rows = 0;
  let unzoned = 0;
  let lastSec = -Infinity;
  const unordered = { count: 0, lines: [] as number[] };
  const used = (cells: readonly string[]) => mapping.target.columns.map((c) => `${c.name}=${cells[index(c.name)] ?? ""}`).join(", ");

  const reject = (line: number, reason: string, message: string) => {
    rejectedRows++;
    rejected.add(reason, line);
    if (shown.length < MAX_SHOWN) shown.push(`${file}:${line}: ${message}`);
  };

  for (let row = reader.next(); row; row = reader.next()) {
    rows++;
    const line = row.line;
    if ("error" in row) reject(line, "cells cannot be split", `${row.error}${row.hint ? ` (${row.hint})` : ""}`);
    else if (row.cells.length !== header.length) {
      reject(line, "wrong number of cells", `${row.cells.length} cells, but the header (line ${head.line}) names ${header.length} columns`);
    } else {
      const cells = row.cells;
      const timeText = cells[timeAt];
      const t = mapping.time.format === "iso" ? parseIsoTime(timeText, mapping.time.zone) : parseEpoch(timeText, mapping.time.format === "epoch" ? "s" : "ms");
      const value = kindAt >= 0 ? cells[kindAt] : "";
      const bound = only ?? kinds.get(value);
      if (!bound && skipValues.has(value)) {
        skipped.add(`${kindColumn} "${value}" (kind.skip)`, line);
      } else if ("error" in t) {
        reject(line, "unparseable time", `${mapping.time.column} "${timeText}": ${t.error}`);
      } else if (!bound) {
        const guess = didYouMean(value, listed);
        reject(
          line,
          `${kindColumn} value not listed`,
          `${kindColumn} "${value}" is not listed under kind.values (${listed.map((v) => `"${v}"`).join(", ")})${guess ? `: did you mean "${guess}"?` : "; add it to values or to skip"}`,
        );
      } else if (opts.startSec !== undefined && t.sec < opts.startSec) {
        skipped.add(`before --start ${formatUtc(opts.startSec)}`, line);
      } else {
        const r = mapRow(cells, bound, t.sec, line);
        if ("reason" in r) reject(line, r.reason, r.message);
        else {
          if ("zoned" in t && !t.zoned) unzoned++;
          if (t.sec < lastSec) {
            unordered.count++;
            if (unordered.lines.length < MAX_LINES) unordered.lines.push(line);
          } else lastSec = t.sec;
          bound.count++;
          records.push(r);
          if (records.length > opts.maxRecords) {
            throw new LogError(
              `${file}:${line}: more than ${opts.maxRecords} failures mapped; fleet reads at most that many in one go (--max-records raises it; each takes ~200 bytes of memory), or split the log by time`,
            );
          }
        }
      }
    }
    if (rejectedRows >= opts.maxRejected && !opts.skipBad) {
      throw new LogError(
        rejectedMessage(
          file,
          shown,
          rejected,
          rejectedRows,
          `stopped reading at line ${line} after ${rejectedRows} rejected rows: is the mapping right for this file?`,
        ),
      );
    }
  }
  if (rows === 0) throw new LogError(`${file}:${head.line}: a header and no rows: expected one row per failure after the header`);
  if (rejectedRows > 0 && !opts.skipBad) throw new LogError(rejectedMessage(file, shown, rejected, rejectedRows));
  const skippedAll = [...skipped.list(), ...rejected.list().map((s) => ({ ...s, reason: `rejected: ${s.reason}` }))];
  if (records.length === 0) {
    const why = skippedAll.map((s) => `${s.reason}: ${countWithLines(s)}`).join("; ");
    throw new LogError(`${file}: none of its ${rows} rows maps to a fault (${why})`);
  }
  if (unordered.count) records.sort((a, b) => a.timeSec - b.timeSec);
  return {
    file,
    records,
    rows,
    skipped: skippedAll,
    startSec: records[0].timeSec,
    endSec: records[records.length - 1].timeSec,
    zoneNote: zoneNote(mapping, unzoned),
    rejectedRows: shown,
    mappedBy: [...(only ? [only] : kinds.values())].filter((k) => k.count > 0).map((k) => ({ value: k.value, kind: k.kind, count: k.count })),
    ...(unordered.count ? { unordered } : {}),
  };

  function mapRow(cells: readonly string[], bound: BoundKind, timeSec: number, line: number): FailureRecord | { reason: string; message: string } {
    let id: Value = "";
    const given: Record<string, unknown> = {};
    let field = "target";
    try {
      id = target(cells);
      for (const [name, p, f] of bound.params) {
        field = `params.${name}`;
        given[name] = f ? f(cells) : (p as { value: unknown }).value;
      }
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      return { reason: "template does not apply", message: `${field}: ${e.message}` };
    }
    const where = resolver.resolve(String(id), bound.kind);
    if ("error" in where) {
      const nearest = where.hint ? `; ${where.hint.replace(/^did you mean (.*)\?$/, "the nearest is $1")}` : "";
      return { reason: "location outside the fleet", message: `${where.error} (from ${used(cells)})${nearest}` };
    }
    const checked = resolver.checkParams(bound.kind, given, where.ref);
    if ("error" in checked) return { reason: "bad parameter", message: checked.error };
    return {
      line,
      timeSec,
      kind: bound.kind,
      host: where.ref.kind === "host" ? where.ref.index : -1,
      target: where.id,
      params: checked.params,
      given: checked.given,
    };
  }
}

function rejectedMessage(file: string, shown: string[], rejected: Tally, count: number, stop?: string): string {
  const lines = [...shown];
  if (count > shown.length) lines.push(`... and ${count - shown.length} more`);
  lines.push(`${count} row${count === 1 ? "" : "s"} of ${file} rejected:`);
  for (const s of rejected.list()) lines.push(`  ${s.reason}: ${countWithLines(s)}`);
  lines.push(stop ?? "fix the rows or the mapping, or pass --skip-bad to count them as skipped and go on");
  return lines.join("\n");
}

function zoneNote(m: LogMapping, unzoned: number): string {
  if (m.time.format !== "iso") return `times are ${m.time.format === "epoch" ? "seconds" : "milliseconds"} since 1970 (UTC)`;
  if (unzoned === 0) return "every time carried its own zone";
  const how = m.time.zoneGiven ? `${m.time.zone.name} (time.zone in the map)` : "UTC (the map gives no time.zone)";
  return `${unzoned} time${unzoned === 1 ? "" : "s"} without a zone read in ${how}`;
}
