// A sweep's grid and its results: every combination of the axes' values (one or two axes;
// the first varies slowest), a job for every (point, seed), and per point the chosen
// metric of the chosen policy averaged over the seeds with a Student-t 95% interval cut at
// the metric's range (src/gate/stats.ts). The best point is the one with the highest (goal
// max) or lowest (goal min) mean; ties go to the first. Points the seeds cannot tell apart
// from the best (a paired comparison, seed by seed: every point runs the same faults) are
// "not clearly worse".
import type { JobResult, JobSpec, Override } from "../distributed/job.js";
import { meanInterval, withinRange, type Interval } from "../gate/stats.js";
import { metricRange } from "../slo/catalog.js";
import { yamlValue, type Axis } from "./range.js";

export interface GridPoint {
  index: number;
  /** One value per axis. */
  values: number[];
  overrides: Override[];
}

export type Goal = "max" | "min";

export interface PointResult extends Interval {
  point: GridPoint;
  /** The metric per complete seed, in seed order. */
  perSeed: { seed: number; value: number; digest: string }[];
  /** Runs of this point that failed (not counted). */
  failed: number;
}

export function gridPoints(axes: readonly Axis[]): GridPoint[] {
  let combos: number[][] = [[]];
  for (const axis of axes) combos = combos.flatMap((c) => axis.values.map((v) => [...c, v]));
  return combos.map((values, index) => ({ index, values, overrides: values.map((v, i) => ({ path: axes[i].path, value: yamlValue(axes[i], v) })) }));
}

export function pointJobId(point: GridPoint, seed: number): string {
  return `p${point.index}/seed=${seed}`;
}

export function sweepJobs(base: { file: string; text: string; durationSec: number }, points: readonly GridPoint[], seeds: readonly number[]): JobSpec[] {
  return points.flatMap((p) =>
    seeds.map((seed) => ({ id: pointJobId(p, seed), file: base.file, text: base.text, seed, durationSec: base.durationSec, overrides: p.overrides })),
  );
}

/** The metric of `policy` per point, over the seeds whose run completed. */
export function aggregatePoints(
  points: readonly GridPoint[],
  seeds: readonly number[],
  results: readonly JobResult[],
  policy: string,
  metric: string,
): PointResult[] {
  const byId = new Map(results.map((r) => [r.id, r]));
  const range = metricRange(metric);
  return points.map((point) => {
    const runs = seeds.map((s) => byId.get(pointJobId(point, s))).filter((r): r is JobResult => r !== undefined);
    const complete = runs.filter((r) => r.status === "complete");
    const perSeed = complete.map((r) => ({ seed: r.seed, value: r.metrics[policy]?.[metric] ?? NaN, digest: r.digest }));
    const values = perSeed.map((x) => x.value);
    const iv = values.some((v) => Number.isNaN(v)) ? { estimate: NaN, low: NaN, high: NaN, n: values.length } : withinRange(meanInterval(values), range);
    return { ...iv, point, perSeed, failed: runs.filter((r) => r.status === "failed" || r.status === "invalid").length };
  });
}

/** Index of the best point (highest mean for max, lowest for min); -1 when none has a mean. */
export function bestIndex(rows: readonly PointResult[], goal: Goal): number {
  let best = -1;
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i].estimate;
    if (Number.isNaN(v) || rows[i].n === 0) continue;
    if (best < 0 || (goal === "max" ? v > rows[best].estimate : v < rows[best].estimate)) best = i;
  }
  return best;
}

/**
 * Indices of the other points the seeds cannot tell apart from the best one. Every point
 * runs the same seeds, so the same faults (common random numbers): the comparison is
 * paired, seed by seed. A point is "not clearly worse" when the Student-t 95% interval of
 * its mean per-seed difference from the best still reaches zero (or when it has fewer
 * than 2 seeds in common with the best, so nothing can be said).
 */
export function closeToBest(rows: readonly PointResult[], best: number, goal: Goal = "max"): number[] {
  if (best < 0) return [];
  const b = new Map(rows[best].perSeed.map((x) => [x.seed, x.value]));
  return rows.flatMap((r, i) => {
    if (i === best || r.n === 0 || Number.isNaN(r.estimate)) return [];
    const diffs = r.perSeed.filter((x) => b.has(x.seed)).map((x) => (goal === "max" ? b.get(x.seed)! - x.value : x.value - b.get(x.seed)!));
    if (diffs.length < 2) return [i];
    return meanInterval(diffs).low <= 0 ? [i] : [];
  });
}
