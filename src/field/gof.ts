// Goodness of fit: the log's statistics (./stats.ts) beside those of traces simulated
// with the fitted model on the same fleet over the same span, one per seed, with the 5th
// to 95th percentile of the traces (a 90% band: with 20 traces, the second lowest to the
// second highest). A statistic of the log outside it is where the model does not fit;
// a right model leaves a statistic outside 1 time in 10, so with 8 statistics one miss
// is no verdict on its own, while a miss by far, or in every refit, is.
import type { Fleet } from "../fleet/fleet.js";
import type { DiskSettings } from "../faults/disk.js";
import type { FailureFit, FitSettings, FitUnit } from "./fit.js";
import { type FitSource, faultsYaml, settingsFromYaml } from "./fit-yaml.js";
import { minDispersion } from "../faults/disk-process.js";
import { startFaultLayer } from "../faults/layer.js";
import type { FleetSpec } from "../fleet/spec.js";
import { type FailurePoint, type FailureStats, failureStats, STAT_ROWS } from "./stats.js";

/** The quantiles of the traces that bound the band. */
const BAND = [0.05, 0.95] as const;

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

/** The same settings with some of the shared failure-process options changed. */
export function withProcess(s: FitSettings, change: Partial<Pick<DiskSettings, "bursts" | "places" | "repeat">>): FitSettings {
  return s.unit === "disk" ? { unit: "disk", settings: { ...s.settings, ...change } } : { unit: "host", settings: { ...s.settings, ...change } };
}

const KIND_OF: Record<FitUnit, string> = { disk: "disk.fail", host: "host.crash" };

/** Failures of one simulated trace of the unit's model on `fleet` over [0, spanSec]. */
export function simulateFailures(spec: FleetSpec, fleet: Fleet, s: FitSettings, spanSec: number, seed: number): FailurePoint[] {
  // Only the failure process: a disk model's latent sector errors and slow disks are off.
  const settings = s.unit === "disk" ? { ...s.settings, lsePerYear: 0, slowPerYear: 0 } : s.settings;
  const layer = startFaultLayer({ fleet: spec, faults: [{ kind: s.unit, settings, index: 0 }] }, { seed, horizonSec: spanSec, fleet });
  const points: FailurePoint[] = [];
  const kind = KIND_OF[s.unit];
  layer.trace.addListener({
    onFault: (e) => {
      if (e.kind.name !== kind) return;
      const host = e.ref?.index ?? e.host;
      points.push({ timeSec: e.at, host, disk: s.unit === "disk" ? (e.detail.disk as number) : -1 });
    },
  });
  layer.sim.run({ until: spanSec });
  return points;
}

export function goodnessOfFit(log: FailureStats, o: { spec: FleetSpec; fleet: Fleet; settings: FitSettings; spanSec: number; seeds: number[] }): Gof {
  const runs = o.seeds.map((seed) => failureStats(simulateFailures(o.spec, o.fleet, o.settings, o.spanSec, seed), o.fleet, 0, o.spanSec));
  const rows = STAT_ROWS.map(({ key, label, digits }) => {
    const xs = runs.map((r) => r[key] as number).sort((a, b) => a - b);
    const at = (q: number) => xs[Math.round(q * (xs.length - 1))];
    const low = at(BAND[0]);
    const high = at(BAND[1]);
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
  settingsAt: (x: number) => FitSettings,
  range: { lo: number; hi: number; steps?: number },
  o: { spec: FleetSpec; fleet: Fleet; spanSec: number; seeds: number[] },
): { value: number; atLo: number; reached: number } {
  const at = (x: number) => {
    let sum = 0;
    for (const seed of o.seeds) sum += stat(failureStats(simulateFailures(o.spec, o.fleet, settingsAt(x), o.spanSec, seed), o.fleet, 0, o.spanSec));
    return sum / o.seeds.length;
  };
  let { lo, hi } = range;
  const atLo = at(lo);
  if (atLo >= target) return { value: lo, atLo, reached: atLo };
  let reached = at(hi);
  if (reached <= target) return { value: hi, atLo, reached };
  for (let i = 0; i < (range.steps ?? 10); i++) {
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

/**
 * The second step of a fit: three settings whose closed-form estimates fall short on a
 * bursty log are matched by simulation, each in turn on the same seeds: the bursts'
 * dispersion to the log's weekly dispersion (a sample dispersion of a heavy-tailed process
 * falls short of the process's own), the place variation to its host dispersion, and the
 * repeat chance to its 30-day repeat share (chance coincidences depend on the bursts and
 * the place variation, which only a simulation has together). Writes them into `fit` and
 * returns the block and the settings it reads back as.
 */
export function calibrateFit(
  fit: FailureFit,
  source: FitSource,
  log: FailureStats,
  sim: { spec: FleetSpec; fleet: Fleet; spanSec: number; seeds: number[] },
): { yaml: string; settings: FitSettings } {
  const first = settingsFromYaml(faultsYaml(fit, source));
  const bursts = first.settings.bursts;
  const least = minDispersion(bursts.sizeMean);
  const weekly = calibrate(
    log.weeklyDispersion,
    (s) => s.weeklyDispersion,
    (d) => withProcess(first, { bursts: { ...bursts, dispersion: d } }),
    { lo: least, hi: Math.max(least * 2, 4 * log.weeklyDispersion) },
    sim,
  );
  fit.bursts.calibrated = { value: weekly.value, reached: weekly.reached, seeds: sim.seeds.length };
  fit.bursts.dispersion = weekly.value;
  const withD = withProcess(first, { bursts: { ...bursts, dispersion: weekly.value } });
  const places = calibrate(
    log.hostDispersion,
    (s) => s.hostDispersion,
    (v) => withProcess(withD, { places: { ...withD.settings.places, variation: v } }),
    { lo: 0, hi: 20 },
    sim,
  );
  fit.places = { variation: places.value, target: log.hostDispersion, without: places.atLo, reached: places.reached, seeds: sim.seeds.length };
  const withPlaces = withProcess(withD, { places: { ...withD.settings.places, variation: places.value } });
  const repeat = withPlaces.settings.repeat;
  const chance = calibrate(
    log.repeatShare,
    (s) => s.repeatShare,
    (c) => withProcess(withPlaces, { repeat: { ...repeat, chance: c } }),
    { lo: 0, hi: 0.95 },
    sim,
  );
  fit.repeat.calibrated = { first: fit.repeat.chance, reached: chance.reached, seeds: sim.seeds.length };
  fit.repeat.chance = chance.value;
  const yaml = faultsYaml(fit, source);
  return { yaml, settings: settingsFromYaml(yaml) };
}
