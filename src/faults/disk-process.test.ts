import { describe, expect, it } from "vitest";
import { dispersion, failureStats, type FailurePoint } from "../field/stats.js";
import { Streams } from "../sim/streams.js";
import { diskModel, expectedFailuresPerDisk } from "./disk.js";
import { BurstSize, pieceCumulativeHazard, pieceIntegratedHazard } from "./disk-process.js";
import { DAY, faultHarness, parseSettings, withinPoisson, YEAR } from "./testing.js";

/** 2,000 hosts x 12 disks = 24,000 disks in 100 racks. */
const fleet = { rows: 5, racksPerRow: 20, hostsPerRack: 20, host: { disks: 12 } };
const quiet = "lse: 0, slow: 0, ageSpread: 0s";

function run(settings: string, horizonSec: number, seed: number) {
  const h = faultHarness(fleet, seed);
  const s = parseSettings(diskModel, `{ ${quiet}, ${settings} }`);
  const inj = h.start(diskModel.create(s), "faults.disk", horizonSec);
  h.sim.run({ until: horizonSec });
  const points: FailurePoint[] = h.events
    .filter((e) => e.kind.name === "disk.fail")
    .map((e) => ({ timeSec: e.at, host: e.host >= 0 ? e.host : (e.ref?.index ?? -1), disk: e.detail.disk as number }));
  return { h, s, points, expected: inj.expected!(h.fleet, horizonSec)["disk.fail"]!, stats: failureStats(points, h.fleet, 0, horizonSec) };
}

describe("hazard by age in pieces", () => {
  const pieces = [
    { untilSec: YEAR, afrPerYear: 0.06 },
    { untilSec: 4 * YEAR, afrPerYear: 0.015 },
    { untilSec: Number.POSITIVE_INFINITY, afrPerYear: 0.05 },
  ];
  it("integrates in closed form (checked against a Riemann sum)", () => {
    for (const a of [0.3 * YEAR, 2.5 * YEAR, 7 * YEAR]) {
      let g = 0;
      const n = 20_000;
      for (let i = 0; i < n; i++) g += pieceCumulativeHazard(pieces, ((i + 0.5) / n) * a) * (a / n);
      expect(Math.abs(pieceIntegratedHazard(pieces, a) / g - 1)).toBeLessThan(1e-9);
    }
    expect(pieceCumulativeHazard(pieces, 2 * YEAR)).toBeCloseTo(0.06 + 0.015, 12);
  });

  it("gives early-life failures: new disks fail at the first piece's rate, then less", () => {
    const r = run("ageAtStart: 0s, replace: 1d, hazard: [{ until: 1y, afr: 6% }, { afr: 1.5% }]", 2 * YEAR, 3);
    const first = r.points.filter((p) => p.timeSec < YEAR).length;
    const second = r.points.length - first;
    // 24,000 disks: 1,440 in year one, ~350 in year two (plus young replacements).
    expect(withinPoisson(first, 1440)).toBe(true);
    expect(withinPoisson(second, 24_000 * 0.015 + 1440 * 0.06, 5)).toBe(true);
    expect(withinPoisson(r.points.length, r.expected, 5)).toBe(true);
    expect(r.expected).toBeCloseTo(24_000 * expectedFailuresPerDisk(r.s, 2 * YEAR), 6);
  });

  it("rejects pieces out of order or an open piece before the last", () => {
    expect(() => parseSettings(diskModel, "{ hazard: [{ until: 2y, afr: 1% }, { until: 1y, afr: 2% }, { afr: 1% }] }")).toThrow(/ends before/);
    expect(() => parseSettings(diskModel, "{ hazard: [{ afr: 1% }, { afr: 2% }] }")).toThrow(/needs an `until`/);
    expect(() => parseSettings(diskModel, "{ hazard: [{ until: 1y, afr: 1% }] }")).toThrow(/last piece/);
  });
});

