import { describe, expect, it } from "vitest";
import { TB } from "../fleet/testing.js";
import { DISK_FAIL, SECTOR_BYTES, diskModel, expectedFailuresPerDisk } from "./disk.js";
import { DAY, faultHarness, HOUR, parseSettings, withinPoisson, YEAR } from "./testing.js";

/** 10,000 hosts x 4 disks = 40,000 disks. */
const big = { rows: 25, racksPerRow: 25, hostsPerRack: 16 };
const quiet = "lse: 0, slow: 0";

describe("disk settings", () => {
  it("fills documented defaults and reads ranges", () => {
    expect(parseSettings(diskModel, "{}")).toEqual({
      afrPerYear: 0.02,
      wearOutSec: 3 * YEAR,
      risePerYearPerYear: 0.03,
      ageAtStartSec: YEAR,
      ageSpreadSec: 3 * YEAR,
      replaceSec: 24 * HOUR,
      lsePerYear: 0.03,
      lseClusterMean: 4,
      lseSpanBytes: 2 ** 20,
      slowPerYear: 0.01,
      slowdownMin: 10,
      slowdownMax: 20,
      slowSec: HOUR,
      hazard: [],
      bursts: { sizeMean: 1, dispersion: 1, spreadSec: 0, together: 0, sameRack: 0 },
      repeat: { chance: 0, afterSec: 0 },
      places: { variation: 0, height: 1, row: 1 },
    });
    expect(parseSettings(diskModel, "{ slowdown: 15x }")).toMatchObject({ slowdownMin: 15, slowdownMax: 15 });
    expect(() => parseSettings(diskModel, "{ slowdown: 20x..10x }")).toThrow(/low\.\.high/);
  });
});

describe("disk failures", () => {
  it("happen at a constant AFR before wear-out (a 2x rate would fail)", () => {
    const h = faultHarness(big, 3, { record: false });
    const s = parseSettings(diskModel, `{ afr: 10%, wearOut: 20y, ageAtStart: 0s, ageSpread: 0s, ${quiet} }`);
    const inj = h.start(diskModel.create(s), "faults.disk", YEAR);
    h.sim.run({ until: YEAR });
    const expected = inj.expected!(h.fleet, YEAR)["disk.fail"]!;
    expect(expected).toBeCloseTo(4000, 6);
    const observed = h.trace.counts.get("disk.fail")!.events;
    expect(withinPoisson(observed, expected)).toBe(true);
    expect(withinPoisson(observed, 2 * expected)).toBe(false);
  });

  it("follow the rising hazard over a spread of ages (thinning matches the closed form)", () => {
    // Ages uniform over 0..6y, wear-out from 3y at +6%/y: ~1,300 failures in 180 days.
    const h = faultHarness(big, 5);
    const s = parseSettings(diskModel, `{ afr: 2%, wearOut: 3y, risePerYear: 6%, ageAtStart: 0s, ageSpread: 6y, ${quiet} }`);
    const horizon = 180 * DAY;
    const inj = h.start(diskModel.create(s), "faults.disk", horizon);
    h.sim.run({ until: horizon });
    const fails = h.events.filter((e) => e.kind.name === "disk.fail");
    const expected = inj.expected!(h.fleet, horizon)["disk.fail"]!;
    expect(expected).toBeCloseTo(40_000 * expectedFailuresPerDisk(s, horizon), 6);
    expect(expected).toBeGreaterThan(1200);
    expect(withinPoisson(fails.length, expected)).toBe(true);
    expect(withinPoisson(fails.length, 2 * expected)).toBe(false);
    // Per disk, the disks past 5 years fail far more often than those under 3 years:
    // 2% a year for the young (0.5 of the disks), ~17% for the old (1/6 of the disks).
    const young = fails.filter((e) => (e.detail.ageDays as number) < 3 * 365).length / 0.5;
    const old = fails.filter((e) => (e.detail.ageDays as number) >= 5 * 365).length / (1 / 6);
    expect(old).toBeGreaterThan(4 * young);
  });

  it("rise with age: more failures in year 4 than in year 1 of a new fleet's wear-out setting", () => {
    const h = faultHarness(big, 7, { record: false });
    const s = parseSettings(diskModel, `{ afr: 2%, wearOut: 2y, risePerYear: 10%, ageAtStart: 0s, ageSpread: 0s, ${quiet} }`);
    h.start(diskModel.create(s), "faults.disk", 4 * YEAR);
    const byYear = [0, 0, 0, 0];
    h.trace.addListener({ onFault: (e) => void byYear[Math.min(3, Math.floor(e.at / YEAR))]++ });
    h.sim.run({ until: 4 * YEAR });
    // Year 1: 2% of 40,000 = 800 (sd 28). Year 4: ages 3-4y, hazard 12%..22% on the
    // disks that have not been replaced (most of them): well over 5,000.
    expect(withinPoisson(byYear[0], 800)).toBe(true);
    expect(byYear[1]).toBeGreaterThan(byYear[0] - 4 * Math.sqrt(800));
    expect(byYear[2]).toBeGreaterThan(byYear[1]);
    expect(byYear[3]).toBeGreaterThan(byYear[2]);
    expect(byYear[3]).toBeGreaterThan(5 * byYear[0]);
  });

  it("leave a slot empty for `replace`, then put in a new disk of age 0", () => {
    // One host, 4 disks, AFR 100%: every slot fails, waits 30 days, fails again...
    const h = faultHarness({ rows: 1, racksPerRow: 1, hostsPerRack: 1 }, 2);
    const s = parseSettings(diskModel, `{ afr: 100%, wearOut: 50y, ageAtStart: 1y, ageSpread: 0s, replace: 30d, ${quiet} }`);
    h.start(diskModel.create(s), "faults.disk", 20 * YEAR);
    h.sim.run({ until: 20 * YEAR });
    const fails = h.events.filter((e) => e.kind.name === "disk.fail");
    expect(withinPoisson(fails.length, 4 * 20 * (365 / 395), 5)).toBe(true); // renewal: one per (1y + 30d)
    for (let disk = 0; disk < 4; disk++) {
      const mine = fails.filter((e) => e.detail.disk === disk);
      expect(mine.length).toBeGreaterThan(5);
      expect(mine[0].detail.ageDays).toBe(Math.round((365 * DAY + mine[0].at) / DAY));
      for (let i = 1; i < mine.length; i++) {
        const gap = mine[i].at - mine[i - 1].at;
        expect(gap).toBeGreaterThan(30 * DAY);
        expect(mine[i].detail.ageDays).toBe(Math.round((gap - 30 * DAY) / DAY));
        expect(mine[i - 1].untilSec).toBe(mine[i - 1].at + 30 * DAY);
      }
    }
  });
});

