// Failure records written as an incident timeline in the `.csv` format fleet reads
// (src/faults/timeline/entry.ts): `#` comment lines saying where it came from, the header
// `at,kind,target` and the parameter names the mapping gave, then one row per record in
// time order, `at` in seconds since the chosen start ("82993s"). An empty cell leaves a parameter at
// its default, exactly as a hand-written timeline. Written in chunks to OUT.partial and
// renamed at the end, so an interrupted import never leaves half a timeline under OUT.
import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import type { FailureRecord } from "./log.js";

/** Bytes buffered before a write. */
const FLUSH_BYTES = 1 << 20;

/** A cell as the timeline reader reads it back: quoted when it holds a comma, a quote or edge spaces. */
export function csvCell(v: unknown): string {
  if (v === undefined || v === null) return "";
  const s = typeof v === "number" ? String(+v.toFixed(6)) : String(v);
  return /[",\n\r]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The parameter columns: every name the records' `given` holds, in order of first use. */
export function paramColumns(records: readonly FailureRecord[]): string[] {
  const seen = new Set<string>();
  let last: Record<string, unknown> | undefined;
  for (const r of records) {
    if (r.given === last) continue;
    last = r.given;
    for (const k of Object.keys(r.given)) seen.add(k);
  }
  return [...seen];
}

/** Seconds since the start, as a duration the timeline reader takes: "82993s" (to the millisecond). */
export function atText(sec: number): string {
  return `${Math.round(sec * 1000) / 1000}s`;
}

/** One data line of the timeline for `r`. */
export function timelineRow(r: FailureRecord, startSec: number, params: readonly string[]): string {
  let line = `${atText(r.timeSec - startSec)},${csvCell(r.kind)},${csvCell(r.target)}`;
  for (const p of params) line += `,${csvCell(r.given[p])}`;
  return line;
}

/** Hands the timeline to `emit` in chunks of about FLUSH_BYTES. */
export function emitTimeline(records: readonly FailureRecord[], startSec: number, comments: readonly string[], emit: (chunk: string) => void): void {
  const params = paramColumns(records);
  let buf = "";
  for (const c of comments) buf += `# ${c}\n`;
  buf += `${["at", "kind", "target", ...params].join(",")}\n`;
  for (const r of records) {
    buf += `${timelineRow(r, startSec, params)}\n`;
    if (buf.length >= FLUSH_BYTES) {
      emit(buf);
      buf = "";
    }
  }
  emit(buf);
}

/** Writes the timeline to `out` (through OUT.partial) and returns its size in bytes. */
export function writeTimeline(out: string, records: readonly FailureRecord[], startSec: number, comments: readonly string[]): number {
  const partial = `${out}.partial`;
  const fd = openSync(partial, "w");
  let bytes = 0;
  try {
    emitTimeline(records, startSec, comments, (chunk) => {
      bytes += writeSync(fd, chunk);
    });
  } catch (e) {
    closeSync(fd);
    rmSync(partial, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(partial, out);
  return bytes;
}
