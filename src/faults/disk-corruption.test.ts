import { describe, expect, it } from "vitest";
import { SECTOR_BYTES } from "./disk.js";
import { DISK_CORRUPT, diskCorruptionModel } from "./disk-corruption.js";
import { DAY, faultHarness, parseSettings, withinPoisson, YEAR } from "./testing.js";

describe("silent disk corruption", () => {
  it("defaults to 0.6% per disk-year: 0.85% of disks with a corrupted block in 17 months, the study's 0.86%", () => {
    const s = parseSettings(diskCorruptionModel, "{}");
    expect(s.perYear).toBe(0.006);
    // Bairavasundaram et al. (FAST 2008): 0.86% of nearline disks, 17 months.
    expect(1 - Math.exp(-s.perYear * (17 / 12))).toBeCloseTo(0.0086, 3);
  });

  it("places its corruptions uniformly over the fleet's disks and sectors, at the configured rate", () => {
    // 2,000 hosts x 2 disks at 20% per disk-year for a year: 800 expected.
    const h = faultHarness({ rows: 4, racksPerRow: 10, hostsPerRack: 50, host: { disks: 2 } }, 3);
    const inj = h.start(diskCorruptionModel.create(parseSettings(diskCorruptionModel, "{ rate: 20% }")), undefined, YEAR);
    h.sim.run({ until: YEAR });
    const events = h.events.filter((e) => e.kind === DISK_CORRUPT);
    const expected = inj.expected!(h.fleet, YEAR)[DISK_CORRUPT.name]!;
    expect(expected).toBeCloseTo(800, 9);
    expect(withinPoisson(events.length, expected)).toBe(true);
    const sectors = h.fleet.hostSpec(0).diskBytes / SECTOR_BYTES;
    for (const e of events) {
      expect([0, 1]).toContain(e.detail.disk);
      expect(e.detail.sector).toBeLessThan(sectors);
    }
    // Each disk index about half of them (binomial, 4 sd).
    const first = events.filter((e) => e.detail.disk === 0).length;
    expect(Math.abs(first - events.length / 2)).toBeLessThan(4 * Math.sqrt(events.length / 4));
  });

  it("a scheduled corruption garbles the block it names; a disk the host lacks is refused", () => {
    const h = faultHarness({ rows: 1, racksPerRow: 1, hostsPerRack: 4, host: { disks: 2 } }, 1);
    h.fire(diskCorruptionModel, "dc1/row01/rack01/host02", { index: 1, sector: 300, seed: 9 }, DAY);
    h.sim.run({ until: 2 * DAY });
    expect(h.events.map((e) => ({ kind: e.kind.name, host: e.host, at: e.at, detail: e.detail }))).toEqual([
      { kind: "disk.corrupt", host: 1, at: DAY, detail: { disk: 1, sector: 300, seed: 9, cause: "incident" } },
    ]);
    expect(() => h.fire(diskCorruptionModel, "dc1/row01/rack01/host02", { index: 2 })).toThrow(/has 2 disks/);
  });
});
