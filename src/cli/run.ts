// One path for every command that runs a scenario and journals it (`chaos`, `replay
// --import`): open the journal (a file, a Redis stream, or none), start the reporter, stop
// cleanly on Ctrl-C, run every policy against the same fault trace, wait until every
// journal line is stored, end the report, and give the exit code of the run. The journal is
// bounded by limits.maxJournal (--max-journal): a scenario whose snapshots alone cannot fit
// is refused before the journal is opened (with --no-journal too: checkSnapshotBudget), and
// a run that reaches the limit stops there.
import { resolve } from "node:path";
import { UsageError } from "../base/errors.js";
import { EXIT, type Io } from "../base/io.js";
import { VERSION } from "../base/version.js";
import { defaultJournalPath, digestOnlyJournal, type Journal, JournalError, JournalExistsError, JournalWriter, type JsonObject } from "../journal/index.js";
import type { Reporter, StartInfo } from "../report/reporter.js";
import { type RunOutcome, runScenario } from "../run/session.js";
import { snapshotBudgetProblem } from "../scenario/journal-budget.js";
import type { Scenario } from "../scenario/load.js";
import { exitCodeOfRun, stopOnSignals } from "./signals.js";

export interface JournalChoice {
  /** --journal PATH or URL (undefined: the default path under runs/). */
  path?: string;
  /** --no-journal */
  none: boolean;
  /** --force: overwrite an existing journal */
  force: boolean;
  /** Whether a redis:// URL is accepted (chaos) or refused as a path (replay --import). */
  redis: boolean;
  /** --redis-timeout, for a redis:// journal. */
  redisTimeoutMs?: number;
}

export interface OpenJournal {
  journal: Journal;
  /** Where it is, as printed (a Redis URL without its password); undefined without a journal. */
  path?: string;
}

/** Opens the journal a command asked for; on an error the command's exit code (2) after printing it. */
export async function openJournal(
  choice: JournalChoice,
  run: { scenario: Scenario; seed: number; durationSec: number },
  io: Io,
  command: string,
): Promise<OpenJournal | number> {
  if (choice.none && choice.path !== undefined) throw new UsageError("--journal and --no-journal contradict each other");
  checkSnapshotBudget(run.scenario, run.durationSec);
  if (choice.none) return { journal: digestOnlyJournal() };
  const path = choice.path ?? defaultJournalPath(run.scenario.name, run.seed, new Date());
  const maxBytes = run.scenario.limits.maxJournalBytes;
  try {
    if (choice.redis && /^rediss?:\/\//i.test(path)) {
      // A Redis stream: redis://host:port/key (src/journal/redis.ts). Loaded only when asked
      // for: the Redis client costs ~150 ms to import.
      const { openRedisJournal } = await import("../journal/redis.js");
      const redisJournal = await openRedisJournal(path, { force: choice.force, env: io.env, maxBytes, timeoutMs: choice.redisTimeoutMs });
      return { journal: redisJournal, path: redisJournal.location };
    }
    return { journal: JournalWriter.open(resolve(io.cwd, path), { force: choice.force, maxBytes }), path };
  } catch (e) {
    if (e instanceof JournalExistsError || e instanceof JournalError || e instanceof UsageError) {
      io.err(`fleet ${command}: ${e.message.replace(resolve(io.cwd, path), path)}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}

/**
 * Refuses a run whose snapshots alone would pass the journal limit, journal or not: the
 * loader checks the scenario's own duration, and --duration (or a journal's header) may ask
 * for more. A run takes a step per snapshot whether or not it writes them, so `--duration
 * 30d` on a scenario of `duration: 1s` (a snapshot every 10ms) would run for days.
 */
export function checkSnapshotBudget(scenario: Scenario, durationSec: number, where = ""): void {
  const budget = snapshotBudgetProblem(scenario, durationSec);
  if (budget) throw new UsageError(`${where}${budget.message}; ${budget.hint}`);
}

export interface JournaledRun {
  /** What the reporter was started with (the caller starts it, and may print notes after). */
  info: StartInfo;
  journal: OpenJournal;
  reporter: Reporter;
  io: Io;
  /** Recorded in the journal header beside the duration (scenario file, reporter, incident). */
  headerOptions: JsonObject;
  /** The dashboard's pacing (pause, speed), when there is one. */
  pace?: (at: number) => Promise<number>;
  /** Stops the run like Ctrl-C (the dashboard's q). */
  quitRequested?: () => boolean;
}

export interface JournaledOutcome {
  outcome: RunOutcome;
  /** The run's exit code (130, 2, 3, or the verdicts'). */
  exitCode: number;
  /** Why the journal could not be stored completely (a Redis stream that failed), if so. */
  journalError?: string;
}

/** Runs the scenario with its journal and its started reporter. */
export async function runJournaled(r: JournaledRun): Promise<JournaledOutcome> {
  const { info, journal, reporter, io } = r;
  const signals = stopOnSignals(io, journal.journal, journal.path);
  const t0 = process.hrtime.bigint();
  try {
    const outcome = await runScenario(info.scenario, {
      seed: info.seed,
      durationSec: info.durationSec,
      journal: journal.journal,
      fleetVersion: VERSION,
      headerOptions: r.headerOptions,
      shouldStop: () => signals.count > 0 || r.quitRequested?.() === true,
      observer: reporter,
      pace: r.pace,
    });
    // A Redis journal sends its lines asynchronously: wait until every line is stored.
    const journalError = await journal.journal.settled().then(
      () => undefined,
      (e: Error) => e.message,
    );
    const wallSec = Number(process.hrtime.bigint() - t0) / 1e9;
    const exitCode = exitCodeOfRun(outcome);
    reporter.end({ outcome, wallSec, journalPath: journal.path, journalComplete: outcome.status === "complete" && journalError === undefined, exitCode });
    return journalError === undefined ? { outcome, exitCode } : { outcome, exitCode, journalError };
  } finally {
    signals.dispose();
  }
}

/** The command's exit code: the run's, or 3 (after saying why) when its journal was not stored. */
export function finalExitCode(r: JournaledOutcome, io: Io, command: string): number {
  if (r.journalError === undefined) return r.exitCode;
  io.err(`fleet ${command}: ${r.journalError}\n`);
  return EXIT.harness;
}
