// `fleet replay`: postmortems of recorded runs.
//
//   fleet replay JOURNAL                  what the journal holds (text summary; on a terminal, the viewer)
//   fleet replay JOURNAL --verify         re-run it and prove it reproduces, or name the first line that does not
//   fleet replay JOURNAL --policy P       the recorded faults met by another policy: before/after SLO table
//   fleet replay --import I --scenario S  a real incident timeline as the fault trace of a scenario
//
// Exit codes. --verify: 0 verified (the whole run, or the prefix a truncated journal
// holds), 1 the run does not reproduce (the first differing line is named), 2 the journal
// is damaged or unreadable (a line fails its CRC or is out of place: JOURNAL:LINE: what),
// or its header describes no run this build can load. --policy and --import: 0/1 by the
// verdicts of the counterfactual or imported run, 2 bad input, 3 fleet failed (e.g. the
// counterfactual met another fault trace under the same version: a bug). Summary: 0, or 2
// if the journal is damaged or was edited. The logic lives in src/replay/; this file
// parses options and prints.
import { resolve } from "node:path";
import {
  JournalError,
  JournalExistsError,
  JournalWriter,
  defaultJournalPath,
  digestOnlyJournal,
  parseJournal,
  type Journal,
  type JournalReadResult,
} from "../journal/index.js";
import { countScenario } from "../scenario/summary.js";
import { formatDuration, parseDuration, UnitError } from "../base/units.js";
import { laneNames, runScenario } from "../run/session.js";
import { JsonReporter } from "../report/json.js";
import { TextReporter } from "../report/text.js";
import type { Reporter } from "../report/reporter.js";
import { wantsDashboard } from "../tui/choose.js";
import { didYouMean } from "../base/issues.js";
import { exitCodeOf, formatValue, type Verdict } from "../slo/slo.js";
import { choice, flag, int, parse, str, type OptionSpec, type Parsed } from "./args.js";
import { UsageError } from "../base/errors.js";
import { EXIT, type Io } from "../base/io.js";
import { exitCodeOfRun, stopOnSignals } from "./signals.js";
import { VERSION } from "../base/version.js";
import { JournalSourceError, readJournalSource } from "../replay/source.js";
import { assess, type Assessment } from "../replay/trust.js";
import { verifyJournal, type VerifyResult } from "../replay/verify.js";
import { recordedRun } from "../replay/recorded.js";
import { choosePolicy, runCounterfactual } from "../replay/counterfactual.js";
import { beforeAfter, formatBeforeAfter } from "../replay/before-after.js";
import { coveringDuration, importIncident } from "../replay/incident.js";
import { formatOverview, overview } from "../replay/summary.js";
import { clip, fieldName } from "../replay/compare.js";
import type { Limits } from "../scenario/load.js";

export const replayOptions: OptionSpec = {
  verify: { type: "boolean" },
  prefix: { type: "boolean" },
  policy: { type: "string" },
  baseline: { type: "string" },
  import: { type: "string" },
  scenario: { type: "string" },
  seed: { type: "string" },
  duration: { type: "string" },
  journal: { type: "string" },
  "no-journal": { type: "boolean" },
  force: { type: "boolean" },
  reporter: { type: "string" },
  "max-hosts": { type: "string" },
  "max-events": { type: "string" },
};

