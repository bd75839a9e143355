import { describe, expect, it } from "vitest";
import { chooseCharts, FAULTS_PER_HOUR, HOSTS_DOWN, TrendStore, trendLines } from "./trends.js";
import { lineWidth } from "./line.js";

describe("trend series from snapshots", () => {
  it("hosts down, the fault rate and every metric the snapshot carries, per policy", () => {
    const t = new TrendStore();
    t.add("a", 3600, { hostsDown: 1, faults: { x: 2 }, metrics: { "training.goodput": 0.9 } });
    t.add("b", 3600, { hostsDown: 1, faults: { x: 2 }, metrics: { "training.goodput": 0.95 } });
    t.add("a", 7200, { hostsDown: 144, faults: { x: 2, y: 4 }, metrics: { "training.goodput": 0.8 } });
    expect(t.series("a", HOSTS_DOWN)).toEqual([1, 144]);
    expect(t.series("a", FAULTS_PER_HOUR)).toEqual([2, 4]);
    expect(t.series("a", "training.goodput")).toEqual([0.9, 0.8]);
    expect(t.latest("b")["training.goodput"]).toBe(0.95);
  });

  it("a metric that appears late is blank before it", () => {
    const t = new TrendStore();
    t.add("a", 1, { hostsDown: 0 });
    t.add("a", 2, { hostsDown: 0, metrics: { "serving.p999": 0.12 } });
    expect(t.series("a", "serving.p999")).toEqual([NaN, 0.12]);
  });

  it("charts goodput, p99.9 and error rate when there, else hosts down and fault rate", () => {
    expect(chooseCharts(["serving.errorRate", HOSTS_DOWN, "serving.p999", "training.goodput"], [])).toEqual([
      ["training.goodput", "goodput"],
      ["serving.p999", "p99.9"],
      ["serving.errorRate", "error rate"],
    ]);
    expect(chooseCharts([HOSTS_DOWN, FAULTS_PER_HOUR, "training.goodput", "silentCorruptions"], ["silentCorruptions"])).toEqual([
      ["training.goodput", "goodput"],
      [HOSTS_DOWN, "hosts down"],
      [FAULTS_PER_HOUR, "faults/h"],
    ]);
  });

  it("each chart is a line of the given width: label, sparkline, latest value", () => {
    const t = new TrendStore();
    for (const [at, g] of [
      [1, 8],
      [2, 0],
      [3, 4],
    ])
      t.add("a", at, { metrics: { "training.goodput": g } });
    const [line] = trendLines(t, "a", [["training.goodput", "goodput"]], 24);
    expect(line.map((s) => s.text).join("")).toBe("goodput █▁▅            4");
    expect(lineWidth(line)).toBe(24);
  });
});
