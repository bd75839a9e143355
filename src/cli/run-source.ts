// The run a command takes apart (`fleet explain`, `fleet shrink`): a scenario file at a
// seed and duration, or a journal, at the scenario, seed and duration its header records.
// A journal's header is untrusted input: it is read as every replay mode reads it
// (src/replay/recorded.ts: its limits, its seed and duration, and timelines looked up
// beside the recorded scenario only inside the working folder). --duration and --seed
// override either; a duration is held to the scenario's limits and its snapshots to the
// journal limit.
import { UsageError } from "../base/errors.js";
import { EXIT, type Io } from "../base/io.js";
import { formatIssues } from "../base/issues.js";
import { formatDuration } from "../base/units.js";
import { JournalError, readJournal } from "../journal/index.js";
import { recordedRun } from "../replay/recorded.js";
import { loadScenarioFile, type Scenario } from "../scenario/load.js";
import { durationOption, int, type Parsed } from "./args.js";
import { checkSnapshotBudget } from "./run.js";

/** The scenario, seed and duration of a scenario file or of a journal's header. */
export function scenarioOrJournal(file: string, p: Parsed, io: Io): { scenario: Scenario; text: string; seed: number; durationSec: number } | number {
  let scenario: Scenario;
  let seed: number;
  let durationSec: number;
  if (file.endsWith(".jsonl")) {
    let header: ReturnType<typeof readJournal>["header"];
    try {
      header = readJournal(file).header;
    } catch (e) {
      if (e instanceof JournalError) throw new UsageError(e.message);
      throw e;
    }
    if (!header || typeof header.scenarioText !== "string")
      throw new UsageError(`${file}: no journal header with the scenario; give the scenario file and --seed`);
    const recorded = recordedRun(header, file, io.cwd);
    if (!recorded.ok) {
      io.err(`${recorded.message}\n`);
      return EXIT.usage;
    }
    ({ scenario, seed, durationSec } = recorded.value);
  } else {
    const loaded = loadScenarioFile(file);
    if (!loaded.ok) {
      io.err(`${formatIssues(file, loaded.issues)}\n`);
      return EXIT.usage;
    }
    scenario = loaded.value;
    seed = scenario.seed;
    durationSec = scenario.durationSec;
  }
  const d = durationOption(p) ?? durationSec;
  if (d > scenario.limits.maxDurationSec)
    throw new UsageError(`--duration ${formatDuration(d)} is above the safety limit of ${formatDuration(scenario.limits.maxDurationSec)}`);
  checkSnapshotBudget(scenario, d);
  return { scenario, text: scenario.source.text, seed: int(p, "seed", { min: 0, max: 2 ** 53 - 1 }) ?? seed, durationSec: d };
}
