// What a journal's header says about the run it recorded, turned back into a run: the
// scenario (its full text is in the header), the seed and the simulated duration. Every
// replay mode starts here, and so do `fleet explain` and `fleet shrink` given a journal. A
// header is untrusted input like a scenario file, and held to the same limits: the
// scenario text is loaded as any scenario (its `limits:`, raised by --max-hosts and
// --max-events), the seed must be one a scenario may give, the duration must be within the
// scenario's limits.maxDuration, and its snapshots within the journal limit, as `fleet
// chaos --duration` requires. A journal limit raised on the command line (`--max-journal`,
// header `options.maxJournalBytes`) applies again: the re-run stops where the run did. A
// relative timeline file named in the scenario is looked up from the recorded scenario
// file's folder (header `options.file`, relative to the working folder), as `fleet chaos`
// did when it ran, provided that folder lies inside the working folder (else from the
// working folder itself).
import { isAbsolute, relative, resolve } from "node:path";
import type { HeaderRecord } from "../journal/index.js";
import { formatIssues } from "../base/issues.js";
import { formatDuration } from "../base/units.js";
import { snapshotBudgetProblem } from "../scenario/journal-budget.js";
import { loadScenarioText, type Limits, type Scenario } from "../scenario/load.js";
import { VERSION } from "../base/version.js";

export interface RecordedRun {
  scenario: Scenario;
  seed: number;
  durationSec: number;
  /** The scenario file recorded in the header (options.file), if any. */
  file: string | undefined;
  /** Set when the journal was written by another version of fleet. */
  versionWarning?: string;
}

export type Recorded = { ok: true; value: RecordedRun } | { ok: false; message: string };

export function recordedRun(header: HeaderRecord, journalName: string, cwd: string, limits: Partial<Limits> = {}): Recorded {
  const options = header.options ?? {};
  const seed = typeof header.seed === "number" ? header.seed : /^\d+$/.test(header.seed) ? Number(header.seed) : NaN;
  if (!Number.isSafeInteger(seed) || seed < 0)
    return {
      ok: false,
      message: `${journalName}:1: the header's seed ${JSON.stringify(header.seed)} is not a whole number fleet can re-run (0 to 2^53-1, as a scenario's seed)`,
    };
  const durationSec = options.durationSec;
  if (typeof durationSec !== "number" || !(durationSec > 0)) {
    return {
      ok: false,
      message: `${journalName}:1: the header has no options.durationSec (found ${JSON.stringify(durationSec ?? null)}): the run's length is unknown`,
    };
  }
  const maxJournalBytes = options.maxJournalBytes;
  if (maxJournalBytes !== undefined && !(Number.isSafeInteger(maxJournalBytes) && (maxJournalBytes as number) > 0))
    return {
      ok: false,
      message: `${journalName}:1: the header's options.maxJournalBytes ${JSON.stringify(maxJournalBytes)} is not a journal limit (a whole number of bytes, more than zero)`,
    };
  if (typeof maxJournalBytes === "number") limits = { ...limits, maxJournalBytes };
  const file = typeof options.file === "string" ? options.file : undefined;
  // The header is untrusted input like any scenario: its `file` may place the scenario's
  // folder (where its timelines are looked up) only inside the working folder.
  const asGiven = file !== undefined ? resolve(cwd, file) : undefined;
  const loadAs = asGiven !== undefined && isInside(cwd, asGiven) ? asGiven : resolve(cwd, "recorded-scenario.yaml");
  const loaded = loadScenarioText(header.scenarioText, loadAs, { limits });
  if (!loaded.ok) {
    const label = `${journalName}:1 (the scenario text in the header)`;
    const version = header.fleetVersion !== VERSION ? ` (recorded by fleet ${header.fleetVersion}, this is fleet ${VERSION})` : "";
    return { ok: false, message: `the recorded scenario does not load in this build${version}:\n${formatIssues(label, loaded.issues)}` };
  }
  const maxSec = loaded.value.limits.maxDurationSec;
  if (durationSec > maxSec) {
    return {
      ok: false,
      message: `${journalName}:1: the header's options.durationSec ${durationSec} (${formatDuration(durationSec)}) is above the safety limit of ${formatDuration(maxSec)} (limits.maxDuration of the recorded scenario): fleet does not run it`,
    };
  }
  // A duration past the scenario's own asks for more snapshots than the loader checked.
  const budget = snapshotBudgetProblem(loaded.value, durationSec);
  if (budget)
    return {
      ok: false,
      message: `${journalName}:1: the header's options.durationSec ${durationSec} (${formatDuration(durationSec)}): ${budget.message}: fleet does not run it`,
    };
  const run: RecordedRun = { scenario: loaded.value, seed, durationSec, file };
  if (header.fleetVersion !== VERSION) {
    run.versionWarning = `the journal was written by fleet ${header.fleetVersion}, this is fleet ${VERSION}: a difference may come from the version, not the run`;
  }
  return { ok: true, value: run };
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(resolve(dir), path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}
