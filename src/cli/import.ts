// `fleet import LOG.csv --map MAP.yaml --scenario S.yaml [-o OUT.csv]`: a real failure log
// (src/field/log.ts) mapped onto a scenario's fleet and written as an incident timeline
// (src/field/timeline.ts) that `fleet replay --import` and `fleet chaos` (with
// `- timeline: OUT.csv` in `faults:`) run, journal and verify like any other.
//
// `at` 0 is --start, by default midnight UTC of the first failure's day. The summary says
// what was read, mapped and skipped (by reason, with the first lines), how times were
// read, the span, the start and the command that runs the result. Without -o the timeline
// goes to stdout and the summary to stderr.
import { realpathSync, statSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { UsageError } from "../base/errors.js";
import { EXIT, type Io } from "../base/io.js";
import { formatIssues, type Result } from "../base/issues.js";
import { formatDuration } from "../base/units.js";
import { readUserText } from "../base/user-file.js";
import { MAX_TIMELINE_BYTES } from "../faults/timeline/file.js";
import { countWithLines, type FailureLog, LogError, readFailureLog } from "../field/log.js";
import { loadLogMapping, type LogMapping } from "../field/mapping.js";
import { formatUtc, parseIsoTime } from "../field/time.js";
import { emitTimeline, writeTimeline } from "../field/timeline.js";
import type { ScheduledFault } from "../faults/timeline/entry.js";
import { buildFleet } from "../fleet/build.js";
import type { FleetSpec } from "../fleet/spec.js";
import { incidentEndSec } from "../replay/incident.js";
import { withSection } from "../replay/scenario-edit.js";
import { loadScenarioFile, loadScenarioText, MAX_SCENARIO_BYTES } from "../scenario/load.js";
import { flag, int, type OptionSpec, parse, str } from "./args.js";

const options: OptionSpec = {
  map: { type: "string" },
  scenario: { type: "string" },
  out: { type: "string", short: "o" },
  start: { type: "string" },
  "skip-bad": { type: "boolean" },
  "max-records": { type: "string" },
  force: { type: "boolean" },
};

export const importUsage = `fleet import LOG.csv --map MAP.yaml --scenario SCENARIO [-o OUT.csv] [options]

Reads a failure log (tickets, RMA records, a monitoring export: CSV with a
header line), maps each row to a fault on the scenario's fleet with the mapping
file, and writes an incident timeline (at, kind, target and the kind's
parameters; at in seconds since the start). Run it with
  fleet replay --import OUT.csv --scenario SCENARIO
or list it in a scenario's faults: as - timeline: OUT.csv. Prints what was
read, mapped and skipped (by reason, with the first line numbers), how times
were read, the span and the start.

The mapping (examples/field/campaign.map.yaml is a worked one):
  # ISO 8601; zone for times without one (offset or IANA name; default UTC);
  # or format: epoch | epoch-ms
  time: { column: Timestamp, zone: "+00:00" }
  # or kind: disk for the whole file
  kind:
    column: Action
    values:
      replacement: disk
      cycle: { kind: disk, params: { replace: 1h } }
    skip: [test]
  target: "dc1/row01/rack{Rack id:02}/host{(Server - 1) % 3 * 2 + Enclosure:02}"
  # the kind's incident parameters
  params: { index: "{Slot - 1}" }
Templates: {expr} with column names, whole numbers, + - * // % and parentheses;
{expr:02} zero-pads; a name with other characters in backquotes. Ids resolve
without zero padding too (rack7 is rack07).

Options:
  --map FILE          the mapping file (required)
  --scenario FILE     the scenario whose fleet the log's locations are on
                      (required)
  -o, --out FILE      write the timeline here (default: stdout; the summary then
                      goes to stderr)
  --start TIME        ISO time that is at 0 (default: midnight UTC of the first
                      failure's day); a time without zone is read like the
                      log's; earlier rows are skipped
  --skip-bad          count rejected rows (bad time, unknown value, outside the
                      fleet, ...) as skipped instead of failing
  --max-records N     most failures read (default 2,000,000)
  --force             overwrite OUT

Exit codes: 0 written, 2 bad input (the file and line, and what to fix), 3 fleet
failed.

Examples:
  fleet import examples/field/lanl-campaign-disk-failures.csv \\
    --map examples/field/campaign.map.yaml \\
    --scenario examples/field/campaign.yaml -o campaign.csv
  fleet replay --import campaign.csv --scenario examples/field/campaign.yaml`;

function startOf(p: ReturnType<typeof parse>, mapping: LogMapping): number | undefined {
  const s = str(p, "start");
  if (s === undefined) return undefined;
  const t = parseIsoTime(s, mapping.time.zone);
  if ("error" in t) throw new UsageError(`--start "${s}": ${t.error}`);
  return t.sec;
}

/** Refuses to write over a folder, over the log, or over a file without --force. */
function checkOut(out: string, log: string, force: boolean, shown: string): void {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(out);
  } catch {
    return;
  }
  if (st.isDirectory()) throw new UsageError(`-o ${shown} is a folder`);
  let same = false;
  try {
    same = realpathSync(out) === realpathSync(log);
  } catch {}
  if (same) throw new UsageError(`-o ${shown} is the log itself`);
  if (!force) throw new UsageError(`${shown} exists; pass --force to overwrite it`);
}