export const replayUsage = `fleet replay JOURNAL [--verify | --policy NAME|FILE [--baseline NAME]] [options]
fleet replay --import INCIDENT --scenario SCENARIO [options]

Postmortems of recorded runs.

  fleet replay JOURNAL             what the journal holds: the run (scenario, seed, duration,
                                   version), records by type, faults by kind, the correlated
                                   faults in time order (bursts, bus bars, racks, links), the
                                   verdicts. On a terminal this is where the replay viewer goes.
  --verify                         checks every line's CRC, re-runs the recorded scenario and
                                   seed, and proves the run reproduces ("verified: N records,
                                   digest ... matches"), or names the first line where the re-run
                                   differs: the field, the recorded and the re-run line.
  --prefix                         read only the journal's valid prefix: the complete, intact
                                   lines before its first problem. Without it a journal with no
                                   footer (killed, crashed, still running) is refused, and so is
                                   one with a bad line (CRC mismatch, reordered or duplicated
                                   lines, a wrong record count); every mode takes it.
                                   A journal ended by Ctrl-C has an "interrupted" footer: it
                                   opens without --prefix. A journal of another format version
                                   is always refused (both versions are named): a reader of one
                                   version could misread the other.
  --policy NAME|FILE               the counterfactual: the recorded faults met by another policy.
                                   NAME is a policy of the recorded scenario; FILE a YAML file of
                                   one policy's settings (named after the file) or a policies: map.
                                   The re-run's fault trace is checked equal to the recorded one.
                                   Prints each SLO and each metric that changed, before (the
                                   recorded policies, from the journal's footer) and after.
  --baseline NAME                  with --policy: compare with this recorded policy only
  --import INCIDENT                a real incident timeline (.jsonl or .csv: at, kind, target and
                                   the kind's parameters; see src/faults/timeline.ts) becomes the
                                   whole fault trace of --scenario's fleet, workloads, policies
                                   and SLOs. The incident is written into the journal's scenario
                                   text, so the journal replays without the incident file.

Options:
  --reporter R          text, json or dashboard (default: the dashboard viewer on a terminal,
                        text otherwise; --verify, --policy and --import print text or json)
  --max-hosts N         raise the safety limit on fleet size (default 2,000,000)
  --max-events N        raise the safety limit on events per run (default 2e9)
With --import:
  --scenario FILE       the scenario whose fleet, workloads, policies and SLOs to use (required)
  --seed N              seed of the workloads' random streams (default: the scenario's)
  --duration D          simulated time (default: the scenario's, extended to the end of the
                        incident's last fault and its repair if that is later; said when so)
  --journal PATH        where to write the run's journal (default: runs/<scenario>-<seed>-<time>.jsonl)
  --no-journal          do not write a journal
  --force               overwrite an existing journal file

Exit codes:
  --verify    0 verified, 1 the run does not reproduce (first differing line named),
              2 the journal is damaged, unreadable or has no footer without --prefix
              (JOURNAL:LINE: what is wrong)
  --policy    0 every SLO holds under the counterfactual policy, 1 one is breached,
              2 bad input (unknown policy, bad policy file, another fault trace),
              3 fleet failed
  --import    0 every SLO holds, 1 one is breached, 2 bad input (INCIDENT:LINE: what),
              3 fleet failed, 130 interrupted
  summary     0, or 2 if the journal is damaged or was edited

Examples:
  fleet replay runs/cosmic-42-20261123-111300.jsonl
  fleet replay runs/cosmic-42-20261123-111300.jsonl --verify
  fleet replay runs/killed-run.jsonl.partial --verify --prefix
  fleet replay runs/cosmic-42-20261123-111300.jsonl --policy hardened --baseline baseline
  fleet replay runs/cosmic-42-20261123-111300.jsonl --policy policies/strict.yaml --reporter json
  fleet replay --import incidents/2024-07-19.csv --scenario scenarios/cosmic.yaml --journal runs/incident.jsonl`;

type ReporterName = "text" | "json";

const IMPORT_ONLY = ["scenario", "seed", "duration", "journal", "no-journal", "force"] as const;

function limitsOf(p: Parsed): Partial<Limits> {
  const out: Partial<Limits> = {};
  const maxHosts = int(p, "max-hosts", { min: 1 });
  const maxEvents = int(p, "max-events", { min: 1 });
  if (maxHosts !== undefined) out.maxHosts = maxHosts;
  if (maxEvents !== undefined) out.maxEvents = maxEvents;
  return out;
}

