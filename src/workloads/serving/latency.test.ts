import { describe, expect, it } from "vitest";
import { Streams } from "../../sim/streams.js";
import { lognormalFit, normalCdf, normalQuantile, serviceSampler, Z99 } from "./latency.js";
import { quickselect, RecentLatency } from "./recent.js";

describe("service-time distributions", () => {
  it("the lognormal through p50 8ms and p99 40ms has those quantiles, in closed form and in samples", () => {
    const { mu, sigma } = lognormalFit(0.008, 0.04);
    expect(Math.exp(mu)).toBeCloseTo(0.008, 12);
    expect(Math.exp(mu + Z99 * sigma)).toBeCloseTo(0.04, 12);
    const s = serviceSampler({ dist: "lognormal", p50Sec: 0.008, p99Sec: 0.04 });
    expect(s.quantile(0.99)).toBeCloseTo(0.04, 6);
    expect(s.tail(0.04)).toBeCloseTo(0.01, 6);
    const rng = new Streams(1).get("t");
    const xs = Array.from({ length: 200000 }, () => s.sample(rng)).sort((a, b) => a - b);
    expect(xs[100000]).toBeGreaterThan(0.0079);
    expect(xs[100000]).toBeLessThan(0.0081);
    expect(xs[198000]).toBeGreaterThan(0.038);
    expect(xs[198000]).toBeLessThan(0.042);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.abs(mean / s.meanSec - 1)).toBeLessThan(0.01);
  });

  it("exponential and deterministic service times have their textbook moments", () => {
    const e = serviceSampler({ dist: "exponential", meanSec: 0.01 });
    expect(e.secondMomentSec2).toBeCloseTo(2e-4, 12);
    expect(e.tail(0.01)).toBeCloseTo(Math.exp(-1), 12);
    const d = serviceSampler({ dist: "deterministic", meanSec: 0.01 });
    expect(d.sample(new Streams(1).get("t"))).toBe(0.01);
    expect(d.secondMomentSec2).toBeCloseTo(1e-4, 12);
  });

  it("refuses a tail shorter than its median", () => {
    expect(() => lognormalFit(0.04, 0.008)).toThrow(/p50 < p99/);
  });

  it("the normal CDF and quantile agree with each other and with known points", () => {
    expect(normalQuantile(0.99)).toBeCloseTo(Z99, 7);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
    for (const p of [0.001, 0.02, 0.3, 0.5, 0.9, 0.999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6);
  });
});

describe("recent latency for percentile hedging", () => {
  it("has no estimate before 128 samples, then tracks the percentile of the last 1024", () => {
    const r = new RecentLatency(95);
    for (let i = 0; i < 127; i++) r.add(i);
    expect(r.value).toBe(Infinity);
    for (let i = 0; i < 2048; i++) r.add((i % 1000) / 1000); // values 0..0.999
    expect(r.value).toBeGreaterThan(0.9);
    expect(r.value).toBeLessThan(0.99);
    for (let i = 0; i < 1024; i++) r.add(5); // the old samples leave the ring
    expect(r.value).toBe(5);
  });

  it("quickselect finds the k-th smallest", () => {
    const rng = new Streams(2).get("q");
    const xs = Float64Array.from({ length: 501 }, () => rng.next());
    const sorted = [...xs].sort((a, b) => a - b);
    for (const k of [0, 17, 250, 500]) expect(quickselect(Float64Array.from(xs), xs.length, k)).toBe(sorted[k]);
  });
});
