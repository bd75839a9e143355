// `fleet metrics`: the catalog as a user reads it, within 80 columns, and as JSON.
import { describe, expect, it } from "vitest";
import { METRICS } from "../src/slo/catalog.js";
import { fleet } from "./helpers.js";

describe("fleet metrics", () => {
  it("lists every metric of the catalog with its unit, workload and what changes it, within 80 columns", async () => {
    const r = await fleet(["metrics"]);
    expect(r.code).toBe(0);
    for (const line of r.out.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
    expect(r.out).toMatch(/\ntraining\.goodput +fraction +training +recovery\n {4}productive step time/);
    expect(r.out).toMatch(/\nmemory\.silent +count +any +ecc\n/);
    expect(r.out).toMatch(/\nfaults\.host\.crash +count +any +nothing\n/);
    expect(r.out.trimEnd().split("\n").at(-1)).toBe(`${METRICS.length} metrics`);
  });

  it("keeps the names under a prefix; --json gives the same rows; an unknown prefix is an error with a guess", async () => {
    const r = await fleet(["metrics", "serving.p9", "--json"]);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as { name: string; unit: string; workload: string; changedBy: string }[];
    expect(rows.map((x) => x.name)).toEqual(
      METRICS.map((m) => m.name)
        .filter((n) => n.startsWith("serving.p9"))
        .sort(),
    );
    expect(rows.every((x) => x.unit === "seconds" && x.workload === "serving" && x.changedBy === "recovery")).toBe(true);
    const bad = await fleet(["metrics", "srving"]);
    expect(bad.code).toBe(2);
    expect(bad.err.split("\n")[0]).toBe('fleet metrics: no metric starts with "srving" (did you mean "serving"?)');
  });
});
