// `fleet fit`'s estimators: the failure process of src/faults/disk-process.ts (disk
// failures, and host crashes through src/faults/host.ts, which takes the same options)
// fitted to a failure log (failures with a time and a place, on a fleet of known size).
// A "unit" is a disk or a host: rates are per unit-year, a place is a disk slot or a host.
//
// What is fitted, and how.
//   Hazard by age: failures per disk-year in each year of the disks' age the log covers
//   (age = --age-at-start + time since the log's first failure; pieces shorter than a
//   quarter of a year join their neighbour). Neighbouring years whose rates do not differ
//   beyond the noise (z-test at 5%, quasi-Poisson) are joined. The last piece has no end.
//   For disks, ages younger than the log's (only replacement disks reach them) get a piece
//   of their own at the log's mean rate: the log counts failures per slot, new disks and
//   old alike, so a replacement disk following the rate of the log's first piece for good
//   would bias the count (the Campaign fit gave 2.6% too many failures that way). With no
//   age given, ages are time since the log's start and a replacement disk follows the
//   first piece. 95% interval: quasi-Poisson, count x (1 +- 1.96 sqrt(dispersion /
//   count)), since the failures come in bursts and a Poisson interval would be far too
//   narrow.
//   Bursts: failures less than a gap G apart are one burst. G is set so that two
//   independent bursts fall within G of each other only 5% of the time: bursts start
//   about every m x (span / failures), m the mean burst size, so G = -ln(0.95) x m x
//   span / failures, found by iteration from 1h (m grows with G; it settles in a few
//   steps), within 1m..2d. Bursts longer than that are cut in pieces and the fit sees
//   smaller bursts; bursts more frequent than that merge.
//   Failures that follow one at the same place within 30 days are repeats, not burst
//   members, and are left out here. Members within a minute of their burst's first failure
//   fail `together` with it; the others' mean time after it is the `spread`. The burst
//   sizes K give size = mean K. The dispersion E[K^2] / E[K] of the negative
//   binomial the model draws (src/faults/disk-process.ts) is, for a compound Poisson
//   process, the index of dispersion of counts in windows much longer than a burst; it is
//   set from the log's weekly index of dispersion: here, as a first value, that index
//   less the part the hazard's pieces already explain (the variance of their expected
//   weekly counts over the mean), no lower than the least the mean size allows; then
//   `fleet fit` matches it by simulation (./gof.ts calibrate: the value whose traces
//   give the log's weekly dispersion on average over 24 seeds), because a sample
//   dispersion of a heavy-tailed process falls short of the process's own. Weekly, because that is the time scale
//   capacity and durability questions are asked at, and because a log's bursts cluster
//   themselves (storms of bursts over days): fitted to the bursts' own sizes, the model
//   would give weeks about half as variable as the Campaign log's. sameRack comes
//   from the share of a burst's other failures in its first failure's rack, less the share
//   a uniform place would hit (1 / racks). Intervals: 200 bootstrap resamples of the
//   bursts (of the weeks, for the dispersion), 2.5th and 97.5th percentiles, fixed seed.
//   Repeats: for each failure with H = min(30d, half the log) of log after it, the next
//   failure at the same place (host and disk) within H. Delays are exponential truncated
//   at H: `after` solves mean delay = tau - H / (e^(H/tau) - 1). chance = (pairs - the
//   pairs chance alone would give) / (eligible failures x (1 - e^(-H/tau))). What chance
//   gives, and the delays of those pairs, come from the log itself with each failure
//   moved to a uniform place of its rack (20 draws): that keeps the bursts and how
//   unevenly racks fail, which a uniform rate per place would miss (with few places, as
//   hosts are, a burst in one rack often puts two failures on one host). The mean delay
//   is that of the pairs less the redrawn pairs'. Interval on chance: Wilson's for the pair share.
//
//   Places: how unevenly hosts fail is matched by simulation too (./gof.ts calibrate):
//   the per-host gamma multiplier's variance whose traces give the log's host dispersion
//   on average over 24 seeds.
//
// Left out: hazards that depend on position (the log's slot rows and columns), other
// kinds (only disk failures and host crashes are fitted), and repair times (logs rarely
// say; the models' defaults stay).
import type { Fleet } from "../fleet/fleet.js";
import { minDispersion } from "../faults/disk-process.js";
import { slotCount } from "../faults/disk.js";
import type { Rng } from "../sim/rng.js";
import { Streams } from "../sim/streams.js";
import { fitRepeats } from "./fit-repeats.js";
import type { BurstFit, FailureFit, FitUnit, Interval, PieceFit, PositionFit } from "./fit-types.js";