/**
 * The scenario, for its fleet. Its own `faults:` do not matter here, so a scenario whose
 * faults do not load (say its `- timeline:` is the very file being regenerated) is read
 * without them, and a note says so; any other problem is reported at its line.
 */
export function scenarioFleet(file: string): Result<{ fleet: FleetSpec; durationSec: number; note?: string }> {
  const r = loadScenarioFile(file);
  if (r.ok) return { ok: true, value: { fleet: r.value.fleet, durationSec: r.value.durationSec } };
  if (!r.issues.every((i) => i.path[0] === "faults")) return r;
  // Read again as the loader read it (a regular file, bounded): the file may have changed.
  const read = readUserText(file, MAX_SCENARIO_BYTES, "a scenario file");
  if (!read.ok) return r;
  const again = loadScenarioText(withSection(read.text, "faults", []), file);
  if (!again.ok) return r;
  const first = r.issues[0];
  const where = first.line !== undefined ? `line ${first.line}: ` : "";
  const note = `its faults: do not load (${where}${first.message}); import needs only its fleet, so it goes on`;
  return { ok: true, value: { fleet: again.value.fleet, durationSec: again.value.durationSec, note } };
}

/** A log command's mapping and the scenario's fleet (fleet import, fleet fit); the exit code, with the issues printed, when either is bad. */
export function loadLogInputs(
  mapArg: string,
  scenarioArg: string,
  io: Io,
  at: (f: string) => string,
): { mapping: { ok: true; value: LogMapping }; scenario: { ok: true; value: { fleet: FleetSpec; durationSec: number; note?: string } } } | number {
  const mapping = loadLogMapping(at(mapArg));
  if (!mapping.ok) {
    io.err(`${formatIssues(mapArg, mapping.issues)}\n`);
    return EXIT.usage;
  }
  mapping.value.file = mapArg;
  const scenario = scenarioFleet(at(scenarioArg));
  if (!scenario.ok) {
    io.err(`${formatIssues(scenarioArg, scenario.issues)}\n`);
    return EXIT.usage;
  }
  return { mapping, scenario };
}

export async function importCommand(argv: string[], io: Io): Promise<number> {
  const p = parse("import", argv, options);
  if (p.positionals.length !== 1)
    throw new UsageError(`import reads one log file, found ${p.positionals.length}${p.positionals.length ? `: ${p.positionals.join(" ")}` : ""}`);
  const logArg = p.positionals[0];
  const mapArg = str(p, "map");
  const scenarioArg = str(p, "scenario");
  if (mapArg === undefined) throw new UsageError("import needs --map FILE: which columns hold the time, the kind and the location");
  if (scenarioArg === undefined) throw new UsageError("import needs --scenario FILE: the fleet the log's locations are on");
  const outArg = str(p, "out");
  const maxRecords = int(p, "max-records", { min: 1 });
  const at = (f: string) => resolve(io.cwd, f);
  if (outArg !== undefined) checkOut(at(outArg), at(logArg), flag(p, "force"), outArg);

  const inputs = loadLogInputs(mapArg, scenarioArg, io, at);
  if (typeof inputs === "number") return inputs;
  const { mapping, scenario } = inputs;
  const start = startOf(p, mapping.value);
  let log: FailureLog;
  try {
    log = readFailureLog(at(logArg), mapping.value, buildFleet(scenario.value.fleet), {
      maxRecords,
      skipBad: flag(p, "skip-bad"),
      startSec: start,
      name: logArg,
    });
  } catch (e) {
    if (!(e instanceof LogError)) throw e;
    io.err(`${e.message}\n`);
    return EXIT.usage;
  }
  const startSec = start ?? Math.floor(log.startSec / 86400) * 86400;
  const comments = [
    `fleet import ${logArg} --map ${mapArg} --scenario ${scenarioArg}${start !== undefined ? ` --start ${formatUtc(start)}` : ""}${flag(p, "skip-bad") ? " --skip-bad" : ""}`,
    `${log.records.length} faults from ${log.rows} rows; at = seconds since ${formatUtc(startSec)}; ${log.zoneNote}`,
  ];
  let bytes = 0;
  if (outArg !== undefined) bytes = writeTimeline(at(outArg), log.records, startSec, comments);
  else
    emitTimeline(log.records, startSec, comments, (chunk) => {
      bytes += Buffer.byteLength(chunk);
      io.out(chunk);
    });
  const say = outArg !== undefined ? io.out : io.err;
  if (scenario.value.note) say(`note: ${scenarioArg}: ${scenario.value.note}\n`);
  say(`${summary(log, { startSec, startGiven: start !== undefined, out: outArg, bytes, scenarioArg, scenarioSec: scenario.value.durationSec }).join("\n")}\n`);
  return EXIT.ok;
}

