// A journal at a glance, from its records alone (nothing is re-run): what run it was
// (scenario, seed, duration, fleet version), how many records of each type and faults of
// each kind it holds, the correlated faults in time order (bursts, bus bars, PDUs,
// utility feeds, racks, links: everything that hits more than one host), and the
// footer's verdicts. The `fleet replay JOURNAL` text output when stdout is not a terminal.
import { FAULT_KINDS } from "../faults/registry.js";
import type { EventRecord, JournalReadResult } from "../journal/index.js";
import { formatPolicySloTable, type Verdict } from "../slo/slo.js";
import { formatDuration, formatTime } from "../base/units.js";
import { table } from "../report/table.js";
import type { Assessment } from "./trust.js";

export interface CorrelatedFault {
  /** 1-based line in the journal; null in a damaged journal (bad lines make the count unsure). */
  line: number | null;
  at: number;
  kind: string;
  /** What was hit ("fleet" for a burst, which has no single target). */
  target: string;
  /** Seconds until repaired or over; null when the record does not say. */
  durationSec: number | null;
  hosts: number | null;
}

export interface JournalOverview {
  scenario: string;
  seed: number | string;
  durationSec: number | null;
  fleetVersion: string;
  file: string | null;
  lines: number;
  status: "complete" | "interrupted" | "failed" | "no footer";
  /** Simulated seconds of the last record (the footer's when there is one). */
  reachedSec: number;
  recordsByType: Record<string, number>;
  faultsByKind: Record<string, number>;
  correlated: CorrelatedFault[];
  verdicts: Verdict[] | null;
  digest: string | null;
  trust: Assessment["trust"];
}

/** The fault kinds that hit a whole failure domain at once (declared `correlated` in their model's file). */
export const CORRELATED_KINDS: ReadonlySet<string> = FAULT_KINDS.namesWhere((k) => k.correlated);

/** A fault record of a correlated kind (not an aggregated count). */
export function isCorrelated(r: EventRecord): boolean {
  return r.t === "fault" && CORRELATED_KINDS.has(String(r.kind)) && r.aggregated !== true;
}

function durationOf(r: EventRecord): number | null {
  if (typeof r.repair === "number") return r.repair;
  if (typeof r.until === "number") return r.until - r.at;
  if (typeof r.duration === "number") return r.duration;
  return null;
}

export function overview(read: JournalReadResult, trust: Assessment["trust"]): JournalOverview {
  const h = read.header;
  const recordsByType: Record<string, number> = {};
  const faultsByKind: Record<string, number> = {};
  const correlated: CorrelatedFault[] = [];
  read.records.forEach((r, i) => {
    recordsByType[r.t] = (recordsByType[r.t] ?? 0) + 1;
    if (r.t !== "fault") return;
    const kind = String(r.kind);
    faultsByKind[kind] = (faultsByKind[kind] ?? 0) + 1;
    if (isCorrelated(r)) {
      correlated.push({
        line: trust === "damaged" ? null : i + 2,
        at: r.at,
        kind,
        target: typeof r.target === "string" ? r.target : "fleet",
        durationSec: durationOf(r),
        hosts: typeof r.hosts === "number" ? r.hosts : null,
      });
    }
  });
  const f = read.footer;
  const verdicts = Array.isArray(f?.verdicts)
    ? (f.verdicts as unknown as Verdict[]).map((v) => ({ ...v, value: typeof v.value === "number" ? v.value : NaN }))
    : null;
  const d = h?.options?.durationSec;
  const file = h?.options?.file;
  return {
    scenario: h?.scenario ?? "?",
    seed: h?.seed ?? "?",
    durationSec: typeof d === "number" ? d : null,
    fleetVersion: h?.fleetVersion ?? "?",
    file: typeof file === "string" ? file : null,
    lines: read.lines,
    status: f ? f.status : "no footer",
    reachedSec: f ? f.at : (read.records.at(-1)?.at ?? 0),
    recordsByType,
    faultsByKind,
    correlated,
    verdicts,
    digest: f?.digest ?? null,
    trust,
  };
}

const n = (x: number) => x.toLocaleString("en-US");

/** Most correlated faults listed in text (the JSON output lists them all). */
export const TEXT_CORRELATED_MAX = 50;

export function formatOverview(o: JournalOverview, name: string, opts: { unicode?: boolean } = {}): string {
  const out: string[] = [];
  const dur = o.durationSec === null ? "?" : formatDuration(o.durationSec);
  out.push(`journal ${name}: scenario=${o.scenario} seed=${o.seed} duration=${dur} fleet=${o.fleetVersion}${o.file ? ` file=${o.file}` : ""}`);
  const reached = o.durationSec !== null && o.status !== "complete" ? ` at ${formatTime(o.reachedSec)} of ${dur}` : "";
  out.push(`status: ${o.status}${reached}; ${n(o.lines)} lines${o.trust === "intact" ? ", every CRC and the digest check out" : ""}`);

  const types = Object.entries(o.recordsByType);
  out.push("", "records by type");
  out.push(
    types.length
      ? table(
          ["type", "count"],
          types.map(([t, c]) => [t, n(c)]),
        )
      : "  none",
  );

  const kinds = Object.entries(o.faultsByKind).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  out.push("", "faults by kind");
  out.push(
    kinds.length
      ? table(
          ["kind", "count"],
          kinds.map(([k, c]) => [k, n(c)]),
        )
      : "  none",
  );

  out.push("", `correlated faults (${n(o.correlated.length)}): bursts, power, racks, links`);
  if (o.correlated.length === 0) out.push("  none");
  else {
    const shown = o.correlated.slice(0, TEXT_CORRELATED_MAX);
    out.push(
      table(
        ["time", "kind", "target", "lasts", "hosts", "line"],
        shown.map((c) => [
          formatTime(c.at, true),
          c.kind,
          c.target,
          c.durationSec === null ? "-" : formatDuration(c.durationSec),
          c.hosts === null ? "-" : n(c.hosts),
          c.line === null ? "?" : String(c.line),
        ]),
        ["right", "left", "left", "right", "right", "right"],
      ),
    );
    if (o.correlated.length > shown.length) out.push(`  ... and ${n(o.correlated.length - shown.length)} more (--reporter json lists them all)`);
  }

  out.push("");
  if (o.verdicts === null) out.push(o.status === "no footer" ? "verdicts: none (no footer)" : "verdicts: none recorded");
  else if (o.verdicts.length === 0) out.push("verdicts: the scenario states no SLOs");
  else out.push("verdicts (from the footer)", formatPolicySloTable(o.verdicts, opts));
  if (o.digest) out.push("", `digest: ${o.digest}`);
  return `${out.join("\n")}\n`;
}
