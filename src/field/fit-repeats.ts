// The repeats of `fleet fit` (./fit.ts): how often a place fails again soon, and how soon.
// See ./fit.ts's header ("Repeats") for the method.
import type { Fleet } from "../fleet/fleet.js";
import type { Rng } from "../sim/rng.js";
import type { FitUnit, Interval, RepeatFit } from "./fit-types.js";
import { type FailurePoint, REPEAT_WINDOW_SEC } from "./stats.js";

const Z95 = 1.959964;

/** tau with mean(delay | delay <= H) = tau - H / (e^(H/tau) - 1), by bisection. */
export function truncatedExpMean(meanDelay: number, H: number): number {
  // The truncated mean rises from 0 (tau -> 0) to H/2 (tau -> infinity).
  if (meanDelay >= H / 2) return Number.POSITIVE_INFINITY;
  let lo = 1e-9 * H;
  let hi = 1e6 * H;
  for (let i = 0; i < 200; i++) {
    const tau = Math.sqrt(lo * hi);
    const x = H / tau;
    const m = x > 700 ? tau : tau - H / Math.expm1(x);
    if (m < meanDelay) lo = tau;
    else hi = tau;
  }
  return Math.sqrt(lo * hi);
}

function wilson(k: number, n: number): Interval {
  if (n === 0) return { low: 0, high: 1 };
  const p = k / n;
  const z2 = Z95 * Z95;
  const c = (p + z2 / (2 * n)) / (1 + z2 / n);
  const h = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { low: Math.max(0, c - h), high: Math.min(1, c + h) };
}

/** Pairs of failures at one place less than H apart (each failure with its next), over failures with H of log after them. */
function placePairs(points: readonly FailurePoint[], placeOf: (i: number) => string, spanSec: number, H: number): { delays: number[]; eligible: number } {
  const next = new Map<string, number>();
  const delays: number[] = [];
  let eligible = 0;
  // Walk backwards so `next` holds each place's next failure time.
  for (let i = points.length - 1; i >= 0; i--) {
    const t = points[i].timeSec;
    const place = placeOf(i);
    if (t + H <= spanSec) {
      eligible++;
      const n = next.get(place);
      if (n !== undefined && n - t <= H) delays.push(n - t);
    }
    next.set(place, t);
  }
  return { delays, eligible };
}

/** Runs of the log with places redrawn, for the pairs chance gives. */
const SHUFFLES = 20;

export function fitRepeats(points: readonly FailurePoint[], fleet: Fleet, spanSec: number, rng: Rng, unit: FitUnit): RepeatFit {
  const H = Math.min(REPEAT_WINDOW_SEC, spanSec / 2);
  const places = points.map((p) => `${p.host}:${p.disk}`);
  const { delays, eligible } = placePairs(points, (i) => places[i], spanSec, H);
  const pairs = delays.length;
  // Chance coincidences, and their delays: the same count on the log with each failure
  // moved to a uniform place of its own rack, which keeps the times (bursts) and how
  // failures spread over racks but breaks any tie between a failure and the next at its
  // place. (A uniform rate per place would miss the bursts: with few places, as hosts
  // are, a burst in one rack often puts two failures on one host.)
  const redrawn = new Array<string>(points.length);
  let bgPairs = 0;
  let bgDelay = 0;
  for (let k = 0; k < SHUFFLES; k++) {
    points.forEach((p, i) => {
      const hosts = fleet.hostsOfRack(fleet.rackOfHost(p.host));
      const h = hosts.start + rng.int(hosts.end - hosts.start);
      redrawn[i] = unit === "disk" ? `${h}:${rng.int(Math.max(1, fleet.hostSpec(h).disks))}` : `${h}:-1`;
    });
    const bg = placePairs(points, (i) => redrawn[i], spanSec, H);
    bgPairs += bg.delays.length;
    bgDelay += bg.delays.reduce((a, b) => a + b, 0);
  }
  const background = bgPairs / SHUFFLES;
  const real = pairs - background;
  const delaySum = delays.reduce((a, b) => a + b, 0) - bgDelay / SHUFFLES;
  const meanDelay = real > 0.5 && delaySum > 0 ? delaySum / real : H / 2;
  const tau = truncatedExpMean(meanDelay, H);
  const within = Number.isFinite(tau) ? -Math.expm1(-H / tau) : 0;
  const toChance = (k: number) => (within > 0 && eligible > 0 ? Math.min(0.99, Math.max(0, (k - background) / (eligible * within))) : 0);
  const w = wilson(pairs, eligible);
  return {
    chance: toChance(pairs),
    afterSec: Number.isFinite(tau) ? tau : H,
    horizonSec: H,
    eligible,
    pairs,
    background,
    interval: { chance: { low: toChance(w.low * eligible), high: toChance(w.high * eligible) } },
  };
}
