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
// parses options and prints: ./index.ts dispatches, one file per mode. --verify reads the
// journal as a stream (src/replay/source.ts), whatever its size; the other modes hold its
// records, for a journal of at most 2 GiB.
import { loadInk } from "../../tui/load.js";
import { UsageError } from "../../base/errors.js";
import { EXIT, type Io } from "../../base/io.js";
import { formatSize } from "../../base/units.js";
import { collectJournal, type JournalItem, type JournalSummary, summarizeJournal } from "../../journal/index.js";
import { type JournalSource, JournalSourceError, openJournalSource } from "../../replay/source.js";
import { type Assessment, assess } from "../../replay/trust.js";
import type { Limits } from "../../scenario/load.js";
import { wantsDashboard } from "../../tui/choose.js";
import { choice, flag, int, parse, sizeOption, str, type OptionSpec, type Parsed } from "../args.js";
import { policyMode } from "./counterfactual.js";
import { importMode } from "./import.js";
import { summaryMode } from "./summary.js";
import { refusal } from "./trust.js";
import { type Unread, verifyMode } from "./verify.js";
import { readRedisTimeout, redisTimeoutDefault, redisTimeoutOption } from "../redis-timeout.js";

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
  "max-journal": { type: "string" },
  ...redisTimeoutOption,
};

export const replayUsage = `fleet replay JOURNAL [--verify | --policy NAME|FILE [--baseline NAME]]
             [options]
fleet replay --import INCIDENT --scenario SCENARIO [options]

Postmortems of recorded runs.

  fleet replay JOURNAL  what the journal holds: the run (scenario, seed,
                        duration, version), records by type, faults by kind, the
                        correlated faults in time order (bursts, bus bars,
                        racks, links), the verdicts. On a terminal this is where
                        the replay viewer goes.
  --verify              checks every line's CRC, re-runs the recorded scenario
                        and seed, and proves the run reproduces ("verified: N
                        records, digest ... matches"), or names the first line
                        where the re-run differs: the field, the recorded and
                        the re-run line.
  --prefix              read only the journal's valid prefix: the complete,
                        intact lines before its first problem. Without it a
                        journal with no footer (killed, crashed, still running)
                        is refused, and so is one with a bad line (CRC mismatch,
                        reordered or duplicated lines, a wrong record count);
                        every mode takes it.
                        A journal ended by Ctrl-C has an "interrupted" footer:
                        it opens without --prefix, and --verify re-runs it to
                        where it stopped and compares the footer too. A journal
                        of another format version is always refused (both
                        versions are named): a reader of one version could
                        misread the other.
  --policy NAME|FILE    the counterfactual: the recorded faults met by another
                        policy. NAME is a policy of the recorded scenario; FILE
                        a YAML file of one policy's settings (named after the
                        file) or a policies: map. The re-run's fault trace is
                        checked equal to the recorded one. Prints each SLO and
                        each metric that changed, before (the recorded policies,
                        from the journal's footer) and after.
  --baseline NAME       with --policy: compare with this recorded policy only
  --import INCIDENT     a real incident timeline (.jsonl or .csv: at, kind,
                        target and the kind's parameters; see docs/SCENARIOS.md,
                        "Incident timelines") becomes the whole fault trace of
                        --scenario's fleet, workloads, policies and SLOs. The
                        incident is written into the journal's scenario text, so
                        the journal replays without the incident file.

Options:
  --reporter R          text, json or dashboard (default: the dashboard viewer
                        on a terminal, text otherwise; --verify, --policy and
                        --import print text or json)
  --max-hosts N         raise the safety limit on fleet size (default 2,000,000)
  --max-events N        raise the safety limit on events per run (default 2e9)
  --redis-timeout D     for a journal in Redis (redis://host:port/key): how long
                        Redis has to answer before replay gives up with exit 2
                        (default ${redisTimeoutDefault})
With --import:
  --scenario FILE       the scenario whose fleet, workloads, policies and SLOs
                        to use (required)
  --seed N              seed of the workloads' random streams (default: the
                        scenario's)
  --duration D          simulated time (default: the scenario's, extended to the
                        end of the incident's last fault and its repair if that
                        is later; said when so)
  --journal PATH        where to write the run's journal (default:
                        runs/<scenario>-<seed>-<time>.jsonl)
  --no-journal          do not write a journal
  --force               overwrite an existing journal file
  --max-journal SIZE    raise the safety limit on the journal's size, e.g. 4GiB
                        (default 1GiB; limits.maxJournal in the scenario): a run
                        that reaches it stops, exit 2; the journal records the
                        limit, and --verify re-runs with it

Exit codes:
  --verify    0 verified, 1 the run does not reproduce (first differing line
              named), 2 the journal is damaged, unreadable or has no footer
              without --prefix (JOURNAL:LINE: what is wrong)
  --policy    0 every SLO holds under the counterfactual policy, 1 one is
              breached, 2 bad input (unknown policy, bad policy file, another
              fault trace), 3 fleet failed
  --import    0 every SLO holds, 1 one is breached, 2 bad input (INCIDENT:LINE:
              what), 3 fleet failed, 130 interrupted
  summary     0, or 2 if the journal is damaged or was edited

Examples:
  fleet replay runs/cosmic-42-20261123-111300.jsonl
  fleet replay runs/cosmic-42-20261123-111300.jsonl --verify
  fleet replay runs/killed-run.jsonl.partial --verify --prefix
  fleet replay runs/cosmic-42-20261123-111300.jsonl --policy hardened \\
    --baseline baseline
  fleet replay runs/cosmic-42-20261123-111300.jsonl \\
    --policy policies/strict.yaml --reporter json
  fleet replay --import incidents/2024-07-19.csv \\
    --scenario scenarios/cosmic.yaml --journal runs/incident.jsonl`;

