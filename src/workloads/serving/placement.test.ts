import { describe, expect, it } from "vitest";
import { buildFleet } from "../../fleet/build.js";
import { fleetSpec } from "../../fleet/testing.js";
import { Streams } from "../../sim/streams.js";
import { placeReplicas } from "./placement.js";

// 4 rows x 10 racks x 16 hosts, 2 bus bars a row: 640 hosts, 40 racks, 8 bus bars.
const fleet = buildFleet(fleetSpec({ rows: 4, racksPerRow: 10, hostsPerRack: 16 }));
const range = { start: 0, end: 640 };

function perShard(hosts: Int32Array, replicas: number, domain: (h: number) => number): number[] {
  // Most replicas of one shard in one domain, for each shard.
  const out: number[] = [];
  for (let s = 0; s < hosts.length / replicas; s++) {
    const count = new Map<number, number>();
    for (let r = 0; r < replicas; r++) {
      const d = domain(hosts[s * replicas + r]);
      count.set(d, (count.get(d) ?? 0) + 1);
    }
    out.push(Math.max(...count.values()));
  }
  return out;
}

describe("replica placement", () => {
  for (const placement of ["random", "rack-aware", "power-aware"] as const) {
    it(`${placement}: one replica per host of the range`, () => {
      const hosts = placeReplicas(fleet, range, 32, 20, placement, new Streams(1).get("p"));
      expect(new Set(hosts).size).toBe(640);
      expect(Math.min(...hosts)).toBe(0);
      expect(Math.max(...hosts)).toBe(639);
    });
  }

  it("rack-aware puts the 20 replicas of each shard on 20 distinct racks; random does not", () => {
    const rack = (h: number) => fleet.rackOf[h];
    const aware = placeReplicas(fleet, range, 32, 20, "rack-aware", new Streams(2).get("p"));
    expect(Math.max(...perShard(aware, 20, rack))).toBe(1);
    const random = placeReplicas(fleet, range, 32, 20, "random", new Streams(2).get("p"));
    expect(Math.max(...perShard(random, 20, rack))).toBeGreaterThan(1);
  });

  it("power-aware spreads each shard over the 8 bus bars (at most ceil(20/8) = 3 on one), on distinct racks", () => {
    const busbar = (h: number) => fleet.rackBusbar[fleet.rackOf[h]];
    const hosts = placeReplicas(fleet, range, 32, 20, "power-aware", new Streams(3).get("p"));
    expect(Math.max(...perShard(hosts, 20, busbar))).toBe(3);
    expect(Math.max(...perShard(hosts, 20, (h) => fleet.rackOf[h]))).toBe(1);
    const rackAware = placeReplicas(fleet, range, 32, 20, "rack-aware", new Streams(3).get("p"));
    expect(Math.max(...perShard(rackAware, 20, busbar))).toBeGreaterThanOrEqual(3);
  });

  it("power-aware puts the replicas of a shard under distinct PDUs when the range spans as many PDUs as replicas", () => {
    // 6 rows x 4 racks x 4 hosts, 2 bus bars a row, 3 bus bars a PDU: 12 bus bars of 8 hosts,
    // 4 PDUs of 24 hosts, each feeding bus bars of two rows.
    const crossing = buildFleet(fleetSpec({ rows: 6, racksPerRow: 4, hostsPerRack: 4, power: { busbarsPerRow: 2, busbarsPerPdu: 3 } }));
    const every = { start: 0, end: 96 };
    const pdu = (h: number) => crossing.pduOfHost(h);
    const busbar = (h: number) => crossing.busbarOfHost(h);
    const rack = (h: number) => crossing.rackOf[h];
    for (let seed = 1; seed <= 20; seed++) {
      const hosts = placeReplicas(crossing, every, 24, 4, "power-aware", new Streams(seed).get("p"));
      expect(new Set(hosts).size).toBe(96);
      expect(Math.max(...perShard(hosts, 4, pdu))).toBe(1);
      // 6 replicas find only 4 PDUs: bus bars then, as before (12 bus bars, distinct racks).
      const six = placeReplicas(crossing, every, 16, 6, "power-aware", new Streams(seed).get("p"));
      expect(Math.max(...perShard(six, 6, busbar))).toBe(1);
      expect(Math.max(...perShard(six, 6, rack))).toBe(1);
    }
  });

  it("is a pure function of the stream", () => {
    const a = placeReplicas(fleet, range, 32, 20, "power-aware", new Streams(4).get("p"));
    const b = placeReplicas(fleet, range, 32, 20, "power-aware", new Streams(4).get("p"));
    expect(b).toEqual(a);
  });

  it("refuses a range that does not fit", () => {
    expect(() => placeReplicas(fleet, { start: 600, end: 700 }, 10, 10, "random", new Streams(1).get("p"))).toThrow(/fleet has 640 hosts/);
  });
});