export type { BurstFit, FailureFit, FitSettings, FitUnit, Interval, PieceFit, PlaceFit, PositionFit, RepeatFit } from "./fit-types.js";
import { dispersion, type FailurePoint, REPEAT_WINDOW_SEC } from "./stats.js";

export { truncatedExpMean } from "./fit-repeats.js";

const HOUR = 3600;
const DAY = 86400;
const YEAR = 365 * DAY;
const WEEK = 7 * DAY;
const Z95 = 1.959964;
/** Burst members this close to the first failure count as failing with it. */
const TOGETHER_SEC = 60;

/** Fits the failure process to `points` (time order, times from the log's start) over [0, spanSec]. */
export function fitFailures(
  points: readonly FailurePoint[],
  fleet: Fleet,
  spanSec: number,
  o: { unit: FitUnit; ageAtStartSec: number; seed?: number /** Epoch seconds of time 0 (for the hourly-grid check). */; startEpochSec?: number },
): FailureFit {
  if (points.length < 2) throw new RangeError("a fit needs at least two failures");
  const disks = o.unit === "disk" ? slotCount(fleet) : fleet.hostCount;
  const rng = new Streams(o.seed ?? 1).get("fit.bootstrap");
  // Repeats are not bursts: the failures that follow one at the same place within the
  // repeat window are left out of the bursts' statistics (the model starts bursts at the
  // rate left after repeats, src/faults/disk-process.ts).
  const lastAt = new Map<string, number>();
  const firsts = points.filter((p) => {
    const place = `${p.host}:${p.disk}`;
    const before = lastAt.get(place);
    lastAt.set(place, p.timeSec);
    return before === undefined || p.timeSec - before > REPEAT_WINDOW_SEC;
  });
  const starts = firsts.length >= 2 ? firsts : points;
  const { groups: burstGroups, ...bursts } = fitBursts(starts, fleet, rng);
  const height = fitPosition(starts, burstGroups, fleet, o.unit, rng, "height");
  const row = fitPosition(starts, burstGroups, fleet, o.unit, rng, "row");
  const pieces = fitPieces(points, disks, spanSec, o.ageAtStartSec, bursts.dispersion, o.unit === "disk");
  // Dispersion from the weekly counts, less what the pieces' rates explain.
  const weeks = Math.floor(spanSec / WEEK);
  const weekly = new Float64Array(weeks);
  for (const p of points) if (p.timeSec < weeks * WEEK) weekly[Math.floor(p.timeSec / WEEK)]++;
  const expectedWeekly = Array.from({ length: weeks }, (_, w) => {
    const age = o.ageAtStartSec + (w + 0.5) * WEEK;
    const piece = pieces.find((p) => age < p.untilSec) ?? pieces[pieces.length - 1];
    return (piece.afrPerYear * disks * WEEK) / YEAR;
  });
  const drift = dispersion(expectedWeekly); // var/mean of the pieces' weekly means
  const weeklyFit = (counts: ArrayLike<number>) => Math.max(minDispersion(bursts.sizeMean), dispersion(counts) - drift);
  const draws: number[] = [];
  const sample = new Float64Array(weeks);
  for (let b = 0; b < 200 && weeks > 1; b++) {
    for (let i = 0; i < weeks; i++) sample[i] = weekly[rng.int(weeks)];
    draws.push(weeklyFit(sample));
  }
  // A log written by an hourly check stamps its findings at one minute of the hour.
  const minuteBins = new Float64Array(12);
  for (const p of points) minuteBins[Math.floor(((((p.timeSec + (o.startEpochSec ?? 0)) % 3600) + 3600) % 3600) / 300)]++;
  const busiest = Math.max(...minuteBins) / points.length;
  return {
    hourlyGrid: busiest >= 0.8 ? busiest : undefined,
    unit: o.unit,
    position: { height, row },
    events: points.length,
    units: disks,
    spanSec,
    ageAtStartSec: o.ageAtStartSec,
    pieces,
    bursts: {
      ...bursts,
      dispersion: weeks > 1 ? weeklyFit(weekly) : bursts.dispersion,
      burstDispersion: bursts.dispersion,
      weeklyDispersion: dispersion(weekly),
      drift,
      interval: { ...bursts.interval, dispersion: weeks > 1 ? percentiles(draws) : bursts.interval.dispersion },
    },
    repeat: fitRepeats(points, fleet, spanSec, rng, o.unit),
  };
}

// ---- hazard by age ----------------------------------------------------------------------

