import { describe, expect, it } from "vitest";
import { ringAllReduceSec, ringLinks } from "./exchange.js";

describe("inter-datacenter gradient exchange", () => {
  it("one datacenter exchanges nothing", () => {
    expect(ringAllReduceSec(1, 2e9, [])).toBe(0);
  });

  it("two datacenters: 2 x 1/2 x 8G/b + 2a", () => {
    // 2 GB over 100 Gb/s, 10 ms: 16e9 / 1e11 = 0.16 s of transfer, 0.02 s of latency.
    expect(ringAllReduceSec(2, 2e9, [{ latencySec: 0.01, bandwidthBitsPerSec: 1e11 }])).toBeCloseTo(0.18, 12);
    // A 40 ms spike on the link: 2 x 0.05 latency.
    expect(ringAllReduceSec(2, 2e9, [{ latencySec: 0.01, bandwidthBitsPerSec: 1e11, extraLatencySec: 0.04 }])).toBeCloseTo(0.26, 12);
  });

  it("three datacenters: 2(k-1) rounds of a + 8G/(k b), gated by the slowest hop", () => {
    // Rounds: 0.005 + 24e9/(3 x 4e10) = 0.205 on the slow hop (vs 0.005 + 0.08 on the fast ones); x 4.
    const hops = [
      { latencySec: 0.005, bandwidthBitsPerSec: 1e11 },
      { latencySec: 0.005, bandwidthBitsPerSec: 4e10 },
      { latencySec: 0.002, bandwidthBitsPerSec: 1e11 },
    ];
    expect(ringAllReduceSec(3, 3e9, hops)).toBeCloseTo(4 * 0.205, 12);
    // Same as the textbook 2(k-1)a + 2(k-1)/k x 8G/b on the slow hop.
    expect(ringAllReduceSec(3, 3e9, hops)).toBeCloseTo(2 * 2 * 0.005 + ((2 * 2) / 3) * (24e9 / 4e10), 12);
  });

  it("ring links: one for two datacenters, k for more", () => {
    const id = (a: number, b: number) => (a === 2 && b === 0 ? -1 : a * 10 + b);
    expect(ringLinks([0], id)).toEqual([]);
    expect(ringLinks([0, 1], id)).toEqual([1]);
    expect(ringLinks([0, 1, 2], id)).toEqual([1, 12, -1]);
  });
});
