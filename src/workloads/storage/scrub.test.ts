import { describe, expect, it } from "vitest";
import { KeyedHash } from "../../sim/hash.js";
import { scrubPhase, secondsUntilScrubbed } from "./scrub.js";

const DAY = 86400;
const phases = new KeyedHash(1, "storage.scrub.phase");

describe("scrub sweep", () => {
  it("reaches a byte within one interval, and exactly when the sweep passes it", () => {
    const phase = 0.25;
    // At t=0 the sweep is at 0.25 of the disk: a byte at 0.5 is a quarter of a day away,
    // one at 0.1 most of a day away (after the sweep wraps).
    expect(secondsUntilScrubbed(0, DAY, phase, 0.5)).toBeCloseTo(0.25 * DAY, 6);
    expect(secondsUntilScrubbed(0, DAY, phase, 0.1)).toBeCloseTo(0.85 * DAY, 6);
    expect(secondsUntilScrubbed(0.25 * DAY, DAY, phase, 0.5)).toBeCloseTo(0, 6);
    for (let i = 0; i < 1000; i++) {
      const wait = secondsUntilScrubbed(i * 7919.3, DAY, scrubPhase(phases, i), (i * 0.618) % 1);
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThan(DAY);
    }
  });

  it("gives disks different phases, spread over [0, 1)", () => {
    const spread = Array.from({ length: 1000 }, (_, d) => scrubPhase(phases, d));
    expect(new Set(spread).size).toBe(1000);
    const mean = spread.reduce((a, b) => a + b, 0) / 1000;
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 / Math.sqrt(12 * 1000));
  });
});
