// The statistics a failure log and a simulated fault trace are compared on (`fleet fit`'s
// goodness-of-fit table, `fleet faults`' failure-process table): how many failures, how
// they spread over time and over the fleet, how often a place fails again.
//
//   per year          failures per 365 days over the span (and the count in each year)
//   weekly dispersion variance / mean of the counts in whole weeks (7-day windows from the
//                     start; a trailing partial week is dropped). 1 for a Poisson process;
//                     far above 1 when failures come in bursts or the rate drifts.
//   repeats 30d       share of failures that follow a failure at the same place (host and
//                     disk) within 30 days
//   within 1h         share of failures less than an hour from another failure anywhere:
//                     the time scale at which copies are lost (a block is lost when all its
//                     disks fail before one is copied again)
//   rack / host dispersion  variance / mean of the failure counts over every rack (host)
//                     of the fleet, zeros included: 1 when places are alike, above 1 when
//                     some racks (enclosures) fail far more than others
//   racks hit         racks with at least one failure
// Population variances (divided by n): these are descriptions of one trace, not estimates.
import type { Fleet } from "../fleet/fleet.js";

const HOUR = 3600;
const DAY = 86400;
const WEEK = 7 * DAY;
const YEAR = 365 * DAY;
/** Window within which a failure at the same place counts as a repeat. */
export const REPEAT_WINDOW_SEC = 30 * DAY;

/** One failure: when (seconds, any origin) and where (host index; disk index or -1). */
export interface FailurePoint {
  timeSec: number;
  host: number;
  disk: number;
}

export interface FailureStats {
  events: number;
  spanSec: number;
  perYear: number;
  /** Counts in each 365-day year from the start (the last may be partial). */
  byYear: number[];
  weeklyDispersion: number;
  weeks: number;
  repeatShare: number;
  /** Share of failures within an hour of another failure (anywhere). */
  closeShare: number;
  rackDispersion: number;
  hostDispersion: number;
  racksHit: number;
}

/** The names and units of the statistics, in table order. */
export const STAT_ROWS: { key: keyof FailureStats & string; label: string; digits: number }[] = [
  { key: "events", label: "failures", digits: 0 },
  { key: "perYear", label: "failures per year", digits: 1 },
  { key: "weeklyDispersion", label: "weekly dispersion (var/mean)", digits: 1 },
  { key: "repeatShare", label: "repeats within 30d (share)", digits: 3 },
  { key: "closeShare", label: "within 1h of another (share)", digits: 3 },
  { key: "rackDispersion", label: "rack dispersion (var/mean)", digits: 1 },
  { key: "hostDispersion", label: "host dispersion (var/mean)", digits: 1 },
  { key: "racksHit", label: "racks hit", digits: 0 },
];

/** Variance / mean of counts (population variance); 0 when the mean is 0. */
export function dispersion(counts: ArrayLike<number>): number {
  const n = counts.length;
  if (n === 0) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += counts[i];
  const mean = sum / n;
  if (mean === 0) return 0;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (counts[i] - mean) ** 2;
  return ss / n / mean;
}

/** Statistics of failures in [startSec, endSec) on `fleet`; points must be in time order. */
export function failureStats(points: readonly FailurePoint[], fleet: Fleet, startSec: number, endSec: number): FailureStats {
  const spanSec = Math.max(0, endSec - startSec);
  const weeks = Math.floor(spanSec / WEEK);
  const weekly = new Float64Array(weeks);
  const byYear = new Array<number>(Math.max(1, Math.ceil(spanSec / YEAR))).fill(0);
  const perRack = new Float64Array(fleet.rackCount);
  const perHost = new Float64Array(fleet.hostCount);
  const lastAt = new Map<string, number>();
  let repeats = 0;
  let events = 0;
  for (const p of points) {
    if (p.timeSec < startSec || p.timeSec >= endSec) continue;
    events++;
    const t = p.timeSec - startSec;
    const w = Math.floor(t / WEEK);
    if (w < weeks) weekly[w]++;
    byYear[Math.min(byYear.length - 1, Math.floor(t / YEAR))]++;
    perHost[p.host]++;
    perRack[fleet.rackOfHost(p.host)]++;
    const place = `${p.host}:${p.disk}`;
    const before = lastAt.get(place);
    if (before !== undefined && p.timeSec - before <= REPEAT_WINDOW_SEC) repeats++;
    lastAt.set(place, p.timeSec);
  }
  let close = 0;
  let prev = Number.NEGATIVE_INFINITY;
  const inside = points.filter((p) => p.timeSec >= startSec && p.timeSec < endSec);
  for (let i = 0; i < inside.length; i++) {
    const t = inside[i].timeSec;
    if (t - prev <= HOUR || (i + 1 < inside.length && inside[i + 1].timeSec - t <= HOUR)) close++;
    prev = t;
  }
  let racksHit = 0;
  for (const c of perRack) if (c > 0) racksHit++;
  return {
    events,
    spanSec,
    perYear: spanSec > 0 ? (events * YEAR) / spanSec : 0,
    byYear,
    weeklyDispersion: dispersion(weekly),
    weeks,
    repeatShare: events ? repeats / events : 0,
    closeShare: events ? close / events : 0,
    rackDispersion: dispersion(perRack),
    hostDispersion: dispersion(perHost),
    racksHit,
  };
}
