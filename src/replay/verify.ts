// Proving a journal reproduces: re-run the recorded scenario with the recorded seed and
// duration, and compare the re-run's journal with the recorded one line by line, as the
// run digest sees them (no crc, no wall-clock fields, no footer digest). The re-run's
// header carries the recorded fleetVersion and options, so a faithful run gives the
// recorded header too; a different fleet version is reported as a warning, not a
// difference.
//
// The comparison streams: each line the re-run writes is checked as it is written against
// the recorded line of the same number, read from the journal just then (one record is
// held at a time, so a journal of any size verifies in bounded memory), and the re-run
// stops at the first difference or once every recorded line has been matched. The re-run
// journals with the recorded run's size limit (limits.maxJournal, raised by --max-journal:
// header options.maxJournalBytes, src/replay/recorded.ts), so a run stopped at the limit
// stops at the same record and writes the same `failed` footer.
// A truncated journal (no footer) is a prefix of the run: its records are verified, and
// nothing else is said to be. Every footer is compared, whatever its status, so a footer
// rewritten by hand (verdicts, status) is caught at its line. An interrupted run's footer
// stands where the run's loop stopped (src/run/session.ts): its simulated time and event
// count say where. The re-run stops at the same place and writes its own interrupted
// footer there. A run stopped by Ctrl-C or a signal stopped where the loop checks for a
// stop, which the re-run passes too (it takes the same steps); one quit from the
// dashboard stopped where the dashboard's pace held it, so when the first re-run never
// stands at the footer's place, a second one is held there (a pause changes nothing in a
// run). A place neither re-run reaches is reported at the footer line: no run stopped
// there. The re-run always simulates towards the recorded duration (never a shorter
// horizon), since some injectors plan by the horizon.
import { formatTime } from "../base/units.js";
import { canonicalLine, Journal, type FooterRecord, type HeaderRecord, type JournalRecord, type JournalSummary, type LineOutput } from "../journal/index.js";
import { runScenario, type RunOutcome } from "../run/session.js";
import type { Limits, Scenario } from "../scenario/load.js";
import { firstCharDiff, firstDifference, shorten, type FieldDifference } from "./compare.js";
import { orderEntryOf } from "./order-log.js";
import { recordedRun } from "./recorded.js";

export interface Divergence {
  /** 1-based line of the journal where the re-run first differs. */
  line: number;
  difference: FieldDifference;
  /** Both lines, canonical (no crc, no wall), shortened around the first difference. */
  recordedLine: string;
  rerunLine: string;
  /** When the line is an async training job's order record (./order-log.ts): the interval whose order does not reproduce. */
  order?: { policy: string; job: string; interval: number };
}

export type VerifyResult =
  | {
      kind: "verified";
      /** Lines matched (header, events and, for a whole run, the footer). */
      lines: number;
      /** "whole": every line including the footer and the digest; "prefix": a truncated or interrupted journal's records. */
      scope: "whole" | "prefix";
      /** The footer's digest, equal to the re-run's (whole runs only). */
      digest?: string;
      /** Simulated seconds of the last verified record. */
      upToSec: number;
      durationSec: number;
      warnings: string[];
    }
  | {
      kind: "diverged";
      divergence: Divergence;
      verifiedLines: number;
      rerunError?: string;
      /** Why an interrupted footer could not be compared with a re-run that stopped where it says. */
      note?: string;
      warnings: string[];
    }
  /** The journal's header does not describe a run this build can re-run (exit 2). */
  | { kind: "unrunnable"; message: string; warnings: string[] };

export interface VerifyOptions {
  /** For messages: the journal as the user named it. */
  journalName: string;
  cwd: string;
  limits?: Partial<Limits>;
  /** Events per lane between yields (tests may lower it to stop sooner). */
  stepEvents?: number;
}

const GONE = "(no such line)";

/**
 * Receives the re-run's lines and checks each against the recorded record of the same line,
 * pulled from the journal as the re-run reaches it.
 */
