// `fleet replay --import INCIDENT --scenario FILE`: a real incident timeline as the whole
// fault trace of a scenario, run and journaled like `fleet chaos` (./../run.ts).
import { UsageError } from "../../base/errors.js";
import { EXIT, type Io } from "../../base/io.js";
import { formatDuration, formatTime, parseDuration, type UnitError } from "../../base/units.js";
import type { Reporter } from "../../report/reporter.js";
import { JsonReporter } from "../../report/json.js";
import { TextReporter } from "../../report/text.js";
import { coveringDuration, importIncident } from "../../replay/incident.js";
import { laneNames } from "../../run/session.js";
import type { Limits } from "../../scenario/load.js";
import { countScenario } from "../../scenario/summary.js";
import { flag, int, type Parsed, str } from "../args.js";
import { finalExitCode, openJournal, runJournaled } from "../run.js";
import type { ReporterName } from "./trust.js";

export async function importMode(p: Parsed, io: Io, reporterName: ReporterName, limits: Partial<Limits>): Promise<number> {
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
        `duration extended from the scenario's ${formatDuration(scenario.durationSec)} to ${formatDuration(durationSec)}, to cover the incident's last fault and its repair (over at ${formatTime(endSec)})`,
      );
  }
  if (durationSec > scenario.limits.maxDurationSec) {
    throw new UsageError(
      `the duration ${formatDuration(durationSec)} is above the safety limit of ${formatDuration(scenario.limits.maxDurationSec)}; raise limits.maxDuration in the scenario`,
    );
  }

  const opened = await openJournal(
    { path: str(p, "journal"), none: flag(p, "no-journal"), force: flag(p, "force"), redis: false },
    { scenario, seed, durationSec },
    io,
    "replay",
  );
  if (typeof opened === "number") return opened;
  const journalPath = opened.path;

  const counts = countScenario(scenario);
  const policies = laneNames(scenario).filter((x): x is string => x !== undefined);
  const line =
    `seed=${seed} scenario=${scenarioFile} incident=${incident} duration=${formatDuration(durationSec)} hosts=${counts.hosts} faults=${faults.length} policies=${policies.length ? policies.join(",") : "none"}` +
    `  # reproduce: fleet replay --import ${incident} --scenario ${scenarioFile} --seed ${seed} --duration ${formatDuration(durationSec)}`;
  const reporter: Reporter = reporterName === "json" ? new JsonReporter({ out: io.out, err: io.err }) : new TextReporter({ out: io.out, err: io.err });
  const info = { scenario, file: scenarioFile, seed, durationSec, counts, policies, journalPath, seedLine: line };
  reporter.start(info);
  const say = (s: string) => (reporterName === "text" ? io.out(`${s}\n`) : io.err(`${s}\n`));
  const first = Math.min(...faults.map((f) => f.atSec));
  const last = Math.max(...faults.map((f) => f.atSec));
  say(
    `incident: ${faults.length} fault${faults.length === 1 ? "" : "s"} from ${incident}, ${formatDuration(first)} to ${formatDuration(last)}; the scenario's own faults are left out`,
  );
  for (const note of notes) say(`note: ${note}`);

  const result = await runJournaled({
    info,
    journal: opened,
    reporter,
    io,
    headerOptions: {
      file: scenarioFile,
      incident,
      incidentSha256,
      reporter: reporterName,
      // A raised journal limit is recorded, so --verify re-runs with it (src/replay/recorded.ts).
      ...(limits.maxJournalBytes !== undefined ? { maxJournalBytes: limits.maxJournalBytes } : {}),
    },
  });
  return finalExitCode(result, io, "replay");
}
