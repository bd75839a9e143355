// Metrics declare which policy keys can change them (MetricDef.changedBy: src/base/
// metric.ts); an SLO on one that no policy of the scenario changes is a validation warning.
// The declarations are checked here against every recorded run (test/golden/scenario-
// metrics.json: every scenario at seeds 1-3, every policy, as the built binary reports
// them): a metric said to move only with keys no policy of that scenario sets must have
// the same value in every lane, and the workloads' metrics must really move somewhere.
// Their ranges (MetricDef.range, which gate and sweep intervals stay in) must hold every
// recorded value.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "../src/scenario/load.js";
import { metricInfo, metricRange } from "../src/slo/catalog.js";

interface Recorded {
  metrics: Record<string, Record<string, number | null>>;
}
const golden = JSON.parse(readFileSync("test/golden/scenario-metrics.json", "utf8")) as Record<string, Recorded>;

describe("metric scopes agree with recorded runs", () => {
  it("a metric no policy of the scenario can change is equal in every lane of every run", () => {
    let checked = 0;
    for (const [key, run] of Object.entries(golden)) {
      const loaded = loadScenarioFile(`scenarios/${key.split("#")[0]}`);
      if (!loaded.ok) throw new Error(key);
      const policies = Object.values(loaded.value.policies) as Record<string, unknown>[];
      const lanes = Object.values(run.metrics);
      if (lanes.length < 2) continue;
      for (const name of Object.keys(lanes[0])) {
        const keys = metricInfo(name)?.changedBy;
        if (keys === undefined || keys.some((k) => policies.some((p) => p[k] !== undefined))) continue;
        expect({ key, name, values: lanes.map((l) => l[name]) }).toEqual({ key, name, values: lanes.map(() => lanes[0][name]) });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it("every recorded value lies in its metric's range (a ratio that passes 1 must say so)", () => {
    const outside: string[] = [];
    let checked = 0;
    for (const [key, run] of Object.entries(golden)) {
      for (const [lane, metrics] of Object.entries(run.metrics)) {
        for (const [name, v] of Object.entries(metrics)) {
          if (v === null) continue;
          const { min, max } = metricRange(name);
          if (!(v >= min && v <= max)) outside.push(`${key} ${lane} ${name} = ${v} outside [${min}, ${max}]`);
          checked++;
        }
      }
    }
    expect(outside).toEqual([]);
    expect(checked).toBeGreaterThan(1500);
  });

  it("silentCorruptions differs between policies somewhere: a policy can change it", () => {
    const differs = Object.values(golden).some((run) => new Set(Object.values(run.metrics).map((m) => m.silentCorruptions)).size > 1);
    expect(differs).toBe(true);
  });
});
