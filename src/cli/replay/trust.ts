// What `fleet replay` says about a journal it cannot take at face value: damaged lines,
// a missing footer, records edited after the run; shared by every mode.
import type { Io } from "../../base/io.js";
import { formatTime } from "../../base/units.js";
import type { JournalSummary } from "../../journal/index.js";
import type { Assessment } from "../../replay/trust.js";

/** The output formats of the modes other than the viewer. */
export type ReporterName = "text" | "json";

/** Why a journal without a footer is not read as a record of the run, and how to read it anyway. */
export function refusal(name: string, read: JournalSummary, a: Assessment): string {
  const good = read.validPrefixLines;
  const where = good > 0 ? `its last good line is ${good} (at ${formatTime(read.lastRecordAt)} simulated)` : "it holds no complete line";
  return `${name}:${Math.max(good, 1)}: ${a.truncation}; ${where}. fleet replay reads it only as a prefix of the run: pass --prefix to read the valid prefix`;
}

const MAX_ISSUES_SHOWN = 20;

export function printDamage(io: Io, name: string, read: JournalSummary, a: Assessment): void {
  // The reader keeps the first MAX_KEPT_ISSUES issues and counts the rest.
  const unkept = read.issueCount - read.issues.length;
  for (const i of a.damage.slice(0, MAX_ISSUES_SHOWN)) io.err(`${name}:${i.line}: ${i.reason}\n`);
  const more = Math.max(0, a.damage.length - MAX_ISSUES_SHOWN) + unkept;
  if (more > 0) io.err(`... and ${more.toLocaleString("en-US")} more\n`);
  const first = a.damage[0].line;
  const bad = new Set(a.damage.map((i) => i.line)).size + read.unkeptBadLines;
  const good = read.validPrefixLines;
  const intact = good === 0 ? "no line before it is intact" : good === 1 ? "line 1 is intact" : `lines 1-${good} are intact`;
  io.err(`${name}: damaged from line ${first} (${bad} bad line${bad === 1 ? "" : "s"}; ${intact}): the journal cannot be trusted as a record of the run\n`);
}

export const EDITED = (name: string, read: JournalSummary) =>
  `${name}:${read.lines}: the records do not match the footer's digest: the journal was changed after the run (every line's CRC holds, so by someone who recomputed them)`;

/** JSON has no NaN or Infinity: write them as null (a missing value), as the journal does. */
export function jsonNumbers(_key: string, v: unknown): unknown {
  return typeof v === "number" && !Number.isFinite(v) ? null : v;
}
