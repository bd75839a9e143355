import { describe, expect, it } from "vitest";
import {
  binomialCdf,
  meanInterval,
  normalQuantile,
  quantileInterval,
  quantileSorted,
  seedsForQuantileInterval,
  studentTQuantile,
  wilsonInterval,
  withinRange,
} from "./stats.js";

describe("distributions", () => {
  it("gives Student's t quantiles as the tables do", () => {
    // t(0.975, df) from any table
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062, 3);
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.7764, 4);
    expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.2622, 4);
    expect(studentTQuantile(0.975, 49)).toBeCloseTo(2.0096, 4);
    expect(studentTQuantile(0.995, 20)).toBeCloseTo(2.8453, 4);
    expect(studentTQuantile(0.025, 9)).toBeCloseTo(-2.2622, 4);
  });

  it("gives normal quantiles", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
  });
});

describe("the mean over seeds", () => {
  it("has a Student-t interval: 1..5 gives 3 ± 2.776 · 1.581/√5", () => {
    const iv = meanInterval([1, 2, 3, 4, 5]);
    expect(iv.estimate).toBe(3);
    expect(iv.low).toBeCloseTo(1.0368, 4);
    expect(iv.high).toBeCloseTo(4.9632, 4);
    expect(iv.n).toBe(5);
  });

  it("is a point when every seed agrees, and unbounded from a single seed", () => {
    expect(meanInterval([0, 0, 0])).toEqual({ estimate: 0, low: 0, high: 0, n: 3 });
    expect(meanInterval([0.9])).toEqual({ estimate: 0.9, low: -Infinity, high: Infinity, n: 1 });
    expect(meanInterval([1, Infinity]).estimate).toBe(Infinity);
  });
});

describe("an interval within the metric's range", () => {
  const fraction = { min: 0, max: 1 };

  it("is cut at the range's ends, an unbounded end at the range's", () => {
    expect(withinRange({ estimate: 0.988, low: 0.9672, high: 1.009, n: 5 }, fraction)).toEqual({ estimate: 0.988, low: 0.9672, high: 1, n: 5 });
    expect(withinRange({ estimate: 18.75, low: -2.888, high: 40.39, n: 16 }, { min: 0, max: Infinity })).toMatchObject({ low: 0, high: 40.39 });
    expect(withinRange(meanInterval([0.9]), fraction)).toMatchObject({ low: 0, high: 1 });
    expect(withinRange(meanInterval([0.2, 0.3, 0.25, 0.22, 0.28]), fraction)).toEqual(meanInterval([0.2, 0.3, 0.25, 0.22, 0.28]));
  });

  it("still holds an estimate that lies outside a wrongly declared range", () => {
    expect(withinRange({ estimate: 1.02, low: 0.98, high: 1.06, n: 3 }, fraction)).toMatchObject({ low: 0.98, high: 1.02 });
  });
});

describe("a probability over seeds", () => {
  it("has a Wilson score interval that stays in [0, 1] at 0/n and n/n", () => {
    const iv = wilsonInterval(8, 10);
    expect(iv.estimate).toBe(0.8);
    expect(iv.low).toBeCloseTo(0.4902, 4);
    expect(iv.high).toBeCloseTo(0.9433, 4);
    expect(wilsonInterval(0, 10)).toMatchObject({ low: 0 });
    expect(wilsonInterval(0, 10).high).toBeCloseTo(0.2775, 4);
    expect(wilsonInterval(10, 10)).toMatchObject({ estimate: 1, high: 1 });
    expect(wilsonInterval(10, 10).low).toBeCloseTo(0.7225, 4);
    // 50 seeds out of 50 still do not show P >= 95% at 95% confidence
    expect(wilsonInterval(50, 50).low).toBeLessThan(0.95);
  });
});

describe("a percentile over seeds", () => {
  it("is interpolated between order statistics (type 7)", () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(
      quantileSorted(
        Array.from({ length: 20 }, (_, i) => i + 1),
        0.05,
      ),
    ).toBeCloseTo(1.95, 12);
    expect(quantileSorted([7], 0.99)).toBe(7);
  });

  it("has the textbook distribution-free interval: the median of 10 lies in [x(2), x(9)]", () => {
    const xs = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    expect(quantileInterval(xs, 0.5)).toEqual({ estimate: 5.5, low: 2, high: 9, n: 10 });
  });

  it("covers the true percentile with at least 95% probability, for any n and q", () => {
    for (const q of [0.05, 0.25, 0.5, 0.9, 0.99]) {
      for (let n = 2; n <= 150; n++) {
        // with values 1..n, the interval's ends are the ranks l and u
        const iv = quantileInterval(
          Array.from({ length: n }, (_, i) => i + 1),
          q,
        );
        const cdf = binomialCdf(n, q);
        const F = (k: number) => (k < 0 ? 0 : k >= n ? 1 : cdf[k]);
        const l = Number.isFinite(iv.low) ? iv.low : 0;
        const u = Number.isFinite(iv.high) ? iv.high : n + 1;
        expect(F(u - 1) - F(l - 1)).toBeGreaterThanOrEqual(0.95 - 1e-12);
        // a missing end is missing because no rank would do
        if (!Number.isFinite(iv.low)) expect(F(0)).toBeGreaterThan(0.025);
        if (!Number.isFinite(iv.high)) expect(F(n - 1)).toBeLessThan(0.975);
      }
    }
  });

  it("says how many seeds it takes to bound a percentile: 72 for the 5th", () => {
    expect(seedsForQuantileInterval(0.05)).toBe(72);
    expect(seedsForQuantileInterval(0.5)).toBe(6);
    const at = (n: number) =>
      quantileInterval(
        Array.from({ length: n }, (_, i) => i),
        0.05,
      );
    expect(at(71).low).toBe(-Infinity);
    expect(Number.isFinite(at(72).low)).toBe(true);
  });
});
