import { describe, expect, it } from "vitest";
import { didYouMean, formatIssues, formatPath, formatWarnings, type Issue } from "./issues.js";

const many = (n: number): Issue[] =>
  Array.from({ length: n }, (_, i) => ({ code: "invalid_value", path: ["faults", i], line: i + 1, column: 3, message: "expected a map" }));

describe("printing issues", () => {
  it("prints the first 50 issues of a file, then how many more, then the count", () => {
    const lines = formatIssues("x.yaml", many(4000)).split("\n");
    expect(lines).toHaveLength(52);
    expect(lines[49]).toBe("x.yaml:50:3 faults[49]: expected a map");
    expect(lines.slice(50)).toEqual(["  ... and 3950 more", "4000 errors in x.yaml"]);
    expect(formatIssues("x.yaml", many(50)).split("\n")).toHaveLength(51);
    expect(formatWarnings("x.yaml", many(60)).split("\n").at(-1)).toBe("  ... and 10 more");
  });

  it("cuts a long key in a path", () => {
    expect(formatPath(["slo", "k".repeat(1000)])).toBe(`slo["${"k".repeat(60)}..."]`);
    expect(formatPath(["fleet", "datacenters", 0, "hostsPerRack"])).toBe("fleet.datacenters[0].hostsPerRack");
  });

  it("finds typos, and does not measure words far longer than every candidate", () => {
    expect(didYouMean("mtfb", ["mtbf", "repair"])).toBe("mtbf");
    expect(didYouMean("x".repeat(100_000), ["busbar", "host"])).toBeUndefined();
  });
});
