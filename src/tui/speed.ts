// Simulation speed: simulated seconds per wall second, in fixed steps that + and - move
// through. The live dashboard starts at the slowest step that finishes the run within
// about a minute and a half, so a 72-hour scenario plays at one simulated hour per second
// and a burst or a bus-bar loss stays on screen long enough to be seen. "max" runs as
// fast as the simulation goes.

export const SPEEDS: readonly number[] = [60, 600, 3600, 6 * 3600, 86_400, 7 * 86_400, 30 * 86_400, Infinity];
const LABELS = ["1m/s", "10m/s", "1h/s", "6h/s", "1d/s", "1w/s", "30d/s", "max"];

export const TARGET_WALL_SEC = 90;

/** The index into SPEEDS of the speed the dashboard starts at for a run of `durationSec`. */
export function defaultSpeedIndex(durationSec: number): number {
  const i = SPEEDS.findIndex((s) => durationSec / s <= TARGET_WALL_SEC);
  return i < 0 ? SPEEDS.length - 1 : i;
}

export function speedLabel(i: number): string {
  return LABELS[Math.min(Math.max(i, 0), LABELS.length - 1)];
}

/** + and -: one step faster or slower, within the table. */
export function stepSpeed(i: number, by: number): number {
  return Math.min(SPEEDS.length - 1, Math.max(0, i + by));
}

/** A measured speed (simulated s per wall s) as "1.0h/s", "12m/s", "3.2d/s". */
export function formatRate(simPerWall: number): string {
  if (!Number.isFinite(simPerWall) || simPerWall <= 0) return "--";
  const units: [string, number][] = [
    ["d", 86_400],
    ["h", 3600],
    ["m", 60],
    ["s", 1],
  ];
  for (const [u, size] of units) {
    if (simPerWall >= size) {
      const v = simPerWall / size;
      return `${v >= 100 ? Math.round(v) : +v.toPrecision(2)}${u}/s`;
    }
  }
  return `${+simPerWall.toPrecision(2)}s/s`;
}