describe("bursts", () => {
  it("draw sizes with the mean and E[K^2]/E[K] asked for (negative binomial, Poisson-gamma)", () => {
    const rng = new Streams(7).get("sizes");
    for (const [m, d] of [
      [3, 12],
      [6.4, 79],
      [2, 2.5],
    ]) {
      const sizes = new BurstSize({ sizeMean: m, dispersion: d, spreadSec: 0, together: 0, sameRack: 1 });
      let s1 = 0;
      let s2 = 0;
      const n = 400_000;
      for (let i = 0; i < n; i++) {
        const k = sizes.draw(rng);
        s1 += k;
        s2 += k * k;
      }
      expect(s1 / n).toBeCloseTo(m, 1);
      expect(Math.abs(s2 / s1 / d - 1)).toBeLessThan(0.06);
    }
  });

  it("keep the rate and make weekly counts overdispersed by the dispersion (a Poisson run would fail)", () => {
    const settings = "ageAtStart: 2y, afr: 3%, wearOut: 20y, bursts: { size: 4, dispersion: 20, spread: 2h, sameRack: 80% }";
    const iod: number[] = [];
    let total = 0;
    let expected = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const r = run(settings, 2 * YEAR, seed);
      iod.push(r.stats.weeklyDispersion);
      total += r.points.length;
      expected += r.expected;
    }
    // 1,440 failures per run in 360 bursts: the count's variance is ~20x a Poisson's.
    expect(Math.abs(total - expected)).toBeLessThan(4 * Math.sqrt(expected * 20));
    const meanIod = iod.reduce((a, b) => a + b, 0) / iod.length;
    expect(meanIod).toBeGreaterThan(20 / 1.4);
    expect(meanIod).toBeLessThan(20 * 1.4);
    const poisson = run("ageAtStart: 2y, afr: 3%, wearOut: 20y", 2 * YEAR, 1);
    expect(poisson.stats.weeklyDispersion).toBeLessThan(2);
  });

  it("land in the first failure's rack as often as sameRack says", () => {
    const r = run("ageAtStart: 2y, afr: 3%, wearOut: 20y, bursts: { size: 5, dispersion: 9, spread: 10m, sameRack: 70% }", YEAR, 9);
    // Racks hold 1% of the disks: with 70% of members in the first one's rack a burst puts
    // J = 1 + Bin(K - 1, 0.7) failures there and scatters the rest, so the counts per rack
    // have var/mean ~ (E[J^2] + 1.2) / (E[J] + 1.2) = (25.1 + 1.2) / (3.8 + 1.2) = 5.3.
    expect(r.stats.rackDispersion).toBeGreaterThan(3.5);
    expect(r.stats.rackDispersion).toBeLessThan(8);
    const spread = run("ageAtStart: 2y, afr: 3%, wearOut: 20y, bursts: { size: 5, dispersion: 9, spread: 10m, sameRack: 0% }", YEAR, 9);
    expect(spread.stats.rackDispersion).toBeLessThan(r.stats.rackDispersion / 2);
    expect(dispersion([1, 1, 1])).toBe(0);
  });

  it("refuse a dispersion below what the mean size allows", () => {
    expect(() => parseSettings(diskModel, "{ bursts: { size: 4, dispersion: 3 } }")).toThrow(/at least 4\.75/);
  });
});

