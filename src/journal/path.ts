/**
 * Where a run's journal goes by default: `runs/<scenario>-<seed>-<YYYYMMDD-HHMMSS>.jsonl`,
 * relative to the working directory. The time is the caller's `date` in UTC (so the name does
 * not depend on the machine's time zone); this module never reads the clock. Characters of the
 * scenario name or seed outside [A-Za-z0-9._-] become "-", so the name is always one safe
 * path segment.
 */

export function defaultJournalPath(scenarioName: string, seed: number | string, date: Date): string {
  const p2 = (n: number) => String(n).padStart(2, "0");
  const stamp =
    `${date.getUTCFullYear()}${p2(date.getUTCMonth() + 1)}${p2(date.getUTCDate())}` +
    `-${p2(date.getUTCHours())}${p2(date.getUTCMinutes())}${p2(date.getUTCSeconds())}`;
  return `runs/${safe(scenarioName) || "scenario"}-${safe(String(seed))}-${stamp}.jsonl`;
}

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, "-").replace(/^\.+/, "");
}