describe("latent sector errors and slow disks", () => {
  const horizon = YEAR;
  const h = faultHarness({ ...big, host: { disks: 4, diskBytes: 8 * TB } }, 9);
  const s = parseSettings(diskModel, "{ afr: 0, lse: 3%, lseCluster: 4, lseSpan: 1MiB, slow: 2%, slowdown: 10x..20x, slowFor: 1h }");
  const inj = h.start(diskModel.create(s), "faults.disk", horizon);
  h.sim.run({ until: horizon });
  const lses = h.events.filter((e) => e.kind.name === "disk.lse");
  const slows = h.events.filter((e) => e.kind.name === "disk.slow");
  // Clusters: consecutive records at the same time on the same disk.
  const clusters: (typeof lses)[] = [];
  for (const e of lses) {
    const last = clusters[clusters.length - 1];
    if (last && last[0].at === e.at && last[0].host === e.host && last[0].detail.disk === e.detail.disk) last.push(e);
    else clusters.push([e]);
  }

  it("place clusters at the configured rate per disk (a 2x rate would fail)", () => {
    const expectedClusters = 40_000 * 0.03; // 1,200
    expect(withinPoisson(clusters.length, expectedClusters)).toBe(true);
    expect(withinPoisson(clusters.length, 2 * expectedClusters)).toBe(false);
    // Records: a compound Poisson sum, variance = rate x E[K^2] = 1200 x 4 x 7.
    const expectedRecords = inj.expected!(h.fleet, horizon)["disk.lse"]!;
    expect(expectedRecords).toBeCloseTo(4800, 6);
    expect(Math.abs(lses.length - expectedRecords)).toBeLessThan(4 * Math.sqrt(1200 * 28));
  });

  it("cluster errors within the span, on sectors of the disk", () => {
    const spanSectors = 2 ** 20 / SECTOR_BYTES;
    const diskSectors = (8 * TB) / SECTOR_BYTES;
    for (const c of clusters) {
      const first = c[0].detail.sector as number;
      expect(c.length).toBe(c[0].detail.cluster);
      for (const e of c) {
        const sector = e.detail.sector as number;
        expect(sector).toBeGreaterThanOrEqual(first);
        expect(sector).toBeLessThan(Math.min(diskSectors, first + spanSectors));
        expect(e.detail.disk).toBeLessThan(4);
      }
    }
    expect(clusters.some((c) => c.length > 1)).toBe(true);
  });

  it("slow disks at the configured rate, 10x to 20x, for 1h, without slowing the host", () => {
    const expected = inj.expected!(h.fleet, horizon)["disk.slow"]!;
    expect(expected).toBeCloseTo(800, 6);
    expect(withinPoisson(slows.length, expected)).toBe(true);
    expect(withinPoisson(slows.length, 2 * expected)).toBe(false);
    for (const e of slows) {
      expect(e.detail.factor).toBeGreaterThanOrEqual(10);
      expect(e.detail.factor).toBeLessThanOrEqual(20);
      expect(e.untilSec).toBe(e.at + HOUR);
    }
    expect(h.fleet.slowdown.every((x) => x === 1)).toBe(true);
  });
});

describe("a scheduled disk failure", () => {
  it("fails the named disk of the host at its time", () => {
    const h = faultHarness();
    const host = h.fleet.resolve("dc1/row01/rack02/host03")!.index;
    h.fire(diskModel, "dc1/row01/rack02/host03", { index: 2 }, 5 * HOUR);
    h.sim.run({ until: DAY });
    expect(h.events).toMatchObject([{ kind: DISK_FAIL, at: 5 * HOUR, host, untilSec: 29 * HOUR, detail: { disk: 2, cause: "incident" } }]);
  });
});
