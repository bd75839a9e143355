// The run a command takes apart (`fleet explain`, `fleet shrink`): a scenario file at a
// seed and duration, or a journal, at the scenario, seed and duration its header records.
import { UsageError } from "../base/errors.js";
import { EXIT, type Io } from "../base/io.js";
import { formatIssues } from "../base/issues.js";
import { formatDuration } from "../base/units.js";
import { JournalError, readJournal } from "../journal/index.js";
import { loadScenarioFile, loadScenarioText, type Scenario } from "../scenario/load.js";
import { durationOption, int, type Parsed } from "./args.js";

/** The scenario, seed and duration of a scenario file or of a journal's header. */
export function scenarioOrJournal(file: string, p: Parsed, io: Io): { scenario: Scenario; text: string; seed: number; durationSec: number } | number {
  let text: string;
  let seed: number | undefined;
  let durationSec: number | undefined;
  let loaded: ReturnType<typeof loadScenarioFile>;
  if (file.endsWith(".jsonl")) {
    let header: Record<string, unknown> | undefined;
    try {
      const j = readJournal(file);
      header = j.header as Record<string, unknown> | undefined;
    } catch (e) {
      if (e instanceof JournalError) throw new UsageError(e.message);
      throw e;
    }
    if (!header || typeof header.scenarioText !== "string")
      throw new UsageError(`${file}: no journal header with the scenario; give the scenario file and --seed`);
    text = header.scenarioText;
    seed = typeof header.seed === "number" ? header.seed : undefined;
    const opts = header.options as Record<string, unknown> | undefined;
    durationSec = typeof opts?.durationSec === "number" ? opts.durationSec : undefined;
    loaded = loadScenarioText(text, typeof opts?.file === "string" ? opts.file : file);
  } else {
    loaded = loadScenarioFile(file);
    text = loaded.ok ? loaded.value.source.text : "";
  }
  if (!loaded.ok) {
    io.err(`${formatIssues(file, loaded.issues)}\n`);
    return EXIT.usage;
  }
  const scenario = loaded.value;
  const d = durationOption(p) ?? durationSec ?? scenario.durationSec;
  if (d > scenario.limits.maxDurationSec)
    throw new UsageError(`--duration ${formatDuration(d)} is above the safety limit of ${formatDuration(scenario.limits.maxDurationSec)}`);
  return { scenario, text, seed: int(p, "seed", { min: 0, max: 2 ** 53 - 1 }) ?? seed ?? scenario.seed, durationSec: d };
}
