// Power-aware placement on the PDU tree: copies under distinct PDUs when the range spans
// enough of them, else under distinct bus bars; distinct racks either way.
import { describe, expect, it } from "vitest";
import { buildFleet } from "../fleet/build.js";
import { fleetSpec } from "../fleet/testing.js";
import { Sim } from "../sim/sim.js";
import { domainLevel, domainsInRange, placeCopies, spreadLimit } from "./placement.js";

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

describe("spread placement (erasure-coded stripes)", () => {
  it("puts at most ceil(copies / domains) of a group in one domain, on distinct hosts, where one each would not fit", () => {
    const tworows = { start: 0, end: fleet.hostsOfRow(1).end }; // 4 bus bars (2 PDUs)
    expect(spreadLimit(fleet, tworows, "power-aware", 9)).toBe(3);
    for (const g of groupsOf(placeCopies(fleet, tworows, 2000, 9, "power-aware", stream(4), 3), 9)) {
      expect(new Set(g).size).toBe(9);
      const perBusbar = new Map<number, number>();
      for (const h of g) perBusbar.set(fleet.busbarOfHost(h), (perBusbar.get(fleet.busbarOfHost(h)) ?? 0) + 1);
      expect(Math.max(...perBusbar.values())).toBeLessThanOrEqual(3);
    }
    expect(() => placeCopies(fleet, tworows, 1, 9, "power-aware", stream(1), 2)).toThrow(
      /9 copies, 2 to a domain, needs 5 bus bars, but hosts 0\.\.319 span 4/,
    );
  });
});

describe("the one rule for the failure domain (domainLevel)", () => {
  // 6 rows x 4 racks x 4 hosts, 2 bus bars a row, 3 bus bars a PDU: 4 PDUs of 24 hosts, each
  // feeding bus bars of two rows, so a row is no stand-in for a PDU.
  const crossing = buildFleet(fleetSpec({ rows: 6, racksPerRow: 4, hostsPerRack: 4, power: { busbarsPerRow: 2, busbarsPerPdu: 3 } }));
  const every = { start: 0, end: crossing.hostCount };

  it("is the host, the rack, or for power-aware the PDU when the range spans as many PDUs as copies, else the bus bar", () => {
    expect(domainLevel(crossing, every, "random", 3)).toBe("host");
    expect(domainLevel(crossing, every, "rack-aware", 3)).toBe("rack");
    expect(domainLevel(crossing, every, "power-aware", 4)).toBe("pdu");
    expect(domainLevel(crossing, every, "power-aware", 5)).toBe("busbar");
    expect(domainLevel(crossing, { start: 0, end: 48 }, "power-aware", 3)).toBe("busbar");
  });

  it("puts copies under distinct PDUs where a PDU feeds bus bars of several rows", () => {
    for (const g of groupsOf(placeCopies(crossing, every, 2000, 4, "power-aware", stream(5)), 4)) {
      expect(new Set(g.map((h) => crossing.pduOfHost(h))).size).toBe(4);
    }
  });
});

/** The placement's own stream, as a lane would hand it. */
function stream(seed: number) {
  return new Sim({ seed }).streams.get("placement");
}
