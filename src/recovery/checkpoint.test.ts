import { describe, expect, it } from "vitest";
import { bestInterval, dalyInterval, expectedGoodput, firstOrderGoodput, youngInterval } from "./checkpoint.js";

describe("checkpoint intervals", () => {
  it("Young: sqrt(2 delta M)", () => {
    expect(youngInterval(90, 8 * 3600)).toBeCloseTo(Math.sqrt(2 * 90 * 28800), 9);
  });

  it("Daly's optimum is the true optimum of the exponential model (within 1%), Young close when delta << M", () => {
    for (const [delta, m, r] of [
      [60, 7200, 120],
      [90, 3 * 3600, 300],
      [600, 24 * 3600, 600],
    ]) {
      const grid = Array.from({ length: 4000 }, (_, i) => 10 + i * (m / 2000));
      const best = bestInterval(grid, delta, r, m);
      expect(Math.abs(dalyInterval(delta, m) - best) / best).toBeLessThan(0.01);
      expect(Math.abs(youngInterval(delta, m) - best) / best).toBeLessThan(0.1);
    }
    expect(dalyInterval(5000, 2000)).toBe(2000);
  });

  it("first-order goodput approaches the exact one when failures are rare", () => {
    const exact = expectedGoodput(1200, 30, 60, 100 * 3600);
    expect(Math.abs(firstOrderGoodput(1200, 30, 60, 100 * 3600) - exact)).toBeLessThan(0.002);
    expect(exact).toBeLessThan(1200 / 1230);
  });
});
