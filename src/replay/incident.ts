// Importing a real incident: `fleet replay --import incident.jsonl|csv --scenario x.yaml`
// runs the scenario's fleet, workloads, policies and SLOs with its `faults:` replaced by
// exactly the incident's timeline, and nothing else: no random faults.
//
// The incident file is read and checked by the scenario's own timeline support
// (src/faults/timeline.ts: formats, parameters, targets against the fleet), so a bad line
// is an error naming the incident file and its line. The faults it holds are then
// written into the scenario text itself, one `- at:` entry each (times in seconds,
// parameters as validated, defaults filled in), so the journal of the run carries the
// whole incident and can be verified and replayed without the incident file. Should an
// entry not survive that round trip, the run keeps the `- timeline:` entry instead (with
// the file's absolute path) and says so.
//
// Duration: the scenario's own, unless the incident ends later, then extended to the end
// of its last fault (its time plus its repair, replacement or episode duration), rounded
// up to the hour. `--duration` overrides both.
import { FAULT_MODELS } from "../faults/registry.js";
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import type { ScheduledFault } from "../faults/timeline/entry.js";
import { MAX_TIMELINE_BYTES } from "../faults/timeline/file.js";
import { scheduledFaults } from "../faults/timeline/targets.js";
import { type Issue } from "../base/issues.js";
import { readUserFile } from "../base/user-file.js";
import { loadScenarioFile, loadScenarioText, type Limits, type Scenario } from "../scenario/load.js";
import { formatIssues } from "../base/issues.js";
import { withSection } from "./scenario-edit.js";

export interface ImportedIncident {
  scenario: Scenario;
  faults: ScheduledFault[];
  /** The incident's faults are inline in the scenario text (else a timeline entry with an absolute path). */
  inline: boolean;
  /** sha256 of the incident file's bytes, recorded in the journal header. */
  incidentSha256: string;
  /** Simulated seconds at which the last fault of the incident is over. */
  endSec: number;
  notes: string[];
}

export type Imported = { ok: true; value: ImportedIncident } | { ok: false; message: string };

const HOUR = 3600;

/**
 * When one scheduled fault is over: at + the length its kind's `episode` parameter gives
 * (repair, duration, replace: src/faults/kind.ts); at itself for a kind without one.
 */
export function incidentEndSec(f: ScheduledFault): number {
  const decl = FAULT_MODELS[f.kind]?.incident?.kindOf(f.params);
  const length = decl?.episode === undefined ? undefined : f.params[decl.episode];
  return f.atSec + (typeof length === "number" ? length : 0);
}

/** The run's duration: `scenarioSec`, extended to cover `endSec` (rounded up to the hour). */
export function coveringDuration(scenarioSec: number, endSec: number): { durationSec: number; extended: boolean } {
  if (endSec <= scenarioSec) return { durationSec: scenarioSec, extended: false };
  return { durationSec: Math.ceil(endSec / HOUR) * HOUR, extended: true };
}

function issueLines(issues: Issue[], abs: string, shown: string): string {
  // Timeline issues name the file as the scenario entry wrote it (here: its absolute
  // path) and its line; show the file as the user named it, without the edited
  // scenario's positions.
  return issues
    .map((i) => {
      const msg = i.message.startsWith(`${abs}:`) ? `${shown}${i.message.slice(abs.length)}` : `${shown}: ${i.message}`;
      return `${msg}${i.hint ? ` (${i.hint})` : ""}`;
    })
    .join("\n");
}

/** One scheduled fault as a scenario entry: `{ at: 108000, busbar: dc1/row07/busbar-a, repair: 28800 }`. */
function entryOf(f: ScheduledFault): Record<string, unknown> {
  const e: Record<string, unknown> = { at: f.atSec, [f.kind]: f.target };
  for (const [k, v] of Object.entries(f.params)) if (v !== undefined) e[k] = v;
  return e;
}

export function importIncident(scenarioFile: string, incidentFile: string, cwd: string, limits: Partial<Limits> = {}): Imported {
  const scenarioAbs = resolve(cwd, scenarioFile);
  const base = loadScenarioFile(scenarioAbs, { limits });
  if (!base.ok) return { ok: false, message: formatIssues(scenarioFile, base.issues) };
  if (!/\.(jsonl|csv)$/.test(incidentFile))
    return { ok: false, message: `--import ${incidentFile}: expected a .jsonl or .csv incident timeline (at, kind, target per line)` };
  const incidentAbs = resolve(cwd, incidentFile);
  const read = readUserFile(incidentAbs, MAX_TIMELINE_BYTES, "an incident timeline");
  if (!read.ok) return { ok: false, message: `cannot read incident ${incidentFile}: ${read.error.message}` };
  const incidentSha256 = createHash("sha256").update(read.bytes).digest("hex");

  const comment = ` faults: imported from ${incidentFile} (sha256 ${incidentSha256.slice(0, 16)}), nothing else`;
  const viaFile = withSection(base.value.source.text, "faults", [{ timeline: incidentAbs }], comment);
  // The incident was named on the command line: the scenario may read it wherever it is.
  const checked = loadScenarioText(viaFile, scenarioAbs, { limits, trustedFiles: [incidentAbs] });
  if (!checked.ok)
    return {
      ok: false,
      message: `${issueLines(checked.issues, incidentAbs, incidentFile)}\n${checked.issues.length} error${checked.issues.length === 1 ? "" : "s"} in ${incidentFile}`,
    };
  const faults = scheduledFaults(checked.value);
  if (faults.length === 0) return { ok: false, message: `${incidentFile}: the incident holds no faults (every line is blank or a # comment)` };

  const notes: string[] = [];
  let scenario = checked.value;
  let inline = false;
  const inlineText = withSection(base.value.source.text, "faults", faults.map(entryOf), comment);
  const again = loadScenarioText(inlineText, scenarioAbs, { limits });
  if (again.ok && JSON.stringify(scheduledFaults(again.value).map(strip)) === JSON.stringify(faults.map(strip))) {
    scenario = again.value;
    inline = true;
  } else {
    notes.push(
      `the incident's faults could not be written into the scenario text; the journal names ${incidentAbs} instead, so keep that file to verify the run later`,
    );
  }
  const endSec = Math.max(...faults.map(incidentEndSec));
  return { ok: true, value: { scenario, faults, inline, incidentSha256, endSec, notes } };
}

/** A scheduled fault without where it was written (which differs between file and inline). */
function strip(f: ScheduledFault): unknown {
  return { atSec: f.atSec, kind: f.kind, target: f.target, params: f.params };
}
