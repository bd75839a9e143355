// The power tree: bus bars of a row, contiguous and interleaved, the PDUs above them and
// the hosts under each, checked by hand on two 10-rack rows with 3 bus bars each and a PDU
// for every 2 bus bars; then the default PDU size against Dean's 500-1,000 machines.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildFleet } from "./build.js";
import type { Fleet } from "./fleet.js";
import { groupStart, PDU_HOSTS_AUTO, pduCountOf } from "./power.js";
import type { FleetRef } from "./ref.js";
import { fleetSpec } from "./testing.js";

const arr = (a: ArrayLike<number>) => Array.from(a);
const row10 = (assign: "contiguous" | "interleaved") =>
  buildFleet(fleetSpec({ rows: 2, racksPerRow: 10, hostsPerRack: 2, power: { busbarsPerRow: 3, busbarsPerPdu: 2, assign } }));
function ranges(f: Fleet, ref: FleetRef): [number, number][] {
  const out: [number, number][] = [];
  f.forEachHostRange(ref, (s, e) => out.push([s, e]));
  return out;
}

describe("groupStart", () => {
  it("splits 10 into 4, 3, 3", () => {
    expect([0, 1, 2, 3].map((g) => groupStart(10, 3, g))).toEqual([0, 4, 7, 10]);
  });
});

describe("contiguous power", () => {
  const f = row10("contiguous");

  it("gives each bus bar a consecutive block of racks, the first the largest", () => {
    expect(arr(f.racksOfBusbar(0))).toEqual([0, 1, 2, 3]);
    expect(arr(f.racksOfBusbar(1))).toEqual([4, 5, 6]);
    expect(arr(f.racksOfBusbar(2))).toEqual([7, 8, 9]);
    expect(arr(f.racksOfBusbar(3))).toEqual([10, 11, 12, 13]); // row02 busbar-a
  });

  it("feeds runs of consecutive bus bars from each PDU, across rows", () => {
    expect([0, 1, 2].map((p) => f.busbarsOfPdu(p))).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 4 }, // row01 busbar-c and row02 busbar-a
      { start: 4, end: 6 },
    ]);
    expect([0, 1, 2].map((p) => arr(f.racksOfPdu(p)))).toEqual([
      [0, 1, 2, 3, 4, 5, 6],
      [7, 8, 9, 10, 11, 12, 13],
      [14, 15, 16, 17, 18, 19],
    ]);
    expect(f.busbarsOfRow(1)).toEqual({ start: 3, end: 6 });
    expect(arr(f.busbarPdu)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(arr(f.rackBusbar.subarray(0, 10))).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 2, 2]);
    expect(arr(f.rackPdu.subarray(0, 14))).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
    expect(f.pduCount).toBe(pduCountOf(f.dcSpec(0)));
  });

  it("puts a bus bar's hosts in one range", () => {
    expect(arr(f.hostsOfBusbar(1))).toEqual([8, 9, 10, 11, 12, 13]);
    expect(ranges(f, { kind: "busbar", index: 1 })).toEqual([[8, 14]]);
    expect(arr(f.hostsOfPdu(1))).toEqual([14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27]);
    expect(ranges(f, { kind: "pdu", index: 1 })).toEqual([[14, 28]]);
    expect(f.hostCountOf({ kind: "busbar", index: 0 })).toBe(8);
    expect(f.busbarOfHost(13)).toBe(1);
    expect(f.pduOfHost(13)).toBe(0);
    expect(f.pduOfHost(14)).toBe(1);
    expect(f.rowOfBusbar(4)).toBe(1);
    expect(f.pduOfBusbar(3)).toBe(1);
    expect(f.busbarOfPdu(2)).toBe(4);
  });
});

describe("interleaved power", () => {
  const f = row10("interleaved");

  it("feeds rack i of a row from bus bar i mod 3", () => {
    expect(arr(f.racksOfBusbar(0))).toEqual([0, 3, 6, 9]);
    expect(arr(f.racksOfBusbar(1))).toEqual([1, 4, 7]);
    expect(arr(f.racksOfBusbar(2))).toEqual([2, 5, 8]);
    expect(arr(f.racksOfBusbar(5))).toEqual([12, 15, 18]); // row02 busbar-c
  });

  it("lists a PDU's racks in order, whichever of its bus bars feeds them", () => {
    expect([0, 1, 2].map((p) => arr(f.racksOfPdu(p)))).toEqual([
      [0, 1, 3, 4, 6, 7, 9],
      [2, 5, 8, 10, 13, 16, 19],
      [11, 12, 14, 15, 17, 18],
    ]);
  });

  it("yields one host range per rack when racks are not adjacent", () => {
    expect(ranges(f, { kind: "busbar", index: 1 })).toEqual([
      [2, 4],
      [8, 10],
      [14, 16],
    ]);
    expect(ranges(f, { kind: "pdu", index: 0 })).toEqual([
      [0, 4],
      [6, 10],
      [12, 16],
      [18, 20],
    ]);
  });
});