export async function replayCommand(argv: string[], io: Io): Promise<number> {
  const p = parse("replay", argv, replayOptions);
  const reporterGiven = choice(p, "reporter", ["text", "json", "dashboard"] as const);
  const reporter = reporterGiven === "json" ? "json" : "text";
  const viewer = wantsDashboard(reporterGiven, io);
  const limits = limitsOf(p);
  if (str(p, "import") !== undefined) return importMode(p, io, reporter, limits);

  for (const o of IMPORT_ONLY)
    if (p.values[o] !== undefined) throw new UsageError(`--${o} goes with --import (a journal already records its scenario, seed and duration)`);
  if (p.positionals.length !== 1) throw new UsageError(`replay needs exactly one journal, found ${p.positionals.length}`);
  const policy = str(p, "policy");
  if (flag(p, "verify") && policy !== undefined) throw new UsageError("--verify and --policy are separate questions: give one of them");
  if (str(p, "baseline") !== undefined && policy === undefined) throw new UsageError("--baseline goes with --policy");

  let read: JournalReadResult;
  let name: string;
  let bytes: Buffer;
  try {
    const src = await readJournalSource(p.positionals[0], io.cwd, io.env);
    name = src.name;
    bytes = src.bytes;
    read = parseJournal(bytes);
  } catch (e) {
    if (e instanceof JournalSourceError) {
      io.err(`fleet replay: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  let assessment = assess(read);
  const prefix = flag(p, "prefix");
  if (prefix && assessment.trust === "damaged" && read.validPrefixLines > 0) {
    // Read the lines before the first bad one as a journal of their own: a truncated one.
    const first = assessment.damage[0];
    io.err(`note: ${name}:${first.line}: ${first.reason}; --prefix: reading lines 1-${read.validPrefixLines} only\n`);
    read = parseJournal(bytes.subarray(0, endOfLine(bytes, read.validPrefixLines)));
    assessment = assess(read);
  }
  if (assessment.trust === "truncated" && !prefix) {
    io.err(`${refusal(name, read, assessment)}\n`);
    return EXIT.usage;
  }
  if (flag(p, "verify")) return verifyMode(read, assessment, name, io, reporter, limits);
  if (policy !== undefined) return policyMode(read, assessment, name, policy, str(p, "baseline"), io, reporter, limits);
  if (viewer && assessment.trust !== "damaged" && assessment.trust !== "edited") {
    // The Ink viewer, loaded only here (React and Ink cost ~0.3 s to import).
    process.env.NODE_ENV ??= "production";
    const { runReplayViewer } = await import("../tui/replay-viewer.js");
    return runReplayViewer(name, io, { read });
  }
  return summaryMode(read, assessment, name, io, reporter);
}

// ---- damage --------------------------------------------------------------------------

/** The byte offset just after the n-th "\n" (n >= 1; the whole buffer if it has fewer). */
function endOfLine(bytes: Buffer, n: number): number {
  let at = -1;
  for (let i = 0; i < n; i++) {
    at = bytes.indexOf(0x0a, at + 1);
    if (at < 0) return bytes.length;
  }
  return at + 1;
}

/** Why a journal without a footer is not read as a record of the run, and how to read it anyway. */
function refusal(name: string, read: JournalReadResult, a: Assessment): string {
  const good = read.validPrefixLines;
  const last = read.records.length > 0 ? read.records[read.records.length - 1].at : 0;
  const where = good > 0 ? `its last good line is ${good} (at ${formatDuration(last)} simulated)` : "it holds no complete line";
  return `${name}:${Math.max(good, 1)}: ${a.truncation}; ${where}. fleet replay reads it only as a prefix of the run: pass --prefix to read the valid prefix`;
}

const MAX_ISSUES_SHOWN = 20;

function printDamage(io: Io, name: string, read: JournalReadResult, a: Assessment): void {
  for (const i of a.damage.slice(0, MAX_ISSUES_SHOWN)) io.err(`${name}:${i.line}: ${i.reason}\n`);
  if (a.damage.length > MAX_ISSUES_SHOWN) io.err(`... and ${a.damage.length - MAX_ISSUES_SHOWN} more\n`);
  const first = a.damage[0].line;
  const bad = new Set(a.damage.map((i) => i.line)).size;
  io.err(
    `${name}: damaged from line ${first} (${bad} bad line${bad === 1 ? "" : "s"}; lines 1-${read.validPrefixLines} are intact): the journal cannot be trusted as a record of the run\n`,
  );
}

const EDITED = (name: string, read: JournalReadResult) =>
  `${name}:${read.lines}: the records do not match the footer's digest: the journal was changed after the run (every line's CRC holds, so by someone who recomputed them)`;

// ---- summary ---------------------------------------------------------------------------

function summaryMode(read: JournalReadResult, a: Assessment, name: string, io: Io, reporter: ReporterName): number {
  if (a.trust === "damaged") printDamage(io, name, read, a);
  if (a.trust === "edited") io.err(`${EDITED(name, read)}; fleet replay ${name} --verify names the changed line\n`);
  if (a.trust === "truncated") io.err(`note: ${name}: ${a.truncation}\n`);
  const o = overview(read, a.trust);
  if (reporter === "json") io.out(`${JSON.stringify({ journal: name, ...o }, jsonNumbers, 2)}\n`);
  else io.out(formatOverview(o, name));
  return a.trust === "damaged" || a.trust === "edited" ? EXIT.usage : EXIT.ok;
}

/** JSON has no NaN or Infinity: write them as null (a missing value), as the journal does. */
function jsonNumbers(_key: string, v: unknown): unknown {
  return typeof v === "number" && !Number.isFinite(v) ? null : v;
}

// ---- verify ----------------------------------------------------------------------------

async function verifyMode(read: JournalReadResult, a: Assessment, name: string, io: Io, reporter: ReporterName, limits: Partial<Limits>): Promise<number> {
  if (a.trust === "damaged") {
    printDamage(io, name, read, a);
    if (reporter === "json") io.out(`${JSON.stringify({ journal: name, result: "damaged", issues: a.damage, exitCode: EXIT.usage }, null, 2)}\n`);
    return EXIT.usage;
  }
  const text = reporter === "text";
  const h = read.header!;
  const say = (s: string) => (text ? io.out(`${s}\n`) : io.err(`${s}\n`));
  const d = h.options?.durationSec;
  say(
    `re-running scenario=${h.scenario} seed=${h.seed} duration=${typeof d === "number" ? formatDuration(d) : "?"} (recorded by fleet ${h.fleetVersion}) against ${read.lines.toLocaleString("en-US")} lines of ${name}`,
  );
  if (a.trust === "truncated") say(`note: ${a.truncation}; verifying the records it has`);
  else if (read.footer?.status === "interrupted")
    say(
      `note: the run was interrupted at ${formatDuration(read.footer.at)}; verifying its records (an interrupted footer is not compared: it stands where Ctrl-C fell)`,
    );
  if (a.trust === "edited") say(`note: ${EDITED(name, read)}; the re-run finds the line`);

  const r = await verifyJournal(read, { journalName: name, cwd: io.cwd, limits });
  for (const w of r.warnings) io.err(`warning: ${w}\n`);
  const code = r.kind === "verified" ? EXIT.ok : r.kind === "diverged" ? EXIT.breach : EXIT.usage;
  if (!text) {
    io.out(`${JSON.stringify({ journal: name, trust: a.trust, ...r, exitCode: code }, null, 2)}\n`);
    if (r.kind === "unrunnable") io.err(`fleet replay: ${r.message}\n`);
    return code;
  }
  printVerify(io, name, r);
  return code;
}

function printVerify(io: Io, name: string, r: VerifyResult): void {
  const n = (x: number) => x.toLocaleString("en-US");
  if (r.kind === "unrunnable") {
    io.err(`fleet replay: ${r.message}\n`);
    return;
  }
  if (r.kind === "verified") {
    if (r.scope === "whole") io.out(`verified: ${n(r.lines)} records, digest ${r.digest} matches\n`);
    else
      io.out(
        `verified prefix: ${n(r.lines)} records, up to ${formatDuration(r.upToSec)} of ${formatDuration(r.durationSec)} simulated, match the re-run; the journal holds nothing after that\n`,
      );
    return;
  }
  const { divergence: dv } = r;
  const diff = dv.difference;
  const what = diff.orderOnly
    ? `the keys of ${fieldName(diff)} come in another order (recorded ${clip(diff.recorded)}, re-run ${clip(diff.rerun)})`
    : `field ${fieldName(diff)}: recorded ${clip(diff.recorded)}, re-run ${clip(diff.rerun)}`;
  io.out(`${name}:${dv.line}: the re-run differs here: ${what}\n`);
  io.out(`  recorded: ${dv.recordedLine}\n`);
  io.out(`  re-run:   ${dv.rerunLine}\n`);
  if (r.rerunError) io.out(`  the re-run failed: ${r.rerunError}\n`);
  io.out(`does not reproduce: lines 1-${r.verifiedLines} match, line ${dv.line} differs\n`);
}

// ---- counterfactual --------------------------------------------------------------------

async function policyMode(
  read: JournalReadResult,
  a: Assessment,
  name: string,
  policyArg: string,
  baseline: string | undefined,
  io: Io,
  reporter: ReporterName,
  limits: Partial<Limits>,
): Promise<number> {
  if (a.trust === "damaged") {
    printDamage(io, name, read, a);
    return EXIT.usage;
  }
  if (a.trust === "edited") {
    io.err(`${EDITED(name, read)}: its results cannot be trusted; fleet replay ${name} --verify names the changed line\n`);
    return EXIT.usage;
  }
  const rec = recordedRun(read.header!, name, io.cwd, limits);
  if (!rec.ok) {
    io.err(`fleet replay: ${rec.message}\n`);
    return EXIT.usage;
  }
  const run = rec.value;
  if (run.versionWarning) io.err(`warning: ${run.versionWarning}\n`);
  const lanes = laneNames(run.scenario).map((l) => l ?? "default");
  if (baseline !== undefined && !lanes.includes(baseline)) {
    const guess = didYouMean(baseline, lanes);
    throw new UsageError(
      `--baseline ${baseline}: no such recorded policy${guess ? ` (did you mean "${guess}"?)` : ""}; the recorded policies are ${lanes.join(", ")}`,
    );
  }
  const chosen = choosePolicy(policyArg, run, io.cwd);
  if (!chosen.ok) {
    io.err(`fleet replay: ${chosen.message}\n`);
    return EXIT.usage;
  }
  const cf = await runCounterfactual(read, run, chosen.value, { limits, otherVersion: run.versionWarning !== undefined });
  if (!cf.ok) {
    io.err(`fleet replay: ${cf.message}\n`);
    return cf.exitCode;
  }
  const { before, after, recordedTraceDigest, slo, notes, beforeSource } = cf.value;
  const beforeShown = baseline !== undefined ? { [baseline]: before[baseline] ?? {} } : before;
  const t = beforeAfter(slo, beforeShown, after.metrics);
  const code = exitCodeOf(after.verdicts);
  const names = Object.keys(chosen.value.policies);
  const breached = after.verdicts.filter((v) => !v.ok);

  if (reporter === "json") {
    const doc = {
      journal: name,
      scenario: run.scenario.name,
      seed: run.seed,
      durationSec: run.durationSec,
      counterfactual: { policies: names, from: chosen.value.origin },
      traceDigest: { recorded: recordedTraceDigest, counterfactual: after.traceDigest, matches: true },
      before: { source: beforeSource, lanes: t.beforeLanes },
      after: { lanes: t.afterLanes },
      slo: slo.map((s) => ({ metric: s.metric, op: s.op, threshold: s.threshold, text: s.text })),
      rows: [...t.sloRows, ...t.otherRows],
      sameEverywhere: t.sameEverywhere,
      verdicts: after.verdicts,
      notes,
      exitCode: code,
    };
    io.out(`${JSON.stringify(doc, jsonNumbers, 2)}\n`);
    return code;
  }
  const o = (s: string) => io.out(`${s}\n`);
  o(`counterfactual: ${names.join(", ")} (from ${chosen.value.origin}) against the recorded faults of ${name}`);
  o(
    `scenario=${run.scenario.name} seed=${run.seed} duration=${formatDuration(run.durationSec)}; fault trace ${after.traceDigest.slice(0, 16)}… equals the recorded one`,
  );
  for (const note of notes) o(`note: ${note}`);
  o(`before: ${beforeSource === "footer" ? "the recorded results, from the journal's footer" : "the recorded policies, re-run"}; after: the counterfactual`);
  o("");
  o(formatBeforeAfter(t));
  o("");
  if (slo.length === 0) o("verdict: the scenario states no SLOs");
  else if (breached.length === 0) o(`verdict: ${names.join(", ")} ${names.length === 1 ? "holds" : "hold"} every SLO against the recorded faults`);
  else
    o(`verdict: ${breached.map((v: Verdict) => `${v.policy} breaches ${v.metric} ${v.op} ${formatValue(v.threshold)} (${formatValue(v.value)})`).join("; ")}`);
  o(`exit ${code}`);
  return code;
}

// ---- import ----------------------------------------------------------------------------

async function importMode(p: Parsed, io: Io, reporterName: ReporterName, limits: Partial<Limits>): Promise<number> {
  const incident = str(p, "import")!;
  if (p.positionals.length) throw new UsageError(`--import runs a scenario against an incident and reads no journal; found ${p.positionals.join(" ")}`);
  for (const o of ["verify", "policy", "baseline"]) if (p.values[o] !== undefined) throw new UsageError(`--${o} does not go with --import`);
  const scenarioFile = str(p, "scenario");
  if (scenarioFile === undefined) throw new UsageError("--import needs --scenario FILE: the fleet, workloads, policies and SLOs to run the incident against");
  if (flag(p, "no-journal") && str(p, "journal")) throw new UsageError("--journal and --no-journal contradict each other");

  const imported = importIncident(scenarioFile, incident, io.cwd, limits);
  if (!imported.ok) {
    io.err(`${imported.message}\n`);
    return EXIT.usage;
  }
  const { scenario, faults, endSec, incidentSha256 } = imported.value;
  const seed = int(p, "seed", { min: 0, max: 2 ** 53 - 1 }) ?? scenario.seed;
  const notes = [...imported.value.notes];
  let durationSec: number;
  const d = str(p, "duration");
  if (d !== undefined) {
    try {
      durationSec = parseDuration(d);
    } catch (e) {
      throw new UsageError(`--duration: ${(e as UnitError).message}`);
    }
    if (!(durationSec > 0)) throw new UsageError("--duration must be more than zero");
    if (endSec > durationSec) notes.push(`the incident goes on until ${formatDuration(endSec)}, past --duration ${d}: its later part is not simulated`);
  } else {
    const c = coveringDuration(scenario.durationSec, endSec);
    durationSec = c.durationSec;
    if (c.extended)
      notes.push(
        `duration extended from the scenario's ${formatDuration(scenario.durationSec)} to ${formatDuration(durationSec)}, to cover the incident's last fault and its repair (over at ${formatDuration(endSec)})`,
      );
  }
  if (durationSec > scenario.limits.maxDurationSec) {
    throw new UsageError(
      `the duration ${formatDuration(durationSec)} is above the safety limit of ${formatDuration(scenario.limits.maxDurationSec)}; raise limits.maxDuration in the scenario`,
    );
  }

  let journal: Journal;
  let journalPath: string | undefined;
  if (flag(p, "no-journal")) journal = digestOnlyJournal();
  else {
    journalPath = str(p, "journal") ?? defaultJournalPath(scenario.name, seed, new Date());
    try {
      journal = JournalWriter.open(resolve(io.cwd, journalPath), { force: flag(p, "force") });
    } catch (e) {
      if (e instanceof JournalExistsError || e instanceof JournalError) {
        io.err(`fleet replay: ${e.message.replace(resolve(io.cwd, journalPath), journalPath)}\n`);
        return EXIT.usage;
      }
      throw e;
    }
  }

  const counts = countScenario(scenario);
  const policies = laneNames(scenario).filter((x): x is string => x !== undefined);
  const line =
    `seed=${seed} scenario=${scenarioFile} incident=${incident} duration=${formatDuration(durationSec)} hosts=${counts.hosts} faults=${faults.length} policies=${policies.length ? policies.join(",") : "none"}` +
    `  # reproduce: fleet replay --import ${incident} --scenario ${scenarioFile} --seed ${seed} --duration ${formatDuration(durationSec)}`;
  const reporter: Reporter = reporterName === "json" ? new JsonReporter({ out: io.out, err: io.err }) : new TextReporter({ out: io.out, err: io.err });
  reporter.start({ scenario, file: scenarioFile, seed, durationSec, counts, policies, journalPath, seedLine: line });
  const say = (s: string) => (reporterName === "text" ? io.out(`${s}\n`) : io.err(`${s}\n`));
  const first = Math.min(...faults.map((f) => f.atSec));
  const last = Math.max(...faults.map((f) => f.atSec));
  say(
    `incident: ${faults.length} fault${faults.length === 1 ? "" : "s"} from ${incident}, ${formatDuration(first)} to ${formatDuration(last)}; the scenario's own faults are left out`,
  );
  for (const note of notes) say(`note: ${note}`);

  const signals = stopOnSignals(io, journal, journalPath);
  const t0 = process.hrtime.bigint();
  try {
    const outcome = await runScenario(scenario, {
      seed,
      durationSec,
      journal,
      fleetVersion: VERSION,
      headerOptions: { file: scenarioFile, incident, incidentSha256, reporter: reporterName },
      shouldStop: () => signals.count > 0,
      observer: reporter,
    });
    const wallSec = Number(process.hrtime.bigint() - t0) / 1e9;
    const exitCode = exitCodeOfRun(outcome);
    reporter.end({ outcome, wallSec, journalPath, journalComplete: outcome.status === "complete", exitCode });
    return exitCode;
  } finally {
    signals.dispose();
  }
}