function fitPieces(points: readonly FailurePoint[], disks: number, spanSec: number, ageAtStartSec: number, dispersion: number, replaced: boolean): PieceFit[] {
  const a0 = ageAtStartSec;
  const a1 = ageAtStartSec + spanSec;
  // Whole years of age inside the log, then merge pieces under a quarter year.
  const cuts: number[] = [a0];
  for (let y = Math.floor(a0 / YEAR) + 1; y * YEAR < a1; y++) cuts.push(y * YEAR);
  cuts.push(a1);
  const edges: number[] = [cuts[0]];
  for (let i = 1; i < cuts.length; i++) {
    if (cuts[i] - edges[edges.length - 1] < YEAR / 4 && i < cuts.length - 1) continue;
    if (i === cuts.length - 1 && cuts[i] - edges[edges.length - 1] < YEAR / 4 && edges.length > 1) edges.pop();
    edges.push(cuts[i]);
  }
  const parts = edges.slice(1).map((to, i) => {
    const from = edges[i];
    let events = 0;
    for (const p of points) {
      const age = a0 + p.timeSec;
      if (age >= from && (age < to || (i + 2 === edges.length && age <= to))) events++;
    }
    return { from, to, events };
  });
  // Neighbours whose rates do not differ beyond the noise (a quasi-Poisson z-test at 5%)
  // become one piece, the closest pair first, so the hazard has only the steps the log shows.
  const d = Math.max(1, dispersion);
  const rate = (q: { from: number; to: number; events: number }) => q.events / (disks * ((q.to - q.from) / YEAR));
  const variance = (q: { from: number; to: number; events: number }) => (d * Math.max(q.events, 1)) / (disks * ((q.to - q.from) / YEAR)) ** 2;
  for (;;) {
    let best = -1;
    let bestZ = Z95;
    for (let i = 0; i + 1 < parts.length; i++) {
      const z = Math.abs(rate(parts[i]) - rate(parts[i + 1])) / Math.sqrt(variance(parts[i]) + variance(parts[i + 1]));
      if (z < bestZ) {
        bestZ = z;
        best = i;
      }
    }
    if (best < 0) break;
    parts.splice(best, 2, { from: parts[best].from, to: parts[best + 1].to, events: parts[best].events + parts[best + 1].events });
  }
  const piece = (q: { from: number; to: number; events: number }, last: boolean): PieceFit => {
    const years = (q.to - q.from) / YEAR;
    const afr = rate(q);
    const half = q.events > 0 ? Z95 * Math.sqrt(d / q.events) : 0;
    return {
      fromAgeSec: q.from,
      toAgeSec: q.to,
      untilSec: last ? Number.POSITIVE_INFINITY : q.to,
      afrPerYear: afr,
      events: q.events,
      interval: { low: Math.max(0, afr * (1 - half)), high: q.events > 0 ? afr * (1 + half) : 3 / (disks * years) },
    };
  };
  const out = parts.map((q, i) => piece(q, i + 1 === parts.length));
  if (a0 <= 0 || !replaced) return out;
  // Ages before the log's: only replacement disks reach them in a run. The log counts
  // failures per slot whatever the disk's age, so they fail at the log's mean rate.
  const all = { from: a0, to: a1, events: points.length };
  const before = { ...piece(all, false), fromAgeSec: 0, toAgeSec: a0, untilSec: a0, before: true };
  return [before, ...out];
}

// ---- bursts -------------------------------------------------------------------------------

interface Group {
  first: number;
  size: number;
  /** Sum of the other members' times after the first, over those not with it. */
  offsets: number;
  /** Other members within TOGETHER_SEC of the first. */
  together: number;
  /** Other members in the first one's rack. */
  sameRack: number;
}

function groups(points: readonly FailurePoint[], fleet: Fleet, gapSec: number): Group[] {
  const out: Group[] = [];
  let g: Group | undefined;
  let last = Number.NEGATIVE_INFINITY;
  let firstAt = 0;
  let firstRack = -1;
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    if (!g || p.timeSec - last > gapSec) {
      g = { first: i, size: 1, offsets: 0, together: 0, sameRack: 0 };
      out.push(g);
      firstAt = p.timeSec;
      firstRack = fleet.rackOfHost(p.host);
    } else {
      g.size++;
      if (p.timeSec - firstAt <= TOGETHER_SEC) g.together++;
      else g.offsets += p.timeSec - firstAt;
      if (fleet.rackOfHost(p.host) === firstRack) g.sameRack++;
    }
    last = p.timeSec;
  }
  return out;
}

function burstMoments(gs: readonly Group[], racks: number): { sizeMean: number; dispersion: number; spreadSec: number; together: number; sameRack: number } {
  let k1 = 0;
  let k2 = 0;
  let others = 0;
  let offsets = 0;
  let same = 0;
  let together = 0;
  for (const g of gs) {
    together += g.together;
    k1 += g.size;
    k2 += g.size * g.size;
    others += g.size - 1;
    offsets += g.offsets;
    same += g.sameRack;
  }
  const uniform = 1 / racks;
  const share = others ? same / others : 1;
  return {
    sizeMean: k1 / gs.length,
    dispersion: k2 / k1,
    spreadSec: others > together ? offsets / (others - together) : 0,
    together: others ? together / others : 0,
    sameRack: racks > 1 ? Math.min(1, Math.max(0, (share - uniform) / (1 - uniform))) : 1,
  };
}