describe("forEachHostRange over every kind", () => {
  const f = row10("contiguous");
  it("covers hosts, racks, rows, dcs and utilities", () => {
    expect(ranges(f, { kind: "host", index: 7 })).toEqual([[7, 8]]);
    expect(ranges(f, { kind: "rack", index: 2 })).toEqual([[4, 6]]);
    expect(ranges(f, { kind: "row", index: 1 })).toEqual([[20, 40]]);
    expect(ranges(f, { kind: "dc", index: 0 })).toEqual([[0, 40]]);
    expect(ranges(f, { kind: "utility", index: 0 })).toEqual([[0, 40]]);
  });

  it("adds up to every host exactly once per power level", () => {
    for (const kind of ["pdu", "busbar"] as const) {
      const seen = new Uint8Array(f.hostCount);
      const n = kind === "pdu" ? f.pduCount : f.busbarCount;
      for (let i = 0; i < n; i++) f.forEachHostRange({ kind, index: i }, (s, e) => seen.fill(seen[s] + 1, s, e));
      expect(seen.every((x) => x === 1)).toBe(true);
    }
  });
});

describe("more bus bars than racks", () => {
  it("leaves the extra bus bars empty", () => {
    const f = buildFleet(fleetSpec({ rows: 1, racksPerRow: 2, power: { busbarsPerRow: 3, busbarsPerPdu: 1 } }));
    expect([0, 1, 2].map((b) => arr(f.racksOfBusbar(b)))).toEqual([[0], [1], []]);
    expect(arr(f.hostsOfBusbar(2))).toEqual([]);
  });
});

/** Hosts under each PDU of datacenter 0. */
function pduSizes(f: Fleet): number[] {
  const { start, end } = f.pdusOfDc(0);
  return Array.from({ length: end - start }, (_, i) => f.hostCountOf({ kind: "pdu", index: start + i }));
}

// Dean, LADIS 2009 keynote, "typical first year for a new cluster": "~1 PDU failure
// (~500-1000 machines suddenly disappear, ~6 hours to come back)". His clusters: 1,800
// machines (Data Center Knowledge's report of his Google I/O 2008 talk), 40 to a rack.
describe("default PDUs (busbarsPerPdu: auto)", () => {
  it.each([
    ["Dean's cluster: 1,800 machines, 40 to a rack", { rows: 3, racksPerRow: 15, hostsPerRack: 40 }, 2],
    ["10,000 machines in 25 rows", { rows: 25, racksPerRow: 25, hostsPerRack: 16 }, 13],
    ["DESIGN.md's datacenter, 16,000 machines", { rows: 40, racksPerRow: 25, hostsPerRack: 16 }, 20],
    ["the showcase's dc1, 3 bus bars a row", { rows: 20, racksPerRow: 25, hostsPerRack: 16, power: { busbarsPerRow: 3 } }, 10],
    ["the showcase's dc2", { rows: 10, racksPerRow: 20, hostsPerRack: 16, power: { busbarsPerRow: 3 } }, 4],
  ] as const)("feed 500-1,000 machines each: %s", (_name, shape, pdus) => {
    const sizes = pduSizes(buildFleet(fleetSpec(shape)));
    expect(sizes.length).toBe(pdus);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(500);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1000);
  });

  it("give a datacenter smaller than one PDU a single PDU", () => {
    expect(pduSizes(buildFleet(fleetSpec({ rows: 4, racksPerRow: 10, hostsPerRack: 16 })))).toEqual([640]);
  });

  it("never feed more than 1,000 hosts from one PDU unless one bus bar holds more, and nest bus bars whole", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom("contiguous" as const, "interleaved" as const),
        (rows, racksPerRow, hostsPerRack, busbarsPerRow, assign) => {
          const f = buildFleet(fleetSpec({ rows, racksPerRow, hostsPerRack, power: { busbarsPerRow, assign } }));
          let largestBusbar = 0;
          for (let b = 0; b < f.busbarCount; b++) largestBusbar = Math.max(largestBusbar, f.hostCountOf({ kind: "busbar", index: b }));
          for (const n of pduSizes(f)) expect(n).toBeLessThanOrEqual(Math.max(PDU_HOSTS_AUTO, largestBusbar));
          for (let k = 0; k < f.rackCount; k++) expect(f.rackPdu[k]).toBe(f.busbarPdu[f.rackBusbar[k]]);
          expect(f.pduCount).toBe(pduCountOf(f.dcSpec(0)));
        },
      ),
      { numRuns: 200 },
    );
  });
});
