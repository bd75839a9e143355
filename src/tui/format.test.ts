import { describe, expect, it } from "vitest";
import { compact, eta, metricValue, parseSimTime, progressBar, simClock } from "./format.js";
import { defaultSpeedIndex, formatRate, SPEEDS, speedLabel, stepSpeed } from "./speed.js";

describe("how the header prints numbers", () => {
  it("the simulated clock, written as every simulated time is (a duration a user can type back), cut and never rounded up", () => {
    expect(simClock(0)).toBe("0s");
    expect(simClock(5 * 60 + 7)).toBe("5m7s");
    expect(simClock(30 * 3600)).toBe("1d6h");
    expect(simClock(3 * 86_400)).toBe("3d");
    expect(simClock(2 * 86_400 - 1)).toBe("1d23h59m");
    expect(simClock(Number.NaN)).toBe("--");
    for (const s of [0, 307, 30 * 3600, 3 * 86_400, 86_400 + 5 * 60]) expect(parseSimTime(simClock(s))).toBe(s);
  });

  it("the ETA in wall time, unknown as --", () => {
    expect(eta(41)).toBe("0:41");
    expect(eta(723)).toBe("12:03");
    expect(eta(3723)).toBe("1:02:03");
    expect(eta(NaN)).toBe("--");
    expect(eta(Infinity)).toBe("--");
  });

  it("the progress bar fills its width and never spills", () => {
    expect(progressBar(0.5, 10)).toBe("█████░░░░░");
    expect(progressBar(1.7, 4)).toBe("████");
    expect(progressBar(-1, 4)).toBe("░░░░");
  });

  it("rates with k/M suffixes, metric values with 4 significant digits", () => {
    expect(compact(950)).toBe("950");
    expect(compact(1234)).toBe("1.2k");
    expect(compact(31_015)).toBe("31k");
    expect(compact(5_500_000)).toBe("5.5M");
    expect(metricValue(0.076794)).toBe("0.07679");
    expect(metricValue(19)).toBe("19");
    expect(metricValue(undefined)).toBe("-");
    expect(metricValue(NaN)).toBe("-");
  });
});

describe("a time typed for g (go to)", () => {
  it("takes durations, the clock the header shows, and 0", () => {
    expect(parseSimTime("30h")).toBe(30 * 3600);
    expect(parseSimTime("1d6h")).toBe(30 * 3600);
    expect(parseSimTime("1d 06:00")).toBe(30 * 3600);
    expect(parseSimTime("6:00:30")).toBe(6 * 3600 + 30);
    expect(parseSimTime("0")).toBe(0);
    expect(() => parseSimTime("soon")).toThrow("expected a time like 30h, 1d6h or 1d 06:00");
  });
});

describe("simulation speed", () => {
  it("starts at the slowest step that plays the run in about 90 s", () => {
    expect(speedLabel(defaultSpeedIndex(72 * 3600))).toBe("1h/s"); // cosmic: 72 s
    expect(speedLabel(defaultSpeedIndex(10 * 86_400))).toBe("6h/s"); // 40 s
    expect(speedLabel(defaultSpeedIndex(60))).toBe("1m/s");
    expect(speedLabel(defaultSpeedIndex(50 * 365 * 86_400))).toBe("max");
  });

  it("+ and - step through the table and stop at its ends", () => {
    expect(stepSpeed(0, -1)).toBe(0);
    expect(stepSpeed(SPEEDS.length - 1, 1)).toBe(SPEEDS.length - 1);
    expect(speedLabel(stepSpeed(2, 1))).toBe("6h/s");
  });

  it("a measured speed in the largest unit it reaches", () => {
    expect(formatRate(3600)).toBe("1h/s");
    expect(formatRate(3060)).toBe("51m/s");
    expect(formatRate(2.5 * 86_400)).toBe("2.5d/s");
    expect(formatRate(NaN)).toBe("--");
  });
});
