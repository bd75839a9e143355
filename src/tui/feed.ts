// The live feed: faults, detections, recoveries and milestones as one line each, newest
// at the bottom, filtered by kind (`f`) or by a part of the fleet (a rack, a host, a row,
// a bus bar...), scrolled back with the arrows. The store keeps the newest `cap` entries,
// and the last correlated incident (a fault of a kind declared `correlated`: a burst, a bus
// bar, a PDU, a rack, a link cut...), which the dashboard pins at the top of the feed while
// it is out of view, dimmed once it is over, so a flood of upsets cannot scroll it away.
import { FAULT_KINDS } from "../faults/registry.js";
import { mapMark } from "./effects.js";
import type { Fleet } from "../fleet/fleet.js";
import type { FleetRef } from "../fleet/ref.js";
import { formatDuration } from "../base/units.js";
import { simClock, simTime } from "./format.js";
import { clipLine, padEnd, type Line, type Tone } from "./line.js";

export interface FeedEntry {
  t: string;
  at: number;
  fields: Record<string, unknown>;
  /** What happened: the fault kind, detection outcome, recovery action or milestone. */
  label: string;
  /** The part of the fleet it happened to, if it names one. */
  ref?: FleetRef;
}

export const FEED_TYPES = new Set(["fault", "detection", "recovery", "milestone"]);

export function labelOf(t: string, f: Record<string, unknown>): string {
  const v = f.kind ?? (t === "detection" ? f.outcome : t === "recovery" ? f.action : f.event) ?? t;
  return String(v);
}

/** The last correlated incident and when it ends (Infinity: never). */
export interface Incident {
  entry: FeedEntry;
  endSec: number;
}

export class FeedStore {
  entries: FeedEntry[] = [];
  /** Entries ever added (the store may have dropped the oldest). */
  total = 0;
  incident: Incident | undefined;
  private readonly kinds = new Map<string, number>();

  constructor(
    readonly fleet: Fleet,
    readonly cap = 10_000,
  ) {}

  add(t: string, at: number, fields: Record<string, unknown>): void {
    if (!FEED_TYPES.has(t)) return;
    const label = labelOf(t, fields);
    const id = typeof fields.target === "string" ? fields.target : typeof fields.host === "string" ? fields.host : undefined;
    const entry: FeedEntry = { t, at, fields, label, ref: id !== undefined ? this.fleet.resolve(id) : undefined };
    this.entries.push(entry);
    this.total++;
    this.kinds.set(label, (this.kinds.get(label) ?? 0) + 1);
    if (t === "fault" && fields.aggregated !== true && FAULT_KINDS.get(label)?.correlated) this.incident = { entry, endSec: endOf(at, fields) };
    if (this.entries.length > this.cap * 1.25) this.entries = this.entries.slice(this.entries.length - this.cap);
  }

  clear(): void {
    this.entries = [];
    this.total = 0;
    this.kinds.clear();
    this.incident = undefined;
  }

  /** Labels seen so far, sorted: what `f` cycles through. */
  kindsSeen(): string[] {
    return [...this.kinds.keys()].sort();
  }
}

/** When a fault ends: its `until` (null: never), else its start plus its repair or duration. */
function endOf(at: number, f: Record<string, unknown>): number {
  if (typeof f.until === "number") return f.until;
  if (f.until === null) return Infinity;
  const len = typeof f.repair === "number" ? f.repair : typeof f.duration === "number" ? f.duration : 0;
  return at + len;
}

export interface FeedFilter {
  kind?: string;
  /** Only entries touching these hosts (see refsOverlap). */
  ref?: FleetRef;
}

export function matches(fleet: Fleet, e: FeedEntry, filter: FeedFilter): boolean {
  if (filter.kind !== undefined && e.label !== filter.kind) return false;
  if (filter.ref !== undefined && (e.ref === undefined || !refsOverlap(fleet, e.ref, filter.ref))) return false;
  return true;
}

/** Whether two parts of the fleet share a host (a bus bar and a rack it feeds, a host and its row). */
export function refsOverlap(fleet: Fleet, a: FleetRef, b: FleetRef): boolean {
  const ranges: [number, number][] = [];
  fleet.forEachHostRange(b, (s, e) => ranges.push([s, e]));
  let hit = false;
  fleet.forEachHostRange(a, (s, e) => {
    if (!hit) for (const [bs, be] of ranges) if (s < be && bs < e) hit = true;
  });
  return hit;
}

/**
 * The `rows` entries to show, newest last, `offset` entries back from the newest (clamped),
 * and the clamped offset.
 */
