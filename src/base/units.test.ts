import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  UnitError,
  exactDuration,
  formatDuration,
  formatSize,
  formatTime,
  MIN_DURATION_SEC,
  parseAngle,
  parseAzimuth,
  parseBandwidth,
  parseDuration,
  parseFactor,
  parseFitPerMbit,
  parseFraction,
  parseRatePerSec,
  parseSize,
} from "./units.js";

describe("durations", () => {
  it("reads every unit", () => {
    expect(parseDuration("90s")).toBe(90);
    expect(parseDuration("250ms")).toBeCloseTo(0.25, 12);
    expect(parseDuration("4h")).toBe(14400);
    expect(parseDuration("10m")).toBe(600);
    expect(parseDuration("10min")).toBe(600);
    expect(parseDuration("2d")).toBe(172800);
    expect(parseDuration("1w")).toBe(604800);
    expect(parseDuration("3y")).toBe(3 * 365 * 86400);
    expect(parseDuration("1h30m")).toBe(5400);
    expect(parseDuration("1h 30m 15s")).toBe(5415);
    expect(parseDuration("1.5h")).toBe(5400);
    expect(parseDuration(12)).toBe(12);
  });

  it("rejects bad input with the expected unit in the message", () => {
    for (const bad of ["", "h", "4 hours", "4x", "-3h", "1h-", "90", "NaN", "1e999h", true, null, [1], { a: 1 }]) {
      expect(() => parseDuration(bad), String(bad)).toThrow(UnitError);
    }
    expect(() => parseDuration("90")).toThrow(/needs a unit/);
    expect(() => parseDuration("-3h")).toThrow(/not negative/);
    expect(() => parseDuration("4q")).toThrow(/duration like/);
  });

  it("round-trips through formatDuration within rounding (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.constantFrom("s", "m", "h", "d", "w", "y"), (n, unit) => {
        const secs = parseDuration(`${n}${unit}`);
        const back = parseDuration(formatDuration(secs));
        // two parts at most, the second rounded: never off by more than 1% or one second.
        expect(Math.abs(back - secs)).toBeLessThanOrEqual(Math.max(1, secs * 0.01));
      }),
    );
  });

  it("writes seconds as text that reads back exactly (property)", () => {
    expect(exactDuration(104582)).toBe("1d5h3m2s");
    expect(exactDuration(1200)).toBe("20m");
    expect(exactDuration(0.25)).toBe("0.25s");
    expect(exactDuration(2755.25)).toBe("45m55.25s");
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.double({ min: MIN_DURATION_SEC, max: 1e9, noNaN: true })), (secs) => {
        expect(parseDuration(exactDuration(secs))).toBe(secs);
      }),
    );
  });

  it("parses any sum of parts as the sum (property)", () => {
    const table: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 500 }), fc.constantFrom("h", "m", "s", "ms")), { minLength: 1, maxLength: 4 }), (parts) => {
        const text = parts.map(([n, u]) => `${n}${u}`).join("");
        const want = parts.reduce((acc, [n, u]) => acc + n * table[u], 0);
        expect(parseDuration(text)).toBeCloseTo(want, 6);
      }),
    );
  });

  it("formats readably", () => {
    expect(formatDuration(5400)).toBe("1h30m");
    expect(formatDuration(0.25)).toBe("250ms");
    expect(formatDuration(72 * 3600)).toBe("3d");
    expect(formatDuration(3599.9)).toBe("1h");
  });
});

describe("fractions, sizes, rates, angles, bandwidth, factors", () => {
  it("fractions", () => {
    expect(parseFraction("2%")).toBeCloseTo(0.02, 15);
    expect(parseFraction("0.05%")).toBeCloseTo(0.0005, 15);
    expect(parseFraction(0.3)).toBe(0.3);
    expect(() => parseFraction("150%")).toThrow(/between 0% and 100%/);
    expect(() => parseFraction("-1%")).toThrow(UnitError);
    expect(() => parseFraction("2 percent")).toThrow(/percentage like/);
  });

  it("sizes", () => {
    expect(parseSize("32GiB")).toBe(32 * 2 ** 30);
    expect(parseSize("8TB")).toBe(8e12);
    expect(parseSize("512 MiB")).toBe(512 * 2 ** 20);
    expect(() => parseSize("32")).toThrow(/needs a unit/);
    expect(() => parseSize("32GiG")).toThrow(/unknown unit "GiG"/);
    expect(formatSize(2 ** 30)).toBe("1GiB");
    expect(formatSize(8 * 2 ** 10 + 512)).toBe("8.5KiB");
    expect(formatSize(100)).toBe("100B");
    for (const text of ["1GiB", "51.5GiB", "8.5KiB", "100B"]) expect(formatSize(parseSize(text))).toBe(text);
  });

  it("FIT and rates", () => {
    expect(parseFitPerMbit("25000 FIT/Mbit")).toBe(25000);
    expect(() => parseFitPerMbit("25000")).toThrow(/FIT\/Mbit/);
    expect(parseRatePerSec("200/h")).toBeCloseTo(200 / 3600, 12);
    expect(parseRatePerSec("2000 qps")).toBe(2000);
    expect(parseRatePerSec("3 per d")).toBeCloseTo(3 / 86400, 12);
    expect(parseRatePerSec("1/12h")).toBeCloseTo(1 / 43200, 12);
    expect(parseRatePerSec(5)).toBe(5);
    expect(() => parseRatePerSec("5/fortnight")).toThrow(/rate like/);
  });

  it("angles and compass directions", () => {
    expect(parseAngle("90deg")).toBe(90);
    expect(parseAngle("east")).toBe(90);
    expect(parseAngle("NE")).toBe(45);
    expect(parseAngle("south-west")).toBe(225);
    expect(parseAngle("3.141592653589793rad")).toBeCloseTo(180, 9);
    expect(parseAzimuth(-90)).toBe(270);
    expect(parseAzimuth("450deg")).toBe(90);
    expect(() => parseAngle("eastish")).toThrow(/compass direction/);
  });

  it("bandwidth and factors", () => {
    expect(parseBandwidth("400Gbps")).toBe(4e11);
    expect(parseBandwidth("10GB/s")).toBe(8e10);
    expect(parseBandwidth("10Gb/s")).toBe(1e10);
    expect(() => parseBandwidth("10 gigs")).toThrow(/bandwidth like/);
    expect(parseFactor("5x")).toBe(5);
    expect(parseFactor(1.5)).toBe(1.5);
    expect(() => parseFactor("fast")).toThrow(/factor like/);
  });
});

describe("moments of simulated time", () => {
  it("are written in the duration syntax, cut to the minute (to the second under an hour), never rounded up", () => {
    expect(formatTime(0)).toBe("0s");
    expect(formatTime(42.579)).toBe("42.57s");
    expect(formatTime(2755.9)).toBe("45m55s");
    expect(formatTime(3600)).toBe("1h");
    expect(formatTime(86400 + 23 * 3600 + 52 * 60 + 59)).toBe("1d23h52m");
    expect(formatTime(3 * 86400)).toBe("3d");
    expect(formatTime(86400 + 5 * 60)).toBe("1d5m");
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e9, noNaN: true }), (secs) => {
        const back = parseDuration(formatTime(secs));
        expect(back).toBeLessThanOrEqual(secs);
        expect(secs - back).toBeLessThan(secs < 3600 ? 1 : 60);
      }),
    );
  });
});