class ComparingOutput implements LineOutput {
  /** Lines compared so far. */
  compared = 0;
  divergence: Divergence | undefined;
  /** The recorded line the re-run's next line must equal; undefined past the journal's last. */
  next: JournalRecord | undefined;
  /** The last recorded line matched. */
  last: JournalRecord | undefined;
  /** Why the journal could not be read on (it changed while it was read). */
  readError: string | undefined;
  private readonly rest: Iterator<JournalRecord>;

  constructor(records: Iterable<JournalRecord>) {
    this.rest = records[Symbol.iterator]();
    this.next = this.pull();
  }

  get done(): boolean {
    return this.divergence !== undefined || this.next === undefined;
  }

  write(line: string): void {
    const expected = this.next;
    if (expected === undefined || this.divergence) return;
    const rerun = JSON.parse(line) as Record<string, unknown>;
    delete rerun.crc;
    const d = firstDifference(expected, rerun);
    if (d) this.divergence = divergenceAt(this.compared + 1, expected, rerun, d);
    else {
      this.compared++;
      this.last = this.next;
      this.next = this.pull();
    }
  }

  end(): void {}

  private pull(): JournalRecord | undefined {
    try {
      const r = this.rest.next();
      return r.done ? undefined : r.value;
    } catch (e) {
      this.readError = (e as Error).message;
      return undefined;
    }
  }
}

function canonical(r: object | undefined): string {
  return r === undefined ? GONE : canonicalLine(r);
}

function divergenceAt(line: number, recorded: object | undefined, rerun: object | undefined, difference: FieldDifference): Divergence {
  const a = canonical(recorded);
  const b = canonical(rerun);
  const at = firstCharDiff(a, b);
  const o = orderEntryOf(recorded);
  const order = o && { policy: o.policy, job: o.job, interval: o.interval };
  return { line, difference, recordedLine: shorten(a, at), rerunLine: shorten(b, at), ...(order ? { order } : {}) };
}

/**
 * Verifies the journal `read` describes (its reader's findings: header, footer), whose
 * records `records()` reads in line order from the start, once per re-run.
 */
export async function verifyJournal(read: JournalSummary, records: () => Iterable<JournalRecord>, opts: VerifyOptions): Promise<VerifyResult> {
  const header = read.header;
  if (!header) return { kind: "unrunnable", message: `${opts.journalName}:1: no header: nothing says what run this was`, warnings: [] };
  const rec = recordedRun(header, opts.journalName, opts.cwd, opts.limits);
  if (!rec.ok) return { kind: "unrunnable", message: rec.message, warnings: [] };
  const { scenario, seed, durationSec } = rec.value;
  const warnings = rec.value.versionWarning ? [rec.value.versionWarning] : [];

  const footer = read.footer;
  const rerun = (holdAt?: number) => rerunAgainst(records(), { scenario, seed, durationSec, header, footer, stepEvents: opts.stepEvents, holdAt });

  let run = await rerun();
  let note: string | undefined;
  if (footer?.status === "interrupted" && missedTheStop(run)) {
    // Not where the loop checked for a stop: where the dashboard's pace held the run, perhaps.
    if (footer.at < durationSec) run = await rerun(footer.at);
    if (missedTheStop(run)) note = neverStoodThere(footer);
  }
  const { output, outcome } = run;
  if (output.readError !== undefined) return { kind: "unrunnable", message: output.readError, warnings };
  const rerunError = outcome.status === "failed" && outcome.error ? outcome.error.split("\n")[0] : undefined;
  const extra = { ...(rerunError ? { rerunError } : {}), ...(note ? { note } : {}) };

  if (output.divergence) return { kind: "diverged", divergence: output.divergence, verifiedLines: output.compared, warnings, ...extra };
  if (output.next !== undefined) {
    // The re-run wrote fewer lines than the journal holds.
    const i = output.compared;
    const difference: FieldDifference = { path: [], recorded: "a record", rerun: "(the re-run ended before this line)" };
    return { kind: "diverged", divergence: divergenceAt(i + 1, output.next, undefined, difference), verifiedLines: i, warnings, ...extra };
  }
  const lines = output.compared;
  const last = output.last as { at?: number } | undefined;
  const upToSec = typeof last?.at === "number" ? last.at : 0;
  if (!footer) return { kind: "verified", lines, scope: "prefix", upToSec, durationSec, warnings };

  // Every canonical line matched, so the digests match unless the footer's digest field
  // itself was changed (the canonical line leaves it out).
  const recordedDigest = footer.digest;
  const rerunDigest = outcome.footer?.digest ?? "";
  if (recordedDigest !== rerunDigest) {
    const difference: FieldDifference = { path: ["digest"], recorded: JSON.stringify(recordedDigest), rerun: JSON.stringify(rerunDigest) };
    const line = lines;
    return {
      kind: "diverged",
      divergence: { line, difference, recordedLine: `..."digest":${difference.recorded}...`, rerunLine: `..."digest":${difference.rerun}...` },
      verifiedLines: line - 1,
      warnings,
    };
  }
  return { kind: "verified", lines, scope: "whole", digest: rerunDigest, upToSec, durationSec, warnings };
}