export function feedWindow(entries: readonly FeedEntry[], rows: number, offset: number): { shown: FeedEntry[]; offset: number } {
  const max = Math.max(0, entries.length - rows);
  const o = Math.min(Math.max(0, offset), max);
  return { shown: entries.slice(Math.max(0, entries.length - rows - o), entries.length - o), offset: o };
}

const TYPE_WORD: Record<string, string> = { fault: "fault", detection: "detect", recovery: "recover", milestone: "mark" };

function toneOf(e: FeedEntry): Tone | undefined {
  const f = e.fields;
  if (e.t === "fault") {
    if (typeof f.repair === "number") return "down";
    const decl = FAULT_KINDS.get(e.label);
    return decl && mapMark(decl.effect) === "corrupt" ? "corrupt" : "errors";
  }
  if (e.t === "detection") return f.outcome === "silent" ? "corrupt" : "errors";
  if (e.t === "recovery") return "ok";
  return "dim";
}

const SKIP = new Set(["kind", "target", "host", "policy", "outcome", "action", "event", "crc", "t", "at"]);

/** The words after the target: a phrase for the common records, key=value for the rest. */
export function details(e: FeedEntry): string {
  const f = e.fields;
  const dur = (s: unknown) => (typeof s === "number" && Number.isFinite(s) ? formatDuration(s) : "?");
  if (e.t === "fault" && typeof f.repair === "number") return `${f.hosts ?? "?"} hosts down, back in ${dur(f.repair)}`;
  if (e.label === "cosmic.burst") return `from ${f.direction}° ±${Number(f.width) / 2}°, ${f.racks} racks, x${f.gain} for ${dur(f.duration)}`;
  if (e.t === "detection" && typeof f.code === "string") {
    const bits = Array.isArray(f.bits) ? `${f.bits.length}-bit ` : "";
    return `${bits}${f.source ?? "error"} ${f.outcome === "silent" ? "missed" : "caught"} by ${f.code}${typeof f.repair === "number" ? `, reboot ${dur(f.repair)}` : ""}`;
  }
  if (e.t === "detection" && f.outcome === "scrubbed") {
    const hosts = typeof f.hosts === "number" && f.hosts > 1 ? ` on ${f.hosts} hosts` : "";
    return `patrol scrub cleared ${f.count ?? "?"} latent errors${hosts} (last hour)`;
  }
  if (e.t === "recovery" && f.action === "skip-checkpoint" && typeof f.restoredFrom === "number") {
    return `${f.job}: checkpoint at ${simClock(Number(f.corrupted))} failed its CRC, restoring the one at ${simClock(f.restoredFrom)}`;
  }
  if (e.t === "recovery" && f.action === "restart" && typeof f.restoredFrom === "number") {
    return `${f.job}: from checkpoint at ${simClock(f.restoredFrom)}${typeof f.lostSec === "number" ? `, lost ${dur(f.lostSec)}` : ""}${f.cause ? ` (${f.cause})` : ""}`;
  }
  const parts: string[] = [];
  for (const [k, v] of Object.entries(f)) {
    if (SKIP.has(k) || v === null || typeof v === "object") continue;
    if (k === "until" && typeof v === "number") parts.push(`until ${simClock(v)}`);
    else parts.push(`${k}=${typeof v === "number" && !Number.isInteger(v) ? String(Number(v.toPrecision(4))) : String(v)}`);
  }
  return parts.join(" ");
}

/** One feed line: clock, type, label, target, [policy], details; cut to `width`. */
export function feedLine(e: FeedEntry, width: number): Line {
  const f = e.fields;
  const where = typeof f.target === "string" ? f.target : typeof f.host === "string" ? f.host : typeof f.job === "string" && e.t !== "recovery" ? f.job : "";
  const policy = typeof f.policy === "string" ? `[${f.policy}] ` : "";
  const line: Line = [
    { text: `${simTime(e.at).padStart(8)} ` },
    { text: padEnd(TYPE_WORD[e.t] ?? e.t, 8), tone: toneOf(e) },
    { text: padEnd(e.label, 18) },
    { text: `${where ? `${where} ` : ""}${policy}`, tone: "dim" },
    { text: details(e) },
  ];
  return clipLine(line, width);
}

/** The pinned incident: "▲" and its feed line; all dim once it is over at `now`. */
export function pinnedLine(incident: Incident, now: number, width: number): Line {
  const over = now >= incident.endSec;
  const line: Line = [{ text: "▲", tone: over ? "dim" : "warn" }, ...feedLine(incident.entry, width - 1)];
  return over ? line.map((s) => ({ text: s.text, tone: "dim" })) : line;
}
