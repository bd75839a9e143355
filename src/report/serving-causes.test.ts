// The serving cause tables: one column per policy, the causes met, the total last, 80 columns.
import { describe, expect, it } from "vitest";
import { SERVING_CAUSES } from "../workloads/serving/causes.js";
import { isServingCauseMetric, servingCauseTables } from "./serving-causes.js";

/** A lane's cause metrics, every cause 0 but those given (`prefix`: serving. or serving.<name>.). */
function lane(errors: Record<string, number>, excess: Record<string, number>, prefix = "serving."): Record<string, number> {
  const m: Record<string, number> = { [`${prefix}p99`]: 0.2 };
  for (const { name } of SERVING_CAUSES) {
    m[`${prefix}errors.${name}`] = errors[name] ?? 0;
    m[`${prefix}p99Excess.${name}`] = excess[name] ?? 0;
  }
  m[`${prefix}errors`] = Object.values(errors).reduce((a, b) => a + b, 0);
  m[`${prefix}p99Excess`] = Object.values(excess).reduce((a, b) => a + b, 0);
  return m;
}

describe("serving errors and latency by cause in the text report", () => {
  it("shows the causes some policy met, with each part's share of the tail's excess", () => {
    const metrics = {
      baseline: lane({ hostDown: 1200, straggler: 300 }, { straggler: 0.14, other: 0.06 }),
      hedged: lane({ hostDown: 1200 }, { hedgingLoad: 0.01, other: 0.03 }),
    };
    expect(servingCauseTables(metrics, ["baseline", "hedged"])).toBe(
      [
        "serving errors by cause, failed queries over the run",
        "cause      baseline  hedged",
        "---------  --------  ------",
        "hostDown      1,200   1,200",
        "straggler       300       0",
        "total         1,500   1,200",
        "",
        "serving p99 tail latency by cause, excess over an idle fleet",
        "cause         baseline    hedged",
        "-----------  ---------  --------",
        "straggler    140ms 70%     0s 0%",
        "hedgingLoad      0s 0%  10ms 25%",
        "other         60ms 30%  30ms 75%",
        "total            200ms      40ms",
      ].join("\n"),
    );
  });

  it("one pair of tables per service when there are several; none without a serving workload", () => {
    const m = { ...lane({}, { other: 0.01 }, "serving."), ...lane({}, { other: 0.01 }, "serving.search."), ...lane({ straggler: 5 }, {}, "serving.peak.") };
    const text = servingCauseTables({ p: m }, ["p"]) ?? "";
    expect(text).toContain("serving errors by cause (search): none");
    expect(text).toContain("serving errors by cause (peak), failed queries over the run");
    expect(text).toContain("serving p99 tail latency by cause (peak)");
    expect(text).not.toContain("serving errors by cause,");
    expect(servingCauseTables({ p: { "training.goodput": 0.9 } }, ["p"])).toBeUndefined();
  });

  it("fits 80 columns: with many policies the tables are cut by columns, the shares kept", () => {
    const lanes = ["policy-1", "policy-2", "policy-3", "policy-4", "policy-5", "policy-6"];
    const metrics = Object.fromEntries(lanes.map((l) => [l, lane({ straggler: 12_345 }, { straggler: 0.123, hedgingLoad: 0.0456 })]));
    const text = servingCauseTables(metrics, lanes) ?? "";
    for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
    expect(text).toContain("123ms 73%");
    expect(text.match(/^cause {2}/gm)?.length).toBeGreaterThan(2); // each table in parts
  });

  it("keeps the breakdowns, not the totals, out of the metric table", () => {
    expect(isServingCauseMetric("serving.errors.straggler")).toBe(true);
    expect(isServingCauseMetric("serving.search.p99Excess.hostDown")).toBe(true);
    expect(isServingCauseMetric("serving.errors")).toBe(false);
    expect(isServingCauseMetric("serving.search.p99Excess")).toBe(false);
    expect(isServingCauseMetric("serving.p99")).toBe(false);
  });
});
