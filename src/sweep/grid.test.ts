import { describe, expect, it } from "vitest";
import type { JobResult } from "../distributed/job.js";
import { aggregatePoints, bestIndex, closeToBest, gridPoints, pointJobId, sweepJobs } from "./grid.js";
import { parseSet } from "./range.js";

/** Rows of the points aggregated from made-up goodputs, `goodput[point][seed]` for seeds 1..n (digest "d<point><seed index>"). */
function goodputRows(points: ReturnType<typeof gridPoints>, goodput: number[][]) {
  const seeds = goodput[0].map((_, k) => k + 1);
  const results: JobResult[] = points.flatMap((p, i) =>
    seeds.map((seed, k) => ({
      id: pointJobId(p, seed),
      status: "complete" as const,
      seed,
      metrics: { naive: { "training.goodput": goodput[i][k] } },
      verdicts: [],
      traceDigest: "",
      digest: `d${i}${k}`,
      simEvents: 1,
    })),
  );
  return aggregatePoints(points, seeds, results, "naive", "training.goodput");
}

describe("a sweep's grid", () => {
  const ckpt = parseSet("policies.naive.checkpoint=1h..3h:3");
  const spares = parseSet("policies.naive.spares=0%..2%:2");

  it("crosses two axes, the first varying slowest, each point with its overrides", () => {
    const points = gridPoints([ckpt, spares]);
    expect(points.map((p) => p.values)).toEqual([
      [3600, 0],
      [3600, 0.02],
      [7200, 0],
      [7200, 0.02],
      [10800, 0],
      [10800, 0.02],
    ]);
    expect(points[3].overrides).toEqual([
      { path: "policies.naive.checkpoint", value: "7200s" },
      { path: "policies.naive.spares", value: "2%" },
    ]);
    const jobs = sweepJobs({ file: "x.yaml", text: "t", durationSec: 100 }, points, [5, 6]);
    expect(jobs).toHaveLength(12);
    expect(jobs[7]).toMatchObject({ id: "p3/seed=6", seed: 6, durationSec: 100, overrides: points[3].overrides });
  });

  it("averages the metric per point over the seeds and picks the best: argmax for max, argmin for min", () => {
    const points = gridPoints([ckpt]);
    const goodput = [
      [0.7, 0.72],
      [0.8, 0.84],
      [0.75, 0.77],
    ];
    const rows = goodputRows(points, goodput);
    expect(rows.map((r) => r.estimate)).toEqual([0.71, 0.8200000000000001, 0.76]);
    expect(rows[1].perSeed).toEqual([
      { seed: 1, value: 0.8, digest: "d10" },
      { seed: 2, value: 0.84, digest: "d11" },
    ]);
    expect(bestIndex(rows, "max")).toBe(1);
    expect(bestIndex(rows, "min")).toBe(0);
    // paired by seed, point 0 is 0.10 and 0.12 below the best and point 2 0.05 and 0.07,
    // but two seeds cannot tell (t(0.975, 1) = 12.7): neither is clearly worse
    expect(closeToBest(rows, 1, "max")).toEqual([0, 2]);
  });

  it("compares points with the best seed by seed, so the faults every point shares cancel out", () => {
    const points = gridPoints([ckpt]);
    // seeds differ a lot (0.3 vs 0.9), the points only a little, but always the same way
    const goodput = [
      [0.3, 0.6, 0.9],
      [0.32, 0.62, 0.92],
      [0.31, 0.62, 0.91],
    ];
    const rows = goodputRows(points, goodput);
    expect(bestIndex(rows, "max")).toBe(1);
    // every mean's own interval overlaps the others (seed-to-seed spread), yet point 0 is
    // 0.02 below the best in every seed: clearly worse; point 2 is 0.01, 0 and 0.01 below
    expect(rows[0].high).toBeGreaterThan(rows[1].low);
    expect(closeToBest(rows, 1, "max")).toEqual([2]);
    expect(closeToBest(rows, 0, "min")).toEqual([2]);
  });

  it("keeps each point's interval within what the metric can take: goodput in [0, 1]", () => {
    const points = gridPoints([ckpt]);
    const goodput = [
      [0.02, 0.5, 0.05],
      [0.97, 0.99, 0.6],
      [0.7, 0.72, 0.71],
    ];
    const rows = goodputRows(points, goodput);
    // Student-t: 0.19 ± 0.668 and 0.8533 ± 0.5456, cut at 0 and at 1; 0.71 ± 0.0248 as it was
    expect(rows[0]).toMatchObject({ low: 0, n: 3 });
    expect(rows[0].high).toBeCloseTo(0.858, 4);
    expect(rows[1]).toMatchObject({ high: 1 });
    expect(rows[1].low).toBeCloseTo(0.3078, 4);
    expect(rows[2].low).toBeCloseTo(0.6852, 4);
    expect(rows[2].high).toBeCloseTo(0.7348, 4);
  });

  it("leaves out failed runs, counting them, and has no best without values", () => {
    const points = gridPoints([ckpt]);
    const failed: JobResult = {
      id: pointJobId(points[0], 1),
      status: "failed",
      seed: 1,
      metrics: {},
      verdicts: [],
      traceDigest: "",
      digest: "",
      simEvents: 0,
      error: "boom",
    };
    const rows = aggregatePoints(points, [1], [failed], "naive", "training.goodput");
    expect(rows[0]).toMatchObject({ n: 0, failed: 1 });
    expect(bestIndex(rows, "max")).toBe(-1);
  });
});
