// Power-aware placement on the PDU tree: copies under distinct PDUs when the range spans
// enough of them, else under distinct bus bars; distinct racks either way.
import { describe, expect, it } from "vitest";
import { buildFleet } from "../fleet/build.js";
import { fleetSpec } from "../fleet/testing.js";
import { Sim } from "../sim/sim.js";
import { domainsInRange, placeCopies } from "./placement.js";

// 6 rows x 10 racks x 16 hosts, 2 bus bars a row and a PDU for every 2 bus bars: one PDU a row.
const fleet = buildFleet(fleetSpec({ rows: 6, racksPerRow: 10, hostsPerRack: 16, power: { busbarsPerRow: 2, busbarsPerPdu: 2 } }));
const all = { start: 0, end: fleet.hostCount };

function groupsOf(hosts: Int32Array, copies: number): number[][] {
  return Array.from({ length: hosts.length / copies }, (_, g) => Array.from(hosts.subarray(g * copies, (g + 1) * copies)));
}

describe("power-aware placement", () => {
  it("puts the copies of a group under distinct PDUs when the range spans enough", () => {
    expect(domainsInRange(fleet, all, "power-aware", true)).toBe(6);
    const placed = placeCopies(fleet, all, 2000, 3, "power-aware", stream(7));
    expect(placed.length).toBe(6000);
    for (const g of groupsOf(placed, 3)) {
      expect(new Set(g.map((h) => fleet.pduOfHost(h))).size).toBe(3);
      expect(new Set(g.map((h) => fleet.busbarOfHost(h))).size).toBe(3);
    }
  });

  it("falls back to distinct bus bars on a range under fewer PDUs than copies", () => {
    const tworows = { start: 0, end: fleet.hostsOfRow(1).end }; // 2 PDUs, 4 bus bars
    for (const g of groupsOf(placeCopies(fleet, tworows, 2000, 3, "power-aware", stream(3)), 3)) {
      expect(new Set(g.map((h) => fleet.busbarOfHost(h))).size).toBe(3);
      expect(g.every((h) => h < tworows.end)).toBe(true);
    }
    expect(() => placeCopies(fleet, { start: 0, end: fleet.hostsOfRow(0).end }, 1, 3, "power-aware", stream(1))).toThrow(/needs 3 bus bars/);
  });
});

/** The placement's own stream, as a lane would hand it. */
function stream(seed: number) {
  return new Sim({ seed }).streams.get("placement");
}
