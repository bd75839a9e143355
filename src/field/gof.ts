// Goodness of fit: the log's statistics (./stats.ts) beside those of traces simulated
// with the fitted model on the same fleet over the same span, one per seed, with the
// range they span. A statistic of the log outside that range is where the model does not
// fit. With 20 traces the range is roughly a 90% band (the log's value would fall outside
// the range of 20 draws of its own model 2 times in 21).
import type { Fleet } from "../fleet/fleet.js";
import type { DiskSettings } from "../faults/disk.js";
import { startFaultLayer } from "../faults/layer.js";
import type { FleetSpec } from "../fleet/spec.js";
import { type FailurePoint, type FailureStats, failureStats, STAT_ROWS } from "./stats.js";

export interface GofRow {
  key: string;
  label: string;
  digits: number;
  log: number;
  mean: number;
  low: number;
  high: number;
  /** The log's value is outside [low, high]. */
  outside: boolean;
}

export interface Gof {
  seeds: number[];
  rows: GofRow[];
  runs: FailureStats[];
}

/** Disk failures of one simulated trace of `settings` on `fleet` over [0, spanSec]. */
export function simulateDiskFailures(spec: FleetSpec, fleet: Fleet, settings: DiskSettings, spanSec: number, seed: number): FailurePoint[] {
  const quiet: DiskSettings = { ...settings, lsePerYear: 0, slowPerYear: 0 };
  const layer = startFaultLayer({ fleet: spec, faults: [{ kind: "disk", settings: quiet, index: 0 }] }, { seed, horizonSec: spanSec, fleet });
  const points: FailurePoint[] = [];
  layer.trace.addListener({
    onFault: (e) => {
      if (e.kind.name === "disk.fail") points.push({ timeSec: e.at, host: e.ref?.index ?? e.host, disk: e.detail.disk as number });
    },
  });
  layer.sim.run({ until: spanSec });
  return points;
}

export function goodnessOfFit(log: FailureStats, o: { spec: FleetSpec; fleet: Fleet; settings: DiskSettings; spanSec: number; seeds: number[] }): Gof {
  const runs = o.seeds.map((seed) => failureStats(simulateDiskFailures(o.spec, o.fleet, o.settings, o.spanSec, seed), o.fleet, 0, o.spanSec));
  const rows = STAT_ROWS.map(({ key, label, digits }) => {
    const xs = runs.map((r) => r[key] as number);
    const low = Math.min(...xs);
    const high = Math.max(...xs);
    const value = log[key] as number;
    return { key, label, digits, log: value, mean: xs.reduce((a, b) => a + b, 0) / xs.length, low, high, outside: value < low || value > high };
  });
  return { seeds: o.seeds, rows, runs };
}

/**
 * Simulated method of moments: the value x in [lo, hi] of one setting whose traces give,
 * on average over `seeds`, the log's value of one statistic; bisection on the same seeds
 * at every step (common random numbers: the curve searched is monotone in practice).
 * Used where a closed form would be biased: sample dispersions of bursty traces fall
 * short of the process's own (a heavy tail is seldom drawn in 100 weeks).
 */
export function calibrate(
  target: number,
  stat: (s: FailureStats) => number,
  settingsAt: (x: number) => DiskSettings,
  range: { lo: number; hi: number; steps?: number },
  o: { spec: FleetSpec; fleet: Fleet; spanSec: number; seeds: number[] },
): { value: number; atLo: number; reached: number } {
  const at = (x: number) => {
    let sum = 0;
    for (const seed of o.seeds) sum += stat(failureStats(simulateDiskFailures(o.spec, o.fleet, settingsAt(x), o.spanSec, seed), o.fleet, 0, o.spanSec));
    return sum / o.seeds.length;
  };
  let { lo, hi } = range;
  const atLo = at(lo);
  if (atLo >= target) return { value: lo, atLo, reached: atLo };
  let reached = at(hi);
  if (reached <= target) return { value: hi, atLo, reached };
  for (let i = 0; i < (range.steps ?? 14); i++) {
    const mid = (lo + hi) / 2;
    const d = at(mid);
    if (d < target) lo = mid;
    else {
      hi = mid;
      reached = d;
    }
  }
  return { value: +hi.toPrecision(3), atLo, reached };
}
