// `fleet chaos SCENARIO`: load and check the scenario, print the seed line, run every
// policy against the same fault trace, journal everything, print the verdicts. Ctrl-C
// stops cleanly: the journal gets an "interrupted" footer, the partial summary is
// printed, and the exit code is 130. A second Ctrl-C exits at once (the journal is
// still readable up to its last complete record: every record is written as it goes).
import { JournalExistsError, JournalWriter, defaultJournalPath, digestOnlyJournal, JournalError, type Journal } from "../journal/index.js";
import { loadScenarioFile, type Scenario } from "../scenario/load.js";
import { formatIssues } from "../base/issues.js";
import { countScenario } from "../scenario/summary.js";
import { formatDuration, parseSize } from "../base/units.js";
import { laneNames, runScenario } from "../run/session.js";
import { JsonReporter } from "../report/json.js";
import { TextReporter } from "../report/text.js";
import { seedLine, type Reporter } from "../report/reporter.js";
import { choice, durationOption, flag, int, parse, str, type OptionSpec } from "./args.js";
import { UsageError } from "../base/errors.js";
import { EXIT, type Io } from "../base/io.js";
import { exitCodeOfRun, stopOnSignals } from "./signals.js";
import { VERSION } from "../base/version.js";
import type { DashboardReporter } from "../tui/reporter.js";
import { wantsDashboard } from "../tui/choose.js";
import { colorWanted } from "../tui/palette.js";

export const chaosOptions: OptionSpec = {
  seed: { type: "string" },
  duration: { type: "string" },
  reporter: { type: "string" },
  journal: { type: "string" },
  "no-journal": { type: "boolean" },
  force: { type: "boolean" },
  "max-hosts": { type: "string" },
  "max-events": { type: "string" },
  "max-memory": { type: "string" },
  quiet: { type: "boolean", short: "q" },
};

export interface ChaosSetup {
  scenario: Scenario;
  file: string;
  seed: number;
  durationSec: number;
}

/** Parses the options shared by commands that run a scenario; exits 2 on bad input. */
export function loadForRun(argv: string[], io: Io, command: string): { setup: ChaosSetup; parsed: ReturnType<typeof parse> } | number {
  const p = parse(command, argv, chaosOptions);
  if (p.positionals.length !== 1) throw new UsageError(`${command} needs exactly one scenario file, found ${p.positionals.length}`);
  const file = p.positionals[0];
  const maxHosts = int(p, "max-hosts", { min: 1 });
  const maxEvents = int(p, "max-events", { min: 1 });
  const maxMemoryBytes = memoryLimit(str(p, "max-memory"));
  const r = loadScenarioFile(file, { limits: { maxHosts, maxEvents, maxMemoryBytes } });
  if (!r.ok) {
    io.err(`${formatIssues(file, r.issues)}\n`);
    return EXIT.usage;
  }
  const scenario = r.value;
  const seed = int(p, "seed", { min: 0, max: 2 ** 53 - 1 }) ?? scenario.seed;
  const durationSec = durationOption(p, scenario.limits.maxDurationSec) ?? scenario.durationSec;
  return { setup: { scenario, file, seed, durationSec }, parsed: p };
}

