import { describe, expect, it } from "vitest";
import type { PointResult } from "./grid.js";
import { gridPoints } from "./grid.js";
import { formatSweepChart, formatSweepHeat, formatSweepTable } from "./plot.js";
import { parseSet } from "./range.js";

function rowsOf(axisText: string[], means: number[], half = 0.01): { axes: ReturnType<typeof parseSet>[]; rows: PointResult[] } {
  const axes = axisText.map(parseSet);
  const rows = gridPoints(axes).map((point, i) => ({ point, estimate: means[i], low: means[i] - half, high: means[i] + half, n: 3, perSeed: [], failed: 0 }));
  return { axes, rows };
}

describe("a sweep on the terminal", () => {
  const { axes, rows } = rowsOf(["policies.naive.checkpoint=20m..1h:3"], [0.7, 0.8, 0.75]);

  it("lists every point with its mean and interval, the best marked", () => {
    expect(formatSweepTable(axes, rows, 1)).toBe(
      [
        "policies.naive.checkpoint  mean  95% interval  seeds",
        "-------------------------  ----  ------------  -----  ------",
        "20m                         0.7  [0.69, 0.71]      3",
        "40m                         0.8  [0.79, 0.81]      3  ★ best",
        "1h                         0.75  [0.74, 0.76]      3",
      ].join("\n"),
    );
  });

  it("charts the metric against the setting: a dot per point, its interval as a bar, a star on the best", () => {
    const chart = formatSweepChart(axes[0], rows, 1, { height: 5 });
    expect(chart).toBe(
      [
        "0.81 ┤      ★",
        "     ┤      │",
        "0.75 ┤          ●",
        "     ┤  │",
        "0.69 ┤  ●",
        "     └──┬───┬───┬─",
        "       20m 40m 1h",
        "      policies.naive.checkpoint",
      ].join("\n"),
    );
    expect(formatSweepChart(axes[0], rows, 1, { height: 5, unicode: false })).toContain("0.81 +      *\n     +      |");
  });

  it("draws no bar for a point of one seed, whose interval is only the metric's range, nor stretches the scale to it", () => {
    const one = rows.map((r, i) => (i === 0 ? { ...r, estimate: 0.7, low: 0, high: 1, n: 1 } : r));
    expect(formatSweepChart(axes[0], one, 1, { height: 5 })).toBe(
      [
        " 0.81 ┤      ★",
        "      ┤      │",
        "0.755 ┤          ●",
        "      ┤          │",
        "  0.7 ┤  ●",
        "      └──┬───┬───┬─",
        "        20m 40m 1h",
        "       policies.naive.checkpoint",
      ].join("\n"),
    );
  });

  it("draws two settings as a heat table, darker is better, the best starred", () => {
    const two = rowsOf(["policies.naive.checkpoint=1h..2h:2", "policies.naive.spares=0%..2%:2"], [0.5, 0.9, 0.6, 0.7]);
    expect(formatSweepHeat([two.axes[0], two.axes[1]], two.rows, 1, "max")).toBe(
      [
        "policies.naive.checkpoint \\ policies.naive.spares       0%       2%",
        "-------------------------------------------------  -------  -------",
        "1h                                                 0.5      0.9 ██★",
        "2h                                                 0.6 ░░   0.7 ▒▒",
      ].join("\n"),
    );
  });
});
