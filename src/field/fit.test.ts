import { describe, expect, it } from "vitest";
import { buildFleet } from "../fleet/build.js";
import { fleetSpec } from "../fleet/testing.js";
import { parseSettings } from "../faults/testing.js";
import { diskModel } from "../faults/disk.js";
import { fitFailures, truncatedExpMean } from "./fit.js";
import { faultsYaml, settingsFromYaml } from "./fit-yaml.js";
import { simulateFailures } from "./gof.js";

const DAY = 86400;
const YEAR = 365 * DAY;
/** 2,000 hosts of 12 disks (24,000 disks) in 100 racks. */
const spec = fleetSpec({ rows: 5, racksPerRow: 20, hostsPerRack: 20, host: { disks: 12 } });
const fleet = buildFleet(spec);

const known = {
  hazard: [
    { untilSec: YEAR, afrPerYear: 0.05 },
    { untilSec: Number.POSITIVE_INFINITY, afrPerYear: 0.025 },
  ],
  size: 4,
  dispersion: 12,
  spreadSec: 1800,
  sameRack: 0.6,
  chance: 0.1,
  afterSec: 4 * DAY,
};
const truth = parseSettings(
  diskModel,
  `{ ageAtStart: 0s, ageSpread: 0s, replace: 1d, hazard: [{ until: 1y, afr: 5% }, { afr: 2.5% }],
     bursts: { size: 4, dispersion: 12, spread: 30m, sameRack: 60% }, repeat: { chance: 10%, after: 4d } }`,
);

describe("fitDisks on logs fleet generated with known parameters", () => {
  // Three years of a 24,000-disk fleet: ~2,100 failures per log.
  const span = 3 * YEAR;
  const fits = [11, 12, 13, 14].map((seed) =>
    fitFailures(simulateFailures(spec, fleet, { unit: "disk", settings: truth }, span, seed), fleet, span, { unit: "disk", ageAtStartSec: 0 }),
  );
  const mean = (f: (x: (typeof fits)[number]) => number) => fits.reduce((a, x) => a + f(x), 0) / fits.length;

  it("recovers the hazard by age: early-life 5% then 2.5% per disk-year (within 15%)", () => {
    for (const fit of fits) expect(fit.pieces.map((p) => p.untilSec)).toEqual([YEAR, Number.POSITIVE_INFINITY]);
    expect(Math.abs(mean((f) => f.pieces[0].afrPerYear) / known.hazard[0].afrPerYear - 1)).toBeLessThan(0.15);
    expect(Math.abs(mean((f) => f.pieces[1].afrPerYear) / known.hazard[1].afrPerYear - 1)).toBeLessThan(0.15);
    // Each fit's interval holds the truth.
    for (const fit of fits) {
      expect(fit.pieces[0].interval.low).toBeLessThan(0.05);
      expect(fit.pieces[0].interval.high).toBeGreaterThan(0.05);
    }
  });

  it("recovers the bursts: size within 20%, dispersion within 35%, spread within 35%, sameRack within 0.1", () => {
    expect(Math.abs(mean((f) => f.bursts.sizeMean) / known.size - 1)).toBeLessThan(0.2);
    expect(Math.abs(mean((f) => f.bursts.dispersion) / known.dispersion - 1)).toBeLessThan(0.35);
    expect(Math.abs(mean((f) => f.bursts.spreadSec) / known.spreadSec - 1)).toBeLessThan(0.35);
    expect(Math.abs(mean((f) => f.bursts.sameRack) - known.sameRack)).toBeLessThan(0.1);
  });

  it("recovers the repeats: chance within 25%, after within 35%", () => {
    expect(Math.abs(mean((f) => f.repeat.chance) / known.chance - 1)).toBeLessThan(0.25);
    expect(Math.abs(mean((f) => f.repeat.afterSec) / known.afterSec - 1)).toBeLessThan(0.35);
  });

  it("writes a faults block the disk model reads back as what was fitted", () => {
    const fit = fits[0];
    const yaml = faultsYaml(fit, { log: "synthetic.csv", firstIso: "2020-01-01", lastIso: "2022-12-31", ageGiven: true });
    const fitted = settingsFromYaml(yaml);
    if (fitted.unit !== "disk") throw new Error("expected a disk block");
    const s = fitted.settings;
    expect(s.hazard.map((p) => p.untilSec)).toEqual([YEAR, Number.POSITIVE_INFINITY]);
    // Written with 3-4 significant digits.
    const close = (a: number, b: number) => expect(Math.abs(a / b - 1)).toBeLessThan(2e-3);
    close(s.hazard[0].afrPerYear, fit.pieces[0].afrPerYear);
    close(s.bursts.sizeMean, fit.bursts.sizeMean);
    close(s.bursts.dispersion, fit.bursts.dispersion);
    close(s.repeat.chance, fit.repeat.chance);
    expect(yaml).toMatch(/# .*failures/);
  });

  it("recovers a rate that rises with height in the rack (top host 2x the bottom), and finds none where there is none", () => {
    const tall = parseSettings(diskModel, "{ ageAtStart: 0s, ageSpread: 0s, afr: 4%, wearOut: 30y, places: { height: 2x } }");
    const fit = fitFailures(simulateFailures(spec, fleet, { unit: "disk", settings: tall }, span, 6), fleet, span, { unit: "disk", ageAtStartSec: 0 });
    const h = fit.position.height!;
    expect(h.positions).toBe(20);
    expect(h.ratio).toBeGreaterThan(1.6);
    expect(h.ratio).toBeLessThan(2.5);
    expect(h.applies).toBe(true);
    expect(fit.position.row!.applies).toBe(false);
    expect(faultsYaml(fit, { log: "x.csv", firstIso: "", lastIso: "", ageGiven: false })).toMatch(/\n {8}height: [12]\.\d+x # the top host/);
  });

  it("a fit to a Poisson log finds no bursts and no repeats", () => {
    const plain = parseSettings(diskModel, "{ ageAtStart: 0s, ageSpread: 0s, afr: 3%, wearOut: 30y }");
    const fit = fitFailures(simulateFailures(spec, fleet, { unit: "disk", settings: plain }, span, 5), fleet, span, { unit: "disk", ageAtStartSec: 0 });
    expect(fit.bursts.sizeMean).toBeLessThan(1.3);
    expect(fit.bursts.dispersion).toBeLessThan(2);
    expect(fit.repeat.chance).toBeLessThan(0.01);
  });
});

describe("truncatedExpMean", () => {
  it("inverts the mean of an exponential truncated at H", () => {
    for (const tau of [0.1, 1, 5]) {
      const H = 2;
      const m = tau - H / Math.expm1(H / tau);
      expect(truncatedExpMean(m, H)).toBeCloseTo(tau, 6);
    }
    expect(truncatedExpMean(1.5, 2)).toBe(Number.POSITIVE_INFINITY);
  });
});
