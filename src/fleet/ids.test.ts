// Readable ids: their format, padding and letters, strict parsing, and round trips.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { buildFleet } from "./build.js";
import { busbarLetters, parseBusbarLetters, parsePadded } from "./ids.js";
import type { FleetKind } from "./ref.js";
import { fleetSpec } from "./testing.js";

const small = buildFleet(fleetSpec({ links: [] }));
const two = buildFleet(
  fleetSpec({
    datacenters: [
      { rows: 12, racksPerRow: 3, hostsPerRack: 9, power: { busbarsPerPdu: 1 } },
      { name: "tokyo", rows: 120, racksPerRow: 2, hostsPerRack: 128, power: { busbarsPerRow: 28, assign: "interleaved" } },
    ],
    links: [{ a: "dc1", b: "tokyo", latencySec: 0.1, bandwidthBitsPerSec: 1e11 }],
  }),
);

describe("id format", () => {
  it("names every level, 1-based and zero-padded", () => {
    expect(small.dcId(0)).toBe("dc1");
    expect(small.utilityId(0)).toBe("dc1/utility");
    expect(small.rowId(1)).toBe("dc1/row02");
    expect(small.rackId(6)).toBe("dc1/row02/rack03");
    expect(small.hostId(27)).toBe("dc1/row02/rack03/host04");
    expect(small.busbarId(3)).toBe("dc1/row02/busbar-b");
    expect(small.pduId(0)).toBe("dc1/pdu01"); // PDUs are numbered within their datacenter
  });

  it("widens numbers only where a level needs it", () => {
    expect(two.pduId(13)).toBe("dc1/pdu14");
    // tokyo: bus bars of at most one 128-host rack, 7 to a PDU (auto): 3,360 / 7 = 480 PDUs.
    expect(two.pduId(24)).toBe("tokyo/pdu001");
    expect(two.pduId(two.pduCount - 1)).toBe("tokyo/pdu480");
    expect(two.rowId(12)).toBe("tokyo/row001");
    expect(two.hostId(two.hostCount - 1)).toBe("tokyo/row120/rack02/host128");
    expect(two.busbarId(two.busbarCount - 1)).toBe("tokyo/row120/busbar-ab");
    expect(two.linkId(0)).toBe("link/dc1-tokyo");
  });

  it("letters bus bars like spreadsheet columns", () => {
    expect([0, 1, 25, 26, 27, 701, 702].map(busbarLetters)).toEqual(["a", "b", "z", "aa", "ab", "zz", "aaa"]);
    for (let i = 0; i < 1000; i++) expect(parseBusbarLetters(busbarLetters(i))).toBe(i);
    expect(parseBusbarLetters("A")).toBe(-1);
    expect(parseBusbarLetters("")).toBe(-1);
  });

  it("parses only the canonical width", () => {
    expect(parsePadded("07", 2)).toBe(7);
    expect(parsePadded("7", 2)).toBe(-1);
    expect(parsePadded("007", 2)).toBe(-1);
    expect(parsePadded("0x", 2)).toBe(-1);
  });
});

describe("resolve", () => {
  it("resolves each kind", () => {
    expect(small.resolve("dc1")).toEqual({ kind: "dc", index: 0 });
    expect(small.resolve("dc1/utility")).toEqual({ kind: "utility", index: 0 });
    expect(small.resolve("dc1/row02")).toEqual({ kind: "row", index: 1 });
    expect(small.resolve("dc1/row02/rack03")).toEqual({ kind: "rack", index: 6 });
    expect(small.resolve("dc1/row02/rack03/host04")).toEqual({ kind: "host", index: 27 });
    expect(small.resolve("dc1/row02/busbar-b")).toEqual({ kind: "busbar", index: 3 });
    expect(small.resolve("dc1/pdu01")).toEqual({ kind: "pdu", index: 0 });
    expect(two.resolve("tokyo/pdu002")).toEqual({ kind: "pdu", index: 25 });
    expect(two.resolve("link/dc1-tokyo")).toEqual({ kind: "link", index: 0 });
  });

  it.each([
    "",
    "dc2",
    "dc1/",
    "dc1/row2",
    "dc1/row00",
    "dc1/row03",
    "dc1/row02/rack05",
    "dc1/row02/rack03/host05",
    "dc1/row02/rack03/host04/x",
    "dc1/row02/busbar-c",
    "dc1/row02/busbar-B",
    "dc1/row02/busbar-a/pdu1", // the old tree's PDU ids (under a bus bar) are gone
    "dc1/pdu02",
    "dc1/pdu1",
    "dc1/pdu01/x",
    "dc1/utility/x",
    "dc1/row02/rack03/pdu1",
    "link/dc1-dc2",
    "DC1",
  ])("rejects %j", (id) => {
    expect(small.resolve(id)).toBeUndefined();
  });

  it("rejects a reversed link id", () => {
    expect(two.resolve("link/tokyo-dc1")).toBeUndefined();
  });

  const counts = (f: typeof two): Record<FleetKind, number> => ({
    dc: f.dcCount,
    utility: f.dcCount,
    row: f.rowCount,
    rack: f.rackCount,
    host: f.hostCount,
    busbar: f.busbarCount,
    pdu: f.pduCount,
    link: f.linkCount,
  });

  it("round-trips resolve(idOf(ref)) for random elements of every kind", () => {
    const c = counts(two);
    const kinds = Object.keys(c) as FleetKind[];
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (kind, u) => {
        const index = Math.floor(u * c[kind]);
        expect(two.resolve(two.idOf({ kind, index }))).toEqual({ kind, index });
      }),
      { numRuns: 2000 },
    );
  });

  it("round-trips every host id of a small fleet, and host ids are unique", () => {
    const seen = new Set<string>();
    for (let h = 0; h < two.hostCount; h += 7) {
      const id = two.hostId(h);
      expect(two.resolve(id)).toEqual({ kind: "host", index: h });
      seen.add(id);
    }
    expect(seen.size).toBe(Math.ceil(two.hostCount / 7));
  });

  it("round-trips host ids with fast-check", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: two.hostCount - 1 }), (h) => {
        expect(two.resolve(two.hostId(h))).toEqual({ kind: "host", index: h });
      }),
    );
  });
});
