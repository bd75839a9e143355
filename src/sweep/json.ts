// A sweep as JSON: the axes, the seeds, what was compared, and every point with its
// settings, mean and 95% interval (within the metric's range, given as `range`), and each
// seed's value and journal digest; the best point's index. Non-finite numbers are written
// as strings ("NaN", "Infinity"). No wall-clock figures: the same sweep writes the same
// bytes however it ran.
import { LEVEL, METHOD } from "../gate/stats.js";
import { metricRange } from "../slo/catalog.js";
import type { Goal, PointResult } from "./grid.js";
import { formatSetting, type Axis } from "./range.js";

export interface SweepSummary {
  file: string;
  axes: readonly Axis[];
  seeds: readonly number[];
  durationSec: number;
  policy: string;
  metric: string;
  goal: Goal;
  rows: readonly PointResult[];
  best: number;
  partial: boolean;
  exitCode: number;
}

export function formatSweepJson(s: SweepSummary): string {
  const doc = {
    fleetSweep: 1,
    exitCode: s.exitCode,
    partial: s.partial,
    file: s.file,
    axes: s.axes.map((a) => ({ path: a.path, unit: a.unit, spacing: a.spacing, values: a.values, set: a.text })),
    seeds: s.seeds,
    durationSec: s.durationSec,
    policy: s.policy,
    metric: s.metric,
    goal: s.goal,
    level: LEVEL,
    method: METHOD.mean,
    range: metricRange(s.metric),
    best: s.best,
    points: s.rows.map((r) => ({
      index: r.point.index,
      values: r.point.values,
      settings: r.point.values.map((v, k) => formatSetting(s.axes[k], v)),
      overrides: r.point.overrides,
      mean: r.estimate,
      low: r.low,
      high: r.high,
      n: r.n,
      failed: r.failed,
      perSeed: r.perSeed,
    })),
  };
  return `${JSON.stringify(doc, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v), 2)}\n`;
}
