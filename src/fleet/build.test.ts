// buildFleet: the dense hierarchy (CSR offsets), per-host state and per-datacenter specs.
import { describe, expect, it } from "vitest";
import { buildFleet } from "./build.js";
import { HostFlag, HostState } from "./state.js";
import { fleetSpec, GiB } from "./testing.js";

const arr = (a: ArrayLike<number>) => Array.from(a);

describe("buildFleet on the default 2 rows x 4 racks x 4 hosts", () => {
  const f = buildFleet(fleetSpec());

  it("counts every level", () => {
    expect(f.summary()).toEqual({ datacenters: 1, rows: 2, racks: 8, hosts: 32, busbars: 4, pdus: 1, links: 0 });
  });

  it("lays out contiguous CSR offsets", () => {
    expect(arr(f.dcFirstRow)).toEqual([0, 2]);
    expect(arr(f.dcFirstRack)).toEqual([0, 8]);
    expect(arr(f.dcFirstHost)).toEqual([0, 32]);
    expect(arr(f.rowFirstRack)).toEqual([0, 4, 8]);
    expect(arr(f.rackFirstHost)).toEqual([0, 4, 8, 12, 16, 20, 24, 28, 32]);
    expect(arr(f.rackRow)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(arr(f.rowFirstBusbar)).toEqual([0, 2, 4]);
    // 32 hosts: one PDU (auto) feeds all four bus bars.
    expect(arr(f.dcFirstPdu)).toEqual([0, 1]);
    expect(arr(f.pduFirstBusbar)).toEqual([0, 4]);
    expect(arr(f.busbarPdu)).toEqual([0, 0, 0, 0]);
  });

  it("answers hierarchy queries", () => {
    expect(f.hostsOfRack(5)).toEqual({ start: 20, end: 24 });
    expect(f.racksOfRow(1)).toEqual({ start: 4, end: 8 });
    expect(f.hostsOfRow(1)).toEqual({ start: 16, end: 32 });
    expect(f.rowsOfDc(0)).toEqual({ start: 0, end: 2 });
    expect(f.rackOfHost(21)).toBe(5);
    expect(f.rowOfHost(21)).toBe(1);
    expect(f.dcOfHost(21)).toBe(0);
    expect(f.rackPositionInRow(5)).toBe(1);
    expect(f.hostPositionInRack(21)).toBe(1);
    expect(f.rowPositionInDc(1)).toBe(1);
  });

  it("starts every host UP, unflagged, at normal speed", () => {
    expect(f.state.every((s) => s === HostState.UP)).toBe(true);
    expect(f.slowdown.every((s) => s === 1)).toBe(true);
    expect(f.flags.every((s) => s === 0)).toBe(true);
  });

  it("resetState undoes state changes but keeps the topology", () => {
    const g = buildFleet(fleetSpec());
    g.state[3] = HostState.DOWN;
    g.downUntil[3] = 3600;
    g.correctable[3] = 7;
    g.flags[3] = HostFlag.CORRUPT | HostFlag.STRAGGLER;
    g.slowdown[3] = 5;
    g.resetState();
    expect([g.state[3], g.downUntil[3], g.correctable[3], g.flags[3], g.slowdown[3]]).toEqual([0, 0, 0, 0, 1]);
    expect(g.rackOf[3]).toBe(0);
  });

  it("reports DRAM bits and the host model", () => {
    expect(f.dramBitsOfHost(0)).toBe(16 * 32 * GiB * 8);
    expect(f.totalDramBits()).toBe(32 * 16 * 32 * GiB * 8);
    expect(f.hostSpec(31).ecc).toBe("secded");
  });
});

describe("a fleet of two differently shaped datacenters", () => {
  const f = buildFleet(
    fleetSpec({
      datacenters: [
        { rows: 3, racksPerRow: 2, hostsPerRack: 5, altitudeM: 1500, host: { ecc: "chipkill", dimms: 8 } },
        { name: "east", rows: 1, racksPerRow: 3, hostsPerRack: 40, power: { busbarsPerRow: 3, busbarsPerPdu: 1 } },
      ],
      links: [{ a: "dc1", b: "east", latencySec: 0.03, bandwidthBitsPerSec: 4e11 }],
    }),
  );

  it("numbers the second datacenter after the first", () => {
    expect(f.summary()).toEqual({ datacenters: 2, rows: 4, racks: 9, hosts: 150, busbars: 9, pdus: 4, links: 1 });
    expect(f.pdusOfDc(1)).toEqual({ start: 1, end: 4 });
    expect(f.rowsOfDc(1)).toEqual({ start: 3, end: 4 });
    expect(f.racksOfDc(1)).toEqual({ start: 6, end: 9 });
    expect(f.hostsOfDc(1)).toEqual({ start: 30, end: 150 });
    expect(f.hostsOfUtility(0)).toEqual({ start: 0, end: 30 });
    expect(f.busbarsOfDc(1)).toEqual({ start: 6, end: 9 });
    expect(f.dcOfHost(29)).toBe(0);
    expect(f.dcOfHost(30)).toBe(1);
    expect(f.hostsOfRack(8)).toEqual({ start: 110, end: 150 });
  });

  it("gives each host the model and altitude of its datacenter", () => {
    expect(f.hostSpec(0).ecc).toBe("chipkill");
    expect(f.dramBitsOfHost(0)).toBe(8 * 32 * GiB * 8);
    expect(f.hostSpec(149).ecc).toBe("secded");
    expect(f.dramBitsOfHost(149)).toBe(16 * 32 * GiB * 8);
    expect(f.altitudeMOfDc(0)).toBe(1500);
    expect(f.altitudeMOfDc(1)).toBe(0);
  });

  it("keeps the links between datacenters", () => {
    expect(f.links).toEqual([{ id: "link/dc1-east", a: 0, b: 1, latencySec: 0.03, bandwidthBitsPerSec: 4e11 }]);
    expect(f.linkBetween(1, 0)?.id).toBe("link/dc1-east");
    expect(f.linkBetween(0, 0)).toBeUndefined();
    expect(f.hostCountOf({ kind: "link", index: 0 })).toBe(0);
  });
});

describe("memory", () => {
  it("stays within 64 bytes per host, counting every typed array", () => {
    const f = buildFleet(fleetSpec({ rows: 10, racksPerRow: 10, hostsPerRack: 16 }));
    expect(f.bytesPerHost()).toBeLessThanOrEqual(64);
    // state (1) + rackOf (4) + downUntil (8) + correctable (4) + flags (1) + slowdown (4)
    expect(f.bytesPerHost()).toBeGreaterThanOrEqual(22);
  });
});

describe("invalid specs", () => {
  it.each([
    [fleetSpec({ datacenters: [] }), /at least one datacenter/],
    [fleetSpec({ rows: 0 }), /rows must be a whole number/],
    [fleetSpec({ hostsPerRack: 2.5 }), /hostsPerRack/],
    [fleetSpec({ power: { busbarsPerRow: 0 } }), /busbarsPerRow/],
    [fleetSpec({ datacenters: [{ name: "a" }, { name: "a" }] }), /duplicate datacenter/],
    [fleetSpec({ name: "dc/1" }), /name must be/],
    [fleetSpec({ links: [{ a: "dc1", b: "dc9", latencySec: 0, bandwidthBitsPerSec: 1 }] }), /both ends/],
    [fleetSpec({ rows: 100000, racksPerRow: 1000, hostsPerRack: 100 }), /at most/],
  ])("rejects %#", (spec, message) => {
    expect(() => buildFleet(spec)).toThrow(message);
  });
});
