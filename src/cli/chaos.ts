// `fleet chaos SCENARIO`: load and check the scenario, print the seed line, run every
// policy against the same fault trace, journal everything, print the verdicts. Ctrl-C
// stops cleanly: the journal gets an "interrupted" footer, the partial summary is
// printed, and the exit code is 130. A second Ctrl-C exits at once (the journal is
// still readable up to its last complete record: every record is written as it goes).
import { loadScenarioFile, type Scenario } from "../scenario/load.js";
import { formatIssues, formatWarnings } from "../base/issues.js";
import { countScenario } from "../scenario/summary.js";
import { formatDuration } from "../base/units.js";
import { laneNames } from "../run/session.js";
import { JsonReporter } from "../report/json.js";
import { TextReporter } from "../report/text.js";
import { seedLine, type Reporter } from "../report/reporter.js";
import { choice, durationOption, flag, int, parse, sizeOption, str, type OptionSpec } from "./args.js";
import { UsageError } from "../base/errors.js";
import { EXIT, type Io } from "../base/io.js";
import { finalExitCode, openJournal, runJournaled } from "./run.js";
import { readRedisTimeout, redisTimeoutOption } from "./redis-timeout.js";
import type { DashboardReporter } from "../tui/reporter.js";
import { loadInk } from "../tui/load.js";
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
  "max-journal": { type: "string" },
  quiet: { type: "boolean", short: "q" },
  ...redisTimeoutOption,
};

export interface ChaosSetup {
  scenario: Scenario;
  file: string;
  seed: number;
  durationSec: number;
  /** --max-journal, when given: recorded in the journal's header so --verify re-runs with it. */
  maxJournalBytes: number | undefined;
}

/** Parses the options shared by commands that run a scenario; exits 2 on bad input. */
export function loadForRun(argv: string[], io: Io, command: string): { setup: ChaosSetup; parsed: ReturnType<typeof parse> } | number {
  const p = parse(command, argv, chaosOptions);
  if (p.positionals.length !== 1) throw new UsageError(`${command} needs exactly one scenario file, found ${p.positionals.length}`);
  const file = p.positionals[0];
  const maxHosts = int(p, "max-hosts", { min: 1 });
  const maxEvents = int(p, "max-events", { min: 1 });
  const maxMemoryBytes = sizeOption(p, "max-memory");
  const maxJournalBytes = sizeOption(p, "max-journal");
  const r = loadScenarioFile(file, { limits: { maxHosts, maxEvents, maxMemoryBytes, maxJournalBytes } });
  if (!r.ok) {
    io.err(`${formatIssues(file, r.issues)}\n`);
    return EXIT.usage;
  }
  const scenario = r.value;
  if (scenario.warnings.length) io.err(`${formatWarnings(file, scenario.warnings)}\n`);
  const seed = int(p, "seed", { min: 0, max: 2 ** 53 - 1 }) ?? scenario.seed;
  const durationSec = durationOption(p, scenario.limits.maxDurationSec) ?? scenario.durationSec;
  return { setup: { scenario, file, seed, durationSec, maxJournalBytes }, parsed: p };
}

export async function chaosCommand(argv: string[], io: Io): Promise<number> {
  const loaded = loadForRun(argv, io, "chaos");
  if (typeof loaded === "number") return loaded;
  const { setup, parsed: p } = loaded;
  const { scenario, file, seed, durationSec, maxJournalBytes } = setup;
  // The dashboard on a terminal (src/tui/choose.ts); text or json never start Ink.
  const reporterFlag = choice(p, "reporter", ["text", "json", "dashboard"] as const);
  const reporterName = wantsDashboard(reporterFlag, io) ? "dashboard" : (reporterFlag ?? "text");

  const journal = str(p, "journal");
  const redisTimeoutMs = readRedisTimeout(p);
  if (redisTimeoutMs !== undefined && !/^rediss?:\/\//i.test(journal ?? ""))
    throw new UsageError("--redis-timeout goes with a redis:// journal (--journal redis://host:port/key)");
  const opened = await openJournal(
    { path: journal, none: flag(p, "no-journal"), force: flag(p, "force"), redis: true, redisTimeoutMs },
    { scenario, seed, durationSec },
    io,
    "chaos",
  );
  if (typeof opened === "number") return opened;
  const journalPath = opened.path;

  const counts = countScenario(scenario);
  const policies = laneNames(scenario).filter((x): x is string => x !== undefined);
  const line = seedLine(file, seed, durationSec, counts, policies, formatDuration);
  let dashboard: DashboardReporter | undefined;
  if (reporterName === "dashboard") {
    // Ink and React load only for the dashboard (src/tui/load.ts says how).
    const { DashboardReporter } = await loadInk(() => import("../tui/reporter.js"));
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
    (reporterName === "json"
      ? new JsonReporter({ out: io.out, err: io.err, quiet: flag(p, "quiet") })
      : new TextReporter({ out: io.out, err: io.err, quiet: flag(p, "quiet") }));
  const info = { scenario, file, seed, durationSec, counts, policies, journalPath, seedLine: line };
  reporter.start(info);
  try {
    const result = await runJournaled({
      info,
      journal: opened,
      reporter,
      io,
      headerOptions: { file, reporter: reporterName, ...(maxJournalBytes !== undefined ? { maxJournalBytes } : {}) },
      // q on the dashboard stops the run like Ctrl-C: interrupted, exit 130.
      quitRequested: () => dashboard?.quitRequested === true,
      pace: dashboard?.pace,
    });
    // After a complete run the dashboard stays up until q; then it prints the summary.
    await dashboard?.closed;
    return finalExitCode(result, io, "chaos");
  } finally {
    await dashboard?.abandon(); // gives the terminal back if the run threw
  }
}