describe("repeats", () => {
  it("make a share `chance` of failures repeats at the same slot, `after` later on average", () => {
    const r = run("ageAtStart: 2y, afr: 3%, wearOut: 20y, replace: 1h, repeat: { chance: 10%, after: 5d }", 2 * YEAR, 4);
    // Within 30 days: 10% x (1 - e^-6) of failures, plus chance coincidences (~0.25%).
    expect(r.stats.repeatShare).toBeGreaterThan(0.08);
    expect(r.stats.repeatShare).toBeLessThan(0.125);
    expect(withinPoisson(r.points.length, r.expected)).toBe(true);
    const none = run("ageAtStart: 2y, afr: 3%, wearOut: 20y, replace: 1h", 2 * YEAR, 4);
    expect(none.stats.repeatShare).toBeLessThan(0.01);
  });

  it("fail the next disk on arrival when the slot is still empty", () => {
    const r = run("ageAtStart: 2y, afr: 5%, wearOut: 20y, replace: 30d, repeat: { chance: 50%, after: 1h }", YEAR, 2);
    // A repeat an hour later finds the slot empty: it fails the new disk 30 days on.
    const bySlot = new Map<string, number[]>();
    for (const p of r.points) bySlot.set(`${p.host}:${p.disk}`, [...(bySlot.get(`${p.host}:${p.disk}`) ?? []), p.timeSec]);
    let gaps = 0;
    let exact = 0;
    for (const ts of bySlot.values()) {
      for (let i = 1; i < ts.length; i++) {
        gaps++;
        if (Math.abs(ts[i] - ts[i - 1] - 30 * DAY) < 1e-6) exact++;
      }
    }
    expect(gaps).toBeGreaterThan(100);
    expect(exact / gaps).toBeGreaterThan(0.9);
    expect(() => parseSettings(diskModel, "{ repeat: { chance: 100% } }")).toThrow(/for ever/);
  });
});

describe("places", () => {
  it("make some hosts fail more than others, by the variation asked for, at the same fleet rate", () => {
    // 2,000 hosts x 12 disks at 10% a year for 2 years: ~2.4 failures per host. Counts per
    // host are Poisson given the host's multiplier f: var/mean = 1 + mean x variation.
    const alike = run("ageAtStart: 2y, afr: 10%, wearOut: 20y", 2 * YEAR, 21);
    const varied = run("ageAtStart: 2y, afr: 10%, wearOut: 20y, places: { variation: 1.5 }", 2 * YEAR, 21);
    const perHost = varied.points.length / 2000;
    expect(alike.stats.hostDispersion).toBeLessThan(1.2);
    expect(Math.abs(varied.stats.hostDispersion - (1 + perHost * 1.5)) / (1 + perHost * 1.5)).toBeLessThan(0.2);
    expect(withinPoisson(varied.points.length, varied.expected)).toBe(true);
  });
});

describe("a hazard piece of 0%", () => {
  it("pauses failures and the next piece resumes them", () => {
    const r = run("ageAtStart: 0s, replace: 1d, hazard: [{ until: 90d, afr: 0% }, { afr: 10% }]", YEAR, 8);
    expect(r.points.filter((p) => p.timeSec < 90 * DAY)).toHaveLength(0);
    // 24,000 disks at 10% for 275 days: ~1,808 failures.
    expect(withinPoisson(r.points.length, (24_000 * 0.1 * 275) / 365)).toBe(true);
  });
});

describe("places by position", () => {
  it("make the top of a rack and the far rows fail more, at the same fleet rate", () => {
    // 24,000 disks at 10% for 2 years: ~4,800 failures; the top host (position 19 of 20)
    // fails 2x the bottom one, the last row (5th) 1.5x the first.
    const r = run("ageAtStart: 2y, afr: 10%, wearOut: 20y, places: { height: 2x, row: 1.5x }", 2 * YEAR, 31);
    expect(withinPoisson(r.points.length, r.expected)).toBe(true);
    const inRack = (lo: number, hi: number) =>
      r.points.filter((p) => r.h.fleet.hostPositionInRack(p.host) >= lo && r.h.fleet.hostPositionInRack(p.host) < hi).length;
    const inRow = (row: number) => r.points.filter((p) => r.h.fleet.rowOfHost(p.host) === row).length;
    // Bottom quarter against top quarter of the racks: mean heights 2/19 and 17/19 of the way up.
    const ratio = inRack(15, 20) / inRack(0, 5);
    expect(ratio).toBeGreaterThan(1.55);
    expect(ratio).toBeLessThan(1.95);
    expect(inRow(4) / inRow(0)).toBeGreaterThan(1.3);
    expect(inRow(4) / inRow(0)).toBeLessThan(1.7);
  });
});