interface SummaryOptions {
  startSec: number;
  startGiven: boolean;
  out: string | undefined;
  bytes: number;
  scenarioArg: string;
  scenarioSec: number;
}

/** "812.3 days" (or a shorter duration as text). */
function days(sec: number): string {
  return sec >= 2 * 86400 ? `${(sec / 86400).toFixed(1)} days` : formatDuration(sec);
}

/** "2y82d (812.3 days)", or "1d9h". */
function span(sec: number): string {
  return sec >= 2 * 86400 ? `${formatDuration(sec)} (${days(sec)})` : formatDuration(sec);
}

/** The lines `fleet import` prints about what it read and wrote. */
export function summary(log: FailureLog, o: SummaryOptions): string[] {
  const skipped = log.skipped.reduce((n, s) => n + s.count, 0);
  const lines = [`import ${log.file}: ${log.rows} rows read, ${log.records.length} mapped, ${skipped} skipped`];
  const width = Math.max(...log.mappedBy.map((m) => (m.value ? `${m.value} -> ${m.kind}` : m.kind).length));
  for (const m of log.mappedBy) lines.push(`  ${(m.value ? `${m.value} -> ${m.kind}` : m.kind).padEnd(width)}  ${m.count}`);
  for (const s of log.skipped) lines.push(`  skipped, ${s.reason}: ${countWithLines(s)}`);
  if (log.rejectedRows.length) lines.push("  the first rejected rows (--skip-bad):", ...log.rejectedRows.map((r) => `    ${r}`));
  if (log.unordered) lines.push(`  out of time order: ${countWithLines(log.unordered)}; sorted by time (equal times keep the file's order)`);
  lines.push(`times: ${formatUtc(log.startSec)} to ${formatUtc(log.endSec)} (${days(log.endSec - log.startSec)}); ${log.zoneNote}`);
  const how = o.startGiven ? "--start" : "midnight UTC of the first failure's day; --start to change";
  lines.push(`start: ${formatUtc(o.startSec)} is at 0 (${how}); the last failure is at ${span(log.endSec - o.startSec)}`);
  const name = o.out ?? "OUT.csv";
  if (o.out !== undefined) lines.push(`wrote ${o.out}: ${log.records.length} faults, ${o.bytes} bytes`);
  if (o.bytes > MAX_TIMELINE_BYTES) {
    lines.push(
      `note: the timeline is over ${MAX_TIMELINE_BYTES} bytes, more than fleet replay and fleet chaos read: import a shorter span (--start, or split the log)`,
    );
  }
  // The day after the last fault is over (its time plus its repair or replacement).
  const overSec = Math.max(...log.records.map((r) => incidentEndSec({ atSec: r.timeSec - o.startSec, kind: r.kind, params: r.params } as ScheduledFault)));
  const needDays = Math.ceil(overSec / 86400);
  lines.push(`run it: fleet replay --import ${name} --scenario ${o.scenarioArg}`);
  const chaos = o.scenarioSec >= overSec ? "" : ` and duration: ${needDays}d or more (the scenario has ${days(o.scenarioSec)})`;
  // A scenario names its timeline relative to its own folder, and reads only files under
  // that folder or the working directory.
  const fromScenario = o.out === undefined ? name : relative(dirname(resolve(o.scenarioArg)), resolve(o.out));
  const outside = fromScenario.startsWith("..")
    ? " (relative to the scenario's folder; a scenario reads files only under its folder or the working directory)"
    : "";
  lines.push(`   or: fleet chaos with "- timeline: ${fromScenario}" in the scenario's faults:${chaos}${outside}`);
  return lines;
}
