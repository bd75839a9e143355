// What the disk model's settings (./disk.ts) give in expectation over a run, for `fleet
// faults` to set beside what a run drew: failures per disk (the hazard integrated over the
// run, for a disk whose age at the start is uniform over the spread), latent sector errors
// and slow disks, and the variance of the counts that are not Poisson. Latent sector
// errors come in clusters of a geometric size of mean m (./disk.ts): a compound Poisson
// count, with variance clusters x E[size^2] = clusters x (2m^2 - m).
import { type HazardPiece, pieceCumulativeHazard, pieceIntegratedHazard } from "./disk-process.js";

const YEAR = 365 * 86400;

/** The settings these counts read (DiskSettings has them all). */
export interface DiskRates {
  afrPerYear: number;
  wearOutSec: number;
  risePerYearPerYear: number;
  hazard: readonly HazardPiece[];
  ageAtStartSec: number;
  ageSpreadSec: number;
  lsePerYear: number;
  lseClusterMean: number;
  slowPerYear: number;
}

/** Cumulative hazard H(a) = integral of h from 0 to a. */
function cumulativeHazard(s: DiskRates, a: number): number {
  if (s.hazard.length) return pieceCumulativeHazard(s.hazard, a);
  const wear = Math.max(0, a - s.wearOutSec);
  return (s.afrPerYear * a + (s.risePerYearPerYear * wear * wear) / (2 * YEAR)) / YEAR;
}

/** Integral of H from 0 to a. */
function integratedHazard(s: DiskRates, a: number): number {
  if (s.hazard.length) return pieceIntegratedHazard(s.hazard, a);
  const wear = Math.max(0, a - s.wearOutSec);
  return (s.afrPerYear * a * a) / 2 / YEAR + (s.risePerYearPerYear * wear * wear * wear) / (6 * YEAR * YEAR);
}

/** Expected failures of one slot's disk over [0, T], its age uniform over [a0, a0 + spread]. */
export function expectedFailuresPerDisk(s: DiskRates, horizonSec: number): number {
  const a0 = s.ageAtStartSec;
  const w = s.ageSpreadSec;
  const T = horizonSec;
  if (w <= 0) return cumulativeHazard(s, a0 + T) - cumulativeHazard(s, a0);
  const G = (a: number) => integratedHazard(s, a);
  return (G(a0 + w + T) - G(a0 + T) - G(a0 + w) + G(a0)) / w;
}

/** Expected counts of `slots` disks over [0, T], and the variance of disk.lse (clustered). */
export function diskCounts(s: DiskRates, slots: number, horizonSec: number) {
  const diskYears = (slots * horizonSec) / YEAR;
  const m = s.lseClusterMean;
  return {
    expected: { "disk.fail": slots * expectedFailuresPerDisk(s, horizonSec), "disk.lse": diskYears * s.lsePerYear * m, "disk.slow": diskYears * s.slowPerYear },
    variance: { "disk.lse": diskYears * s.lsePerYear * (2 * m * m - m) },
  };
}