export async function chaosCommand(argv: string[], io: Io): Promise<number> {
  const loaded = loadForRun(argv, io, "chaos");
  if (typeof loaded === "number") return loaded;
  const { setup, parsed: p } = loaded;
  const { scenario, file, seed, durationSec } = setup;
  // The dashboard on a terminal (src/tui/choose.ts); text or json never start Ink.
  const reporterFlag = choice(p, "reporter", ["text", "json", "dashboard"] as const);
  const reporterName = wantsDashboard(reporterFlag, io) ? "dashboard" : (reporterFlag ?? "text");
  if (flag(p, "no-journal") && str(p, "journal")) throw new UsageError("--journal and --no-journal contradict each other");

  let journal: Journal;
  let journalPath: string | undefined;
  if (flag(p, "no-journal")) {
    journal = digestOnlyJournal();
  } else {
    journalPath = str(p, "journal") ?? defaultJournalPath(scenario.name, seed, new Date());
    try {
      if (/^rediss?:\/\//i.test(journalPath)) {
        // A Redis stream: redis://host:port/key (see src/distributed/redis-journal.ts).
        // Loaded only when asked for: the Redis client costs ~150 ms to import.
        const { openRedisJournal } = await import("../distributed/redis-journal.js");
        const redisJournal = await openRedisJournal(journalPath, { force: flag(p, "force"), env: io.env });
        journal = redisJournal;
        journalPath = redisJournal.location; // without the password: it is printed
      } else {
        journal = JournalWriter.open(journalPath, { force: flag(p, "force") });
      }
    } catch (e) {
      if (e instanceof JournalExistsError || e instanceof JournalError || e instanceof UsageError) {
        io.err(`fleet chaos: ${e.message}\n`);
        return EXIT.usage;
      }
      throw e;
    }
  }

  const counts = countScenario(scenario);
  const policies = laneNames(scenario).filter((x): x is string => x !== undefined);
  const line = seedLine(file, seed, durationSec, counts, policies, formatDuration);
  let dashboard: DashboardReporter | undefined;
  if (reporterName === "dashboard") {
    // Ink and React load only for the dashboard, and in React's production build (its
    // development build makes every frame several times slower).
    process.env.NODE_ENV ??= "production";
    const { DashboardReporter } = await import("../tui/reporter.js");
    dashboard = new DashboardReporter({
      stdout: process.stdout,
      stdin: process.stdin,
      out: io.out,
      err: io.err,
      color: colorWanted(io.env),
      quiet: flag(p, "quiet"),
    });
  }
  const reporter: Reporter =
    dashboard ??
    (reporterName === "json" ? new JsonReporter({ out: io.out, err: io.err }) : new TextReporter({ out: io.out, err: io.err, quiet: flag(p, "quiet") }));
  reporter.start({ scenario, file, seed, durationSec, counts, policies, journalPath, seedLine: line });

  const signals = stopOnSignals(io, journal, journalPath);
  const t0 = process.hrtime.bigint();
  try {
    const outcome = await runScenario(scenario, {
      seed,
      durationSec,
      journal,
      fleetVersion: VERSION,
      headerOptions: { file, reporter: reporterName },
      // q on the dashboard stops the run like Ctrl-C: interrupted, exit 130.
      shouldStop: () => signals.count > 0 || dashboard?.quitRequested === true,
      observer: reporter,
      pace: dashboard?.pace,
    });
    // A Redis journal sends its lines asynchronously: wait until every line is stored.
    const journalError = await journal.settled().then(
      () => undefined,
      (e: Error) => e.message,
    );
    const wallSec = Number(process.hrtime.bigint() - t0) / 1e9;
    const exitCode = exitCodeOfRun(outcome);
    reporter.end({ outcome, wallSec, journalPath, journalComplete: outcome.status === "complete" && journalError === undefined, exitCode });
    // After a complete run the dashboard stays up until q; then it prints the summary.
    await dashboard?.closed;
    if (journalError !== undefined) {
      io.err(`fleet chaos: ${journalError}\n`);
      return EXIT.harness;
    }
    return exitCode;
  } finally {
    signals.dispose();
    await dashboard?.abandon(); // gives the terminal back if the run threw
  }
}

/** `--max-memory 8GiB` in bytes; undefined when not given. */
function memoryLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  let bytes: number;
  try {
    bytes = parseSize(text);
  } catch (e) {
    throw new UsageError(`--max-memory: ${(e as Error).message}`);
  }
  if (!(bytes > 0)) throw new UsageError("--max-memory must be more than zero, e.g. 8GiB");
  return bytes;
}