function fitBursts(
  points: readonly FailurePoint[],
  fleet: Fleet,
  rng: Rng,
): Omit<BurstFit, "burstDispersion" | "weeklyDispersion" | "drift"> & { groups: Group[] } {
  let gap = HOUR;
  let gs = groups(points, fleet, gap);
  const meanGap = (points[points.length - 1].timeSec - points[0].timeSec) / (points.length - 1);
  for (let i = 0; i < 20; i++) {
    const m = burstMoments(gs, fleet.rackCount);
    const next = Math.min(2 * DAY, Math.max(60, -Math.log(0.95) * m.sizeMean * meanGap));
    if (Math.abs(next - gap) < 60) break;
    gap = next;
    gs = groups(points, fleet, gap);
  }
  const m = burstMoments(gs, fleet.rackCount);
  // Bootstrap over bursts for the intervals.
  const draws = { sizeMean: [] as number[], dispersion: [] as number[], sameRack: [] as number[] };
  const sample: Group[] = new Array(gs.length);
  for (let b = 0; b < 200; b++) {
    for (let i = 0; i < gs.length; i++) sample[i] = gs[rng.int(gs.length)];
    const r = burstMoments(sample, fleet.rackCount);
    draws.sizeMean.push(r.sizeMean);
    draws.dispersion.push(r.dispersion);
    draws.sameRack.push(r.sameRack);
  }
  return {
    ...m,
    gapSec: gap,
    bursts: gs.length,
    multi: gs.filter((g) => g.size > 1).length,
    interval: { sizeMean: percentiles(draws.sizeMean), dispersion: percentiles(draws.dispersion), sameRack: percentiles(draws.sameRack) },
    groups: gs,
  };
}

// ---- position -----------------------------------------------------------------------------

/**
 * How a burst's first failure depends on position (the model's `places.height` and
 * `row` act on burst starts): the rate per unit at each height in the rack (row in the
 * datacenter), fitted by least squares weighted by the units there to a line a (1 + b u),
 * u from 0 (bottom, first row) to 1 (top, last row); the ratio is 1 + b, top over bottom.
 * Interval: 200 bootstrap resamples of the bursts. Undefined when the fleet has one
 * height (one row).
 */
function fitPosition(
  starts: readonly FailurePoint[],
  gs: readonly Group[],
  fleet: Fleet,
  unit: FitUnit,
  rng: Rng,
  axis: "height" | "row",
): PositionFit | undefined {
  const u = (h: number): number => {
    if (axis === "height") {
      const r = fleet.hostsOfRack(fleet.rackOfHost(h));
      return r.end - r.start > 1 ? fleet.hostPositionInRack(h) / (r.end - r.start - 1) : -1;
    }
    const rows = fleet.rowsOfDc(fleet.dcOfHost(h));
    return rows.end - rows.start > 1 ? fleet.rowPositionInDc(fleet.rowOfHost(h)) / (rows.end - rows.start - 1) : -1;
  };
  const units = new Map<number, number>();
  for (let h = 0; h < fleet.hostCount; h++) {
    const x = u(h);
    if (x >= 0) units.set(x, (units.get(x) ?? 0) + (unit === "disk" ? fleet.hostSpec(h).disks : 1));
  }
  if (units.size < 2) return undefined;
  const ratio = (sample: readonly Group[]): number => {
    const counts = new Map<number, number>();
    for (const g of sample) {
      const x = u(starts[g.first].host);
      if (x >= 0) counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    let w = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    for (const [x, n] of units) {
      const y = (counts.get(x) ?? 0) / n;
      w += n;
      sx += n * x;
      sy += n * y;
      sxx += n * x * x;
      sxy += n * x * y;
    }
    const slope = (w * sxy - sx * sy) / (w * sxx - sx * sx);
    const intercept = (sy - slope * sx) / w;
    return intercept > 0 ? Math.min(10, Math.max(0.1, 1 + slope / intercept)) : 10;
  };
  const value = ratio(gs);
  const draws: number[] = [];
  const sample: Group[] = new Array(gs.length);
  for (let b = 0; b < 200; b++) {
    for (let i = 0; i < gs.length; i++) sample[i] = gs[rng.int(gs.length)];
    draws.push(ratio(sample));
  }
  const interval = percentiles(draws);
  return { ratio: value, interval, applies: interval.low > 1 || interval.high < 1, positions: units.size };
}

function percentiles(xs: number[]): Interval {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
  return { low: at(0.025), high: at(0.975) };
}
