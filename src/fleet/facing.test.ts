// Rack facing and the angular queries cosmic-ray bursts use.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { buildFleet } from "./build.js";
import { angularDistance, normalizeDeg, rowFacingDeg } from "./facing.js";
import { fleetSpec } from "./testing.js";

const arr = (a: ArrayLike<number>) => Array.from(a);

describe("angularDistance", () => {
  it("is circular", () => {
    expect(angularDistance(350, 10)).toBe(20);
    expect(angularDistance(10, 350)).toBe(20);
    expect(angularDistance(90, 270)).toBe(180);
    expect(angularDistance(-90, 270)).toBe(0);
    expect(angularDistance(720, 0)).toBe(0);
  });

  it("is symmetric and within [0, 180]", () => {
    fc.assert(
      fc.property(fc.double({ min: -1000, max: 1000, noNaN: true }), fc.double({ min: -1000, max: 1000, noNaN: true }), (a, b) => {
        const d = angularDistance(a, b);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(180);
        expect(Math.abs(d - angularDistance(b, a))).toBeLessThan(1e-9);
      }),
    );
  });

  it("normalizes into [0, 360)", () => {
    expect(normalizeDeg(-90)).toBe(270);
    expect(normalizeDeg(360)).toBe(0);
    expect(Object.is(normalizeDeg(-360), 0)).toBe(true);
  });
});

describe("facing", () => {
  it("alternates: odd rows face the aisle azimuth, even rows the opposite way", () => {
    const f = buildFleet(fleetSpec({ rows: 3, racksPerRow: 2 }));
    expect(arr(f.rackFacingDeg)).toEqual([90, 90, 270, 270, 90, 90]);
    expect(rowFacingDeg({ facing: "alternate", aisleAzimuthDeg: 300 }, 2)).toBe(120);
  });

  it("a number makes every rack face that way", () => {
    const f = buildFleet(fleetSpec({ rows: 3, racksPerRow: 2, facing: 370 }));
    expect(arr(f.rackFacingDeg)).toEqual([10, 10, 10, 10, 10, 10]);
    expect(f.facingOfRack(5)).toBe(10);
  });
});

describe("racksFacing", () => {
  // 4 rows x 2 racks, alternate around 0 (north): rows 1 and 3 face 0, rows 2 and 4 face 180.
  const f = buildFleet(fleetSpec({ rows: 4, racksPerRow: 2, aisleAzimuthDeg: 0 }));

  it("wraps around north: direction 350, half width 30 catches racks facing 0", () => {
    expect(arr(f.racksFacing(350, 30))).toEqual([0, 1, 4, 5]);
  });

  it("is inclusive at the edge and empty just past it", () => {
    expect(arr(f.racksFacing(90, 90))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(arr(f.racksFacing(90, 89.9))).toEqual([]);
    expect(arr(f.racksFacing(-170, 10))).toEqual([2, 3, 6, 7]);
  });

  it("a half width of 180 takes every rack", () => {
    expect(f.racksFacing(123, 180).length).toBe(8);
  });

  it("works with a fixed facing", () => {
    const g = buildFleet(fleetSpec({ facing: 45 }));
    expect(g.racksFacing(0, 45).length).toBe(8);
    expect(g.racksFacing(0, 44).length).toBe(0);
  });
});
