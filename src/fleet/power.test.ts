// The power tree: bus bars and PDUs of a row, contiguous and interleaved, and the hosts
// under each, checked by hand on a 10-rack row with 3 bus bars of 2 PDUs.
import { describe, expect, it } from "vitest";
import { buildFleet } from "./build.js";
import type { Fleet } from "./fleet.js";
import { groupStart } from "./power.js";
import type { FleetRef } from "./ref.js";
import { fleetSpec } from "./testing.js";

const arr = (a: ArrayLike<number>) => Array.from(a);
const row10 = (assign: "contiguous" | "interleaved") =>
  buildFleet(fleetSpec({ rows: 2, racksPerRow: 10, hostsPerRack: 2, power: { busbarsPerRow: 3, pdusPerBusbar: 2, assign } }));
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

  it("splits each bus bar's racks among its PDUs", () => {
    expect([0, 1, 2, 3, 4, 5].map((p) => arr(f.racksOfPdu(p)))).toEqual([[0, 1], [2, 3], [4, 5], [6], [7, 8], [9]]);
    expect(f.pdusOfBusbar(1)).toEqual({ start: 2, end: 4 });
    expect(f.busbarsOfRow(1)).toEqual({ start: 3, end: 6 });
    expect(arr(f.rackBusbar.subarray(0, 10))).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 2, 2]);
    expect(arr(f.rackPdu.subarray(0, 10))).toEqual([0, 0, 1, 1, 2, 2, 3, 4, 4, 5]);
  });

  it("puts a bus bar's hosts in one range", () => {
    expect(arr(f.hostsOfBusbar(1))).toEqual([8, 9, 10, 11, 12, 13]);
    expect(ranges(f, { kind: "busbar", index: 1 })).toEqual([[8, 14]]);
    expect(arr(f.hostsOfPdu(3))).toEqual([12, 13]);
    expect(f.hostCountOf({ kind: "busbar", index: 0 })).toBe(8);
    expect(f.busbarOfHost(13)).toBe(1);
    expect(f.pduOfHost(13)).toBe(3);
    expect(f.rowOfBusbar(4)).toBe(1);
    expect(f.busbarOfPdu(5)).toBe(2);
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

  it("deals each bus bar's racks to its PDUs in turn", () => {
    expect([0, 1, 2, 3, 4, 5].map((p) => arr(f.racksOfPdu(p)))).toEqual([[0, 6], [3, 9], [1, 7], [4], [2, 8], [5]]);
  });

  it("yields one host range per rack when racks are not adjacent", () => {
    expect(ranges(f, { kind: "busbar", index: 1 })).toEqual([
      [2, 4],
      [8, 10],
      [14, 16],
    ]);
    expect(arr(f.hostsOfPdu(1))).toEqual([6, 7, 18, 19]);
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
    const seen = new Uint8Array(f.hostCount);
    for (let p = 0; p < f.pduCount; p++) f.forEachHostRange({ kind: "pdu", index: p }, (s, e) => seen.fill(seen[s] + 1, s, e));
    expect(seen.every((x) => x === 1)).toBe(true);
  });
});

describe("more bus bars than racks", () => {
  it("leaves the extra bus bars empty", () => {
    const f = buildFleet(fleetSpec({ rows: 1, racksPerRow: 2, power: { busbarsPerRow: 3, pdusPerBusbar: 1 } }));
    expect([0, 1, 2].map((b) => arr(f.racksOfBusbar(b)))).toEqual([[0], [1], []]);
    expect(arr(f.hostsOfBusbar(2))).toEqual([]);
  });
});
