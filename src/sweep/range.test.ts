import { describe, expect, it } from "vitest";
import { formatSetting, parseSet, yamlValue } from "./range.js";

describe("a sweep axis, --set PATH=FROM..TO:STEPS", () => {
  it("spaces durations evenly, both ends included, and sets them as seconds", () => {
    const a = parseSet("policies.naive.checkpoint=10m..1h:6");
    expect(a).toMatchObject({ path: "policies.naive.checkpoint", unit: "duration", spacing: "linear", values: [600, 1200, 1800, 2400, 3000, 3600] });
    expect(a.values.map((v) => formatSetting(a, v))).toEqual(["10m", "20m", "30m", "40m", "50m", "1h"]);
    expect(yamlValue(a, 1254.5454545454)).toBe("1254.54545455s");
  });

  it("spaces on a log scale with ..~", () => {
    const a = parseSet("policies.naive.checkpoint=10m..~4h:8");
    expect(a.spacing).toBe("log");
    expect(a.values[0]).toBe(600);
    expect(a.values[7]).toBe(14400);
    expect(a.values[1] / a.values[0]).toBeCloseTo(a.values[7] / a.values[6], 9);
    expect(a.values.map((v) => formatSetting(a, v)).slice(0, 3)).toEqual(["10m", "15m45s", "24m48s"]);
  });

  it("takes numbers and percentages, downwards too", () => {
    const n = parseSet("workloads.0.training.hosts=256..64:4");
    expect(n).toMatchObject({ unit: "number", values: [256, 192, 128, 64] });
    expect(yamlValue(n, 192)).toBe("192");
    const p = parseSet("policies.hardened.spares=0%..4%:5");
    expect(p).toMatchObject({ unit: "percent", values: [0, 0.01, 0.02, 0.03, 0.04] });
    expect([yamlValue(p, 0.03), formatSetting(p, 0.03)]).toEqual(["3%", "3%"]);
  });

  it("says what to fix in a bad one", () => {
    expect(() => parseSet("policies.naive.checkpoint")).toThrow(/expected PATH=FROM\.\.TO:STEPS/);
    expect(() => parseSet("policies.naive.checkpoint=10m-4h:12")).toThrow(/expected PATH=FROM\.\.TO:STEPS/);
    expect(() => parseSet("policies.naive.checkpoint=10m..4h:1")).toThrow(/STEPS should be between 2 and 1000, found 1/);
    expect(() => parseSet("policies.naive.checkpoint=10m..4h:many")).toThrow(/STEPS should be a whole number/);
    expect(() => parseSet("policies.naive.checkpoint=10m..4:5")).toThrow(
      /FROM and TO should be the same kind of value, found a duration \(10m\) and a number \(4\)/,
    );
    expect(() => parseSet("policies.naive.checkpoint=10q..4h:5")).toThrow(/FROM "10q" is not a number, a percentage or a duration/);
    expect(() => parseSet("policies.naive.checkpoint=1h..1h:5")).toThrow(/FROM and TO are the same value/);
    expect(() => parseSet("x=0..~5:3")).toThrow(/log spacing \(\.\.~\) needs FROM and TO above zero/);
    expect(() => parseSet("policies naive=1..2:3")).toThrow(/should be dotted keys/);
  });
});
