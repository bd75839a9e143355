// One reporter interface, many reporters (text, JSON, the Ink dashboard), all over the
// same run model: vitest's shape. A reporter hears the start of a run, its records and
// snapshots as they happen, and its end; it owns nothing of the run.
import type { RunObserver, RunOutcome } from "../run/session.js";
import type { Scenario } from "../scenario/load.js";
import type { ScenarioCounts } from "../scenario/summary.js";

export interface StartInfo {
  scenario: Scenario;
  file: string;
  seed: number;
  durationSec: number;
  counts: ScenarioCounts;
  policies: string[];
  journalPath: string | undefined;
  /** The line that reproduces the run; printed first. */
  seedLine: string;
}

export interface EndInfo {
  outcome: RunOutcome;
  wallSec: number;
  journalPath: string | undefined;
  journalComplete: boolean;
  exitCode: number;
}

export interface Reporter extends RunObserver {
  start(info: StartInfo): void;
  end(info: EndInfo): void;
}

export function seedLine(
  file: string,
  seed: number,
  durationSec: number,
  counts: ScenarioCounts,
  policies: string[],
  fmtDuration: (s: number) => string,
): string {
  const parts = [
    `seed=${seed}`,
    `scenario=${file}`,
    `duration=${fmtDuration(durationSec)}`,
    `hosts=${counts.hosts}`,
    `racks=${counts.racks}`,
    `busbars=${counts.busbars}`,
    `faults=${counts.faults}`,
    `policies=${policies.length ? policies.join(",") : "none"}`,
  ];
  return `${parts.join(" ")}  # reproduce: fleet chaos ${file} --seed ${seed} --duration ${fmtDuration(durationSec)}`;
}