interface Rerun {
  output: ComparingOutput;
  outcome: RunOutcome;
  /** The re-run stopped where the recorded interrupted footer says the run stopped. */
  stoppedThere: boolean;
}

interface RerunSetup {
  scenario: Scenario;
  seed: number;
  durationSec: number;
  header: HeaderRecord;
  /** The recorded footer, if the journal has one: always its last line. */
  footer: FooterRecord | undefined;
  stepEvents: number | undefined;
  /** Simulated time the re-run is held at once (as the dashboard's pace holds a run), if any. */
  holdAt: number | undefined;
}

/**
 * Re-runs the recorded run, comparing each line as it is written. When the last expected
 * line is an interrupted footer, the re-run stops as the recorded run did: at the first
 * check for a stop that comes at the footer's simulated time and event count. Snapshots
 * due at that time are written after one such check and before the next
 * (src/run/session.ts), so while the journal still holds them the stop waits for them.
 */
async function rerunAgainst(records: Iterable<JournalRecord>, s: RerunSetup): Promise<Rerun> {
  const output = new ComparingOutput(records);
  const stop = s.footer?.status === "interrupted" ? s.footer : undefined;
  let at = 0;
  let events = 0;
  let stoppedThere = false;
  const snapshotsDue = (t: number): boolean => output.next?.t === "snapshot" && output.next.at === t;
  const standsThere = (): boolean => stop !== undefined && at === stop.at && events === stop.simEvents && !snapshotsDue(at);
  const outcome = await runScenario(s.scenario, {
    seed: s.seed,
    durationSec: s.durationSec,
    journal: new Journal(output, { maxBytes: s.scenario.limits.maxJournalBytes }),
    fleetVersion: s.header.fleetVersion,
    headerOptions: s.header.options,
    stepEvents: s.stepEvents,
    observer: {
      onProgress(a, e) {
        at = a;
        events = e;
      },
    },
    pace: async (a) => {
      at = a;
      return s.holdAt !== undefined && a < s.holdAt ? s.holdAt : Infinity;
    },
    shouldStop: () => {
      if (output.done) return true;
      stoppedThere = standsThere();
      return stoppedThere;
    },
  });
  return { output, outcome, stoppedThere };
}

/** Every record matched, but the re-run never stopped where the interrupted footer says, so it could not compare it. */
function missedTheStop(run: Rerun): boolean {
  if (run.stoppedThere) return false;
  const { divergence, next } = run.output;
  return divergence === undefined ? next !== undefined : next?.t === "footer";
}

function neverStoodThere(footer: FooterRecord): string {
  return `the footer says the run was interrupted at ${formatTime(footer.at)} of simulated time after ${String(footer.simEvents)} events, but no re-run stood there (where the run's loop checks for a stop, or held there as the dashboard holds a run): the footer does not match the run`;
}
