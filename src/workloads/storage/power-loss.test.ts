import { describe, expect, it } from "vitest";
import { KeyedHash } from "../../sim/hash.js";
import { failsToReboot } from "./power-loss.js";

const noReboot = (seed: number) => new KeyedHash(seed, "storage.noReboot");
const powerLossUniform = (seed: number, host: number, atSec: number) => noReboot(seed).uniform(host, atSec);

describe("hosts that do not come back from a power loss", () => {
  it("fail at the configured fraction: 1% of 200,000 (host, outage) pairs within 4 standard deviations", () => {
    let n = 0;
    const trials = 200_000;
    for (let i = 0; i < trials; i++) if (failsToReboot(noReboot(42), i % 5000, 3600 * (1 + Math.floor(i / 5000)), 0.01)) n++;
    const sd = Math.sqrt(trials * 0.01 * 0.99);
    expect(Math.abs(n - trials * 0.01)).toBeLessThan(4 * sd);
  });

  it("is a pure function of (seed, host, time): the same answer every call, another for another seed, host or time", () => {
    expect(powerLossUniform(7, 123, 40 * 3600)).toBe(powerLossUniform(7, 123, 40 * 3600));
    const u = powerLossUniform(7, 123, 40 * 3600);
    expect(powerLossUniform(8, 123, 40 * 3600)).not.toBe(u);
    expect(powerLossUniform(7, 124, 40 * 3600)).not.toBe(u);
    expect(powerLossUniform(7, 123, 40 * 3600 + 0.001)).not.toBe(u);
    expect(powerLossUniform(7 + 2 ** 32, 123, 40 * 3600)).not.toBe(u); // seeds above 32 bits count
  });

  it("is uniform: ten equal bins of 100,000 draws hold 10,000 each within 4 standard deviations", () => {
    const bins = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) bins[Math.floor(powerLossUniform(1, i, 12.5) * 10)]++;
    for (const c of bins) expect(Math.abs(c - 10_000)).toBeLessThan(4 * Math.sqrt(10_000 * 0.9));
  });

  it("never fails a host at fraction 0, always at 1", () => {
    expect(failsToReboot(noReboot(1), 5, 10, 0)).toBe(false);
    expect(failsToReboot(noReboot(1), 5, 10, 1)).toBe(true);
  });
});
