// Proving a journal reproduces: re-run the recorded scenario with the recorded seed and
// duration, and compare the re-run's journal with the recorded one line by line, as the
// run digest sees them (no crc, no wall-clock fields, no footer digest). The re-run's
// header carries the recorded fleetVersion and options, so a faithful run gives the
// recorded header too; a different fleet version is reported as a warning, not a
// difference.
//
// The comparison streams: each line the re-run writes is checked as it is written, and
// the re-run stops at the first difference or once every recorded line has been matched.
// A truncated journal (no footer) or an interrupted one (its footer stands where Ctrl-C
// fell) is a prefix of the run: its records are verified and its footer, if any, is not
// compared. The re-run always simulates towards the recorded duration (never a shorter
// horizon), since some injectors plan by the horizon.
import { canonicalLine, Journal, type JournalReadResult, type LineOutput } from "../journal/index.js";
import { runScenario } from "../run/session.js";
import type { Limits } from "../scenario/load.js";
import { firstCharDiff, firstDifference, shorten, type FieldDifference } from "./compare.js";
import { recordedRun } from "./recorded.js";

export interface Divergence {
  /** 1-based line of the journal where the re-run first differs. */
  line: number;
  difference: FieldDifference;
  /** Both lines, canonical (no crc, no wall), shortened around the first difference. */
  recordedLine: string;
  rerunLine: string;
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
  | { kind: "diverged"; divergence: Divergence; verifiedLines: number; rerunError?: string; warnings: string[] }
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

/** Receives the re-run's lines and checks each against the recorded record of the same line. */
class ComparingOutput implements LineOutput {
  /** Lines compared so far. */
  compared = 0;
  divergence: Divergence | undefined;

  constructor(private readonly expected: readonly object[]) {}

  get done(): boolean {
    return this.divergence !== undefined || this.compared >= this.expected.length;
  }

  write(line: string): void {
    if (this.done) return;
    const rerun = JSON.parse(line) as Record<string, unknown>;
    delete rerun.crc;
    const i = this.compared;
    const d = firstDifference(this.expected[i], rerun);
    if (d) this.divergence = divergenceAt(i + 1, this.expected[i], rerun, d);
    else this.compared++;
  }

  end(): void {}
}

function canonical(r: object | undefined): string {
  return r === undefined ? GONE : canonicalLine(r);
}

function divergenceAt(line: number, recorded: object | undefined, rerun: object | undefined, difference: FieldDifference): Divergence {
  const a = canonical(recorded);
  const b = canonical(rerun);
  const at = firstCharDiff(a, b);
  return { line, difference, recordedLine: shorten(a, at), rerunLine: shorten(b, at) };
}

export async function verifyJournal(read: JournalReadResult, opts: VerifyOptions): Promise<VerifyResult> {
  const header = read.header;
  if (!header) return { kind: "unrunnable", message: `${opts.journalName}:1: no header: nothing says what run this was`, warnings: [] };
  const rec = recordedRun(header, opts.journalName, opts.cwd, opts.limits);
  if (!rec.ok) return { kind: "unrunnable", message: rec.message, warnings: [] };
  const { scenario, seed, durationSec } = rec.value;
  const warnings = rec.value.versionWarning ? [rec.value.versionWarning] : [];

  const whole = read.footer !== undefined && read.footer.status !== "interrupted";
  const expected: object[] = [header, ...read.records];
  if (whole) expected.push(read.footer!);

  const output = new ComparingOutput(expected);
  const outcome = await runScenario(scenario, {
    seed,
    durationSec,
    journal: new Journal(output),
    fleetVersion: header.fleetVersion,
    headerOptions: header.options,
    stepEvents: opts.stepEvents,
    shouldStop: () => output.done,
  });
  const rerunError = outcome.status === "failed" && outcome.error ? outcome.error.split("\n")[0] : undefined;

  if (output.divergence)
    return { kind: "diverged", divergence: output.divergence, verifiedLines: output.compared, warnings, ...(rerunError ? { rerunError } : {}) };
  if (output.compared < expected.length) {
    // The re-run wrote fewer lines than the journal holds.
    const i = output.compared;
    const difference: FieldDifference = { path: [], recorded: "a record", rerun: "(the re-run ended before this line)" };
    return {
      kind: "diverged",
      divergence: divergenceAt(i + 1, expected[i], undefined, difference),
      verifiedLines: i,
      warnings,
      ...(rerunError ? { rerunError } : {}),
    };
  }
  const last = expected[expected.length - 1] as { at?: number };
  const upToSec = typeof last.at === "number" ? last.at : 0;
  if (!whole) return { kind: "verified", lines: expected.length, scope: "prefix", upToSec, durationSec, warnings };

  // Every canonical line matched, so the digests match unless the footer's digest field
  // itself was changed (the canonical line leaves it out).
  const recordedDigest = read.footer!.digest;
  const rerunDigest = outcome.footer?.digest ?? "";
  if (recordedDigest !== rerunDigest) {
    const difference: FieldDifference = { path: ["digest"], recorded: JSON.stringify(recordedDigest), rerun: JSON.stringify(rerunDigest) };
    const line = expected.length;
    return {
      kind: "diverged",
      divergence: { line, difference, recordedLine: `..."digest":${difference.recorded}...`, rerunLine: `..."digest":${difference.rerun}...` },
      verifiedLines: line - 1,
      warnings,
    };
  }
  return { kind: "verified", lines: expected.length, scope: "whole", digest: rerunDigest, upToSec, durationSec, warnings };
}
