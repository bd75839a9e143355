// What a scenario's snapshots cost in journal, known before the run starts: every policy
// writes one snapshot record per `snapshotEvery` of simulated time, so `snapshotEvery: 1ms`
// over 10 years asks for 3e11 records. A scenario whose snapshots alone cannot fit the
// journal limit (limits.maxJournal, --max-journal) is refused up front, naming the smallest
// snapshotEvery that fits; the rest of the journal (faults, detections, recoveries) depends
// on the run and is bounded as it is written (src/journal/journal.ts).
import { formatDuration, formatSize, parseDuration } from "../base/units.js";

/** What of a scenario (./load.ts) sets its snapshots' size. */
export interface SnapshotPlan {
  snapshotEverySec: number;
  policies: Record<string, unknown>;
  limits: { maxJournalBytes: number };
}

/**
 * The fewest bytes a snapshot line takes: `{"t":"snapshot","at":1,"hostsDown":0,"faults":{}`
 * and its CRC field and newline are 67 bytes; more fields and policies only add to it.
 */
export const MIN_SNAPSHOT_LINE_BYTES = 64;

export interface BudgetProblem {
  message: string;
  hint: string;
}

/** Snapshot records a run of `durationSec` writes: one per policy per interval (src/run/session.ts). */
export function snapshotRecords(s: SnapshotPlan, durationSec: number): number {
  return Math.floor(durationSec / Math.min(s.snapshotEverySec, durationSec)) * lanesOf(s);
}

/** Why the scenario's snapshots over `durationSec` cannot fit its journal limit; undefined when they can. */
export function snapshotBudgetProblem(s: SnapshotPlan, durationSec: number): BudgetProblem | undefined {
  const records = snapshotRecords(s, durationSec);
  const least = records * MIN_SNAPSHOT_LINE_BYTES;
  const limit = s.limits.maxJournalBytes;
  if (least <= limit) return undefined;
  const lanes = lanesOf(s);
  const policies = lanes > 1 ? ` (${lanes} policies)` : "";
  const fits = shownAtLeast((durationSec * lanes * MIN_SNAPSHOT_LINE_BYTES) / limit);
  return {
    message:
      `snapshots every ${formatDuration(s.snapshotEverySec)} over ${formatDuration(durationSec)} make ${records.toLocaleString("en-US")} records${policies}, ` +
      `at least ${formatSize(least)} of journal, above the safety limit of ${formatSize(limit)} (limits.maxJournal)`,
    hint: `make snapshotEvery at least ${fits}, or raise the limit with --max-journal or limits.maxJournal`,
  };
}

/** One lane per policy; a scenario without policies has one. */
function lanesOf(s: SnapshotPlan): number {
  return Math.max(1, Object.keys(s.policies).length);
}

/** `sec` as formatDuration prints it, rounded up rather than to nearest, so the value shown is enough. */
function shownAtLeast(sec: number): string {
  let x = sec;
  while (parseDuration(formatDuration(x)) < sec) x *= 1.01;
  return formatDuration(x);
}
