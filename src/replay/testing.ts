// Test helper for the replay modules: record a run of a small scenario into memory, the
// way `fleet chaos` would, and edit the recorded journal as a person with a text editor
// would (with or without recomputing the line's CRC and the footer's digest).
//
//   const rec = await recordRun();                      // test/fixtures/replay.yaml, seed 5, 2d
//   const edited = editLine(rec.text, 118, (l) => l.replace('"hosts":1', '"hosts":2'), { crc: true });
//   const r = await verifyText(edited, { journalName: "run.jsonl", cwd: process.cwd() });
//
// Tests only: nothing in src/ outside tests imports it.
import { readFileSync } from "node:fs";
import { DigestAccumulator, MemoryJournal, sealLine, CRC_SUFFIX_BYTES, type FooterRecord, summarizeJournal } from "../journal/index.js";
import { runScenario, type RunOutcome } from "../run/session.js";
import { loadScenarioText } from "../scenario/load.js";
import { VERSION } from "../base/version.js";
import { bytesSource } from "./source.js";
import { type VerifyOptions, type VerifyResult, verifyJournal } from "./verify.js";

/** The replay fixture, relative to the repository root (where vitest runs). */
export const FIXTURE = "test/fixtures/replay.yaml";

export interface Recorded {
  text: string;
  lines: string[];
  footer: FooterRecord;
  outcome: RunOutcome;
}

/** Runs `file` (default the replay fixture) into a MemoryJournal, as `fleet chaos` records it. */
export async function recordRun(
  opts: {
    file?: string;
    text?: string;
    seed?: number;
    durationSec?: number;
    /** Stops the run as interrupted (as Ctrl-C does) at the n-th check between steps. */
    stopAfterSteps?: number;
    /** Events per lane in one step of the run's loop (default: the run's own). */
    stepEvents?: number;
    /** Holds the run as the dashboard does (src/run/session.ts `pace`). */
    pace?: (at: number) => Promise<number>;
    fleetVersion?: string;
  } = {},
): Promise<Recorded> {
  const file = opts.file ?? FIXTURE;
  const loaded = loadScenarioText(opts.text ?? readFileSync(file, "utf8"), file);
  if (!loaded.ok) throw new Error(`${file} must load: ${JSON.stringify(loaded.issues)}`);
  const journal = new MemoryJournal();
  let steps = 0;
  const outcome = await runScenario(loaded.value, {
    seed: opts.seed ?? loaded.value.seed,
    durationSec: opts.durationSec ?? loaded.value.durationSec,
    journal,
    fleetVersion: opts.fleetVersion ?? VERSION,
    headerOptions: { file, reporter: "text" },
    stepEvents: opts.stepEvents,
    pace: opts.pace,
    shouldStop: opts.stopAfterSteps !== undefined ? () => ++steps > opts.stopAfterSteps! : undefined,
  });
  if (!outcome.footer) throw new Error("the run wrote no footer");
  return { text: journal.text(), lines: [...journal.lines], footer: outcome.footer, outcome };
}

/** The 1-based line number of the first line containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const i = text.split("\n").findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`no line contains ${needle}`);
  return i + 1;
}

/** A line with its CRC recomputed (its content without the trailing newline). */
export function resealed(line: string): string {
  return sealLine(line.slice(0, line.length - CRC_SUFFIX_BYTES)).slice(0, -1);
}

/**
 * Replaces line `n` (1-based) by `edit(line)`. `crc: true` recomputes that line's CRC;
 * `digest: true` also recomputes the footer's digest (and the footer's CRC), as a careful
 * forger would, so that only a re-run can tell.
 */
export function editLine(text: string, n: number, edit: (line: string) => string, opts: { crc?: boolean; digest?: boolean } = {}): string {
  const lines = text.split("\n");
  let line = edit(lines[n - 1]);
  if (opts.crc || opts.digest) line = resealed(line);
  lines[n - 1] = line;
  if (opts.digest) {
    const acc = new DigestAccumulator();
    const footerIndex = lines.findIndex((l) => l.startsWith('{"t":"footer"'));
    for (let i = 0; i < footerIndex; i++) acc.add(JSON.parse(lines[i]) as object);
    const footer = JSON.parse(lines[footerIndex]) as Record<string, unknown>;
    acc.add(footer);
    const digest = acc.finish();
    lines[footerIndex] = resealed(lines[footerIndex].replace(/"digest":"[0-9a-f]{64}"/, `"digest":"${digest}"`));
  }
  return lines.join("\n");
}

/** Verifies a journal's text as `fleet replay --verify` reads a file: checked in one pass, its records read again for each re-run. */
export function verifyText(text: string, opts: VerifyOptions): Promise<VerifyResult> {
  const src = bytesSource(opts.journalName, Buffer.from(text, "utf8"));
  const read = summarizeJournal(src.items());
  return verifyJournal(read, () => src.records(read), opts);
}