const IMPORT_ONLY = ["scenario", "seed", "duration", "journal", "no-journal", "force"] as const;

function limitsOf(p: Parsed): Partial<Limits> {
  const out: Partial<Limits> = {};
  const maxHosts = int(p, "max-hosts", { min: 1 });
  const maxEvents = int(p, "max-events", { min: 1 });
  const maxJournalBytes = sizeOption(p, "max-journal");
  if (maxHosts !== undefined) out.maxHosts = maxHosts;
  if (maxEvents !== undefined) out.maxEvents = maxEvents;
  if (maxJournalBytes !== undefined) out.maxJournalBytes = maxJournalBytes;
  return out;
}

export async function replayCommand(argv: string[], io: Io): Promise<number> {
  const p = parse("replay", argv, replayOptions);
  const reporterGiven = choice(p, "reporter", ["text", "json", "dashboard"] as const);
  const reporter = reporterGiven === "json" ? "json" : "text";
  const viewer = wantsDashboard(reporterGiven, io);
  const limits = limitsOf(p);
  const redisTimeoutMs = readRedisTimeout(p);
  if (redisTimeoutMs !== undefined && (str(p, "import") !== undefined || !/^rediss?:\/\//i.test(p.positionals[0] ?? "")))
    throw new UsageError("--redis-timeout goes with a redis:// journal (fleet replay redis://host:port/key)");
  if (str(p, "import") !== undefined) return importMode(p, io, reporter, limits);

  for (const o of IMPORT_ONLY)
    if (p.values[o] !== undefined) throw new UsageError(`--${o} goes with --import (a journal already records its scenario, seed and duration)`);
  if (p.values["max-journal"] !== undefined)
    throw new UsageError("--max-journal goes with --import: a journal records the limit it was written with, and --verify re-runs with it");
  if (p.positionals.length !== 1) throw new UsageError(`replay needs exactly one journal, found ${p.positionals.length}`);
  const policy = str(p, "policy");
  if (flag(p, "verify") && policy !== undefined) throw new UsageError("--verify and --policy are separate questions: give one of them");
  if (str(p, "baseline") !== undefined && policy === undefined) throw new UsageError("--baseline goes with --policy");

  let src: JournalSource;
  try {
    src = await openJournalSource(p.positionals[0], io.cwd, io.env, redisTimeoutMs);
  } catch (e) {
    if (e instanceof JournalSourceError) {
      io.err(`fleet replay: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  try {
    if (flag(p, "verify")) {
      // Streamed: one pass checks the journal, another compares it with the re-run.
      const j = readJournalOf(src, summarizeJournal, p, io);
      if (typeof j === "number") return j;
      return await verifyMode(j.read, j.assessment, src.name, io, reporter, limits, () => src.records(j.read, j.lines), j.unread);
    }
    if (src.size > MAX_JOURNAL_IN_MEMORY_BYTES) {
      io.err(
        `fleet replay: ${src.name} is ${formatSize(src.size)}; the summary, --policy and the viewer hold a journal's records in memory and read at most ${formatSize(MAX_JOURNAL_IN_MEMORY_BYTES)} (--verify reads a journal of any size)\n`,
      );
      return EXIT.usage;
    }
    const j = readJournalOf(src, collectJournal, p, io);
    if (typeof j === "number") return j;
    const { read, assessment } = j;
    if (policy !== undefined) return await policyMode(read, assessment, src.name, policy, str(p, "baseline"), io, reporter, limits);
    if (viewer && assessment.trust !== "damaged" && assessment.trust !== "edited") {
      // The Ink viewer, loaded only here (React and Ink cost ~0.3 s to import; src/tui/load.ts).
      const { runReplayViewer } = await loadInk(() => import("../../tui/replay-viewer.js"));
      return await runReplayViewer(src.name, io, { read });
    }
    return summaryMode(read, assessment, src.name, io, reporter);
  } finally {
    src.close();
  }
}

/**
 * Largest journal the modes that keep its records read (they take about 3.5 times its size
 * in memory): 2 GiB, as much as fleet read before it read journals as streams.
 */
const MAX_JOURNAL_IN_MEMORY_BYTES = 2 ** 31;

interface Read<T extends JournalSummary> {
  read: T;
  assessment: Assessment;
  /** With --prefix: the lines read (those before the first bad one); undefined when all were. */
  lines?: number;
  unread?: Unread;
}

/**
 * Reads the journal with `collect` (its records kept, or only what is said about it). A
 * journal without a footer is read only with --prefix (else: exit 2, printed); with
 * --prefix, a damaged journal is read as far as its valid prefix, a journal of its own.
 */
function readJournalOf<T extends JournalSummary>(src: JournalSource, collect: (items: Iterable<JournalItem>) => T, p: Parsed, io: Io): Read<T> | number {
  const prefix = flag(p, "prefix");
  let read = collect(src.items());
  let assessment = assess(read);
  let lines: number | undefined;
  let unread: Unread | undefined;
  if (prefix && assessment.trust === "damaged" && read.validPrefixLines > 0) {
    // Read the lines before the first bad one as a journal of their own: a truncated one.
    const first = assessment.damage[0];
    io.err(`note: ${src.name}:${first.line}: ${first.reason}; --prefix: reading lines 1-${read.validPrefixLines} only\n`);
    lines = read.validPrefixLines;
    unread = { from: lines + 1, to: read.lines };
    read = collect(src.items(lines));
    assessment = assess(read);
  }
  if (assessment.trust === "truncated" && !prefix) {
    io.err(`${refusal(src.name, read, assessment)}\n`);
    return EXIT.usage;
  }
  return { read, assessment, lines, unread };
}
