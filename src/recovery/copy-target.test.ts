// Re-replication targets keep to the failure domain of the first layout (domainLevel): a
// new copy of a power-aware block goes under a PDU no other copy is under when the store
// spans as many PDUs as the block has copies, under a bus bar no other copy is under
// otherwise, and waits rather than double up when no such domain is up.
import { describe, expect, it } from "vitest";
import { buildFleet } from "../fleet/build.js";
import { fleetSpec } from "../fleet/testing.js";
import { Streams } from "../sim/streams.js";
import { TargetPicker } from "./copy-target.js";
import { type HostRange, spreadLimit } from "./placement.js";

// 6 rows x 4 racks x 4 hosts, 2 bus bars a row, 3 bus bars a PDU: 12 bus bars of 8 hosts
// and 4 PDUs of 24 hosts, each feeding bus bars of two rows (PDU 0: row01 a and b, row02 a).
// PDUs and bus bars are named by index below: PDU p feeds hosts 24p .. 24p + 23.
const fleet = buildFleet(fleetSpec({ rows: 6, racksPerRow: 4, hostsPerRack: 4, power: { busbarsPerRow: 2, busbarsPerPdu: 3 } }));
const all = { start: 0, end: fleet.hostCount };

/** A picker over `range` with every host up and holding disks. */
function picker(range: HostRange, copies: number, seed = 1, perDomain = 1) {
  const down = new Uint8Array(range.end - range.start);
  const p = new TargetPicker(fleet, range, "power-aware", new Streams(seed).get("store"), down, () => true, copies, perDomain);
  return {
    p,
    /** Hosts [a, b) go down. */
    down(a: number, b: number) {
      for (let h = a; h < b; h++) {
        down[h - range.start] = 1;
        p.hostDown(h - range.start);
      }
    },
  };
}

/** The first host under PDU `pdu`. */
const underPdu = (pdu: number) => fleet.hostsOfPdu(pdu)[0];

describe("re-replication targets, power-aware", () => {
  it("sets the fleet up as the story needs: 4 PDUs, 3 bus bars each", () => {
    expect(fleet.pduCount).toBe(4);
    expect(fleet.busbarCount).toBe(12);
    expect(fleet.pduOfHost(underPdu(1))).toBe(1);
  });

  it("puts the third copy under a third PDU when the store spans 4 PDUs", () => {
    const { p } = picker(all, 3);
    const others = Int32Array.of(underPdu(0), underPdu(1));
    for (let k = 0; k < 500; k++) expect([2, 3]).toContain(fleet.pduOfHost(p.pick(others, 2)));
  });

  it("waits rather than put two copies under one PDU, though bus bars of their PDUs are up", () => {
    const { p, down } = picker(all, 3);
    down(underPdu(2), fleet.hostCount); // PDUs 2 and 3 go down: 48 hosts
    expect(p.domainsUp).toBe(2);
    expect(p.pick(Int32Array.of(underPdu(0), underPdu(1)), 2)).toBe(-1);
    expect(fleet.pduOfHost(p.pick(Int32Array.of(underPdu(0)), 1))).toBe(1);
  });

  it("keeps to distinct bus bars on a store under fewer PDUs than copies", () => {
    const two = { start: 0, end: 48 }; // PDUs 0 and 1: 6 bus bars
    const { p } = picker(two, 3);
    const others = Int32Array.of(0, 8); // bus bars 0 and 1, both under PDU 0
    const pdus = new Set<number>();
    for (let k = 0; k < 500; k++) {
      const h = p.pick(others, 2);
      expect(h).toBeGreaterThanOrEqual(16);
      expect(h).toBeLessThan(48);
      pdus.add(fleet.pduOfHost(h));
    }
    expect(pdus).toEqual(new Set([0, 1]));
  });

  it("puts an erasure-coded fragment under a bus bar holding fewer than perDomain of the others, never on their hosts", () => {
    const two = { start: 0, end: 48 }; // 6 bus bars of 8 hosts: RS(6,3) spreads 2 to a bus bar
    expect(spreadLimit(fleet, two, "power-aware", 9)).toBe(2);
    const { p, down } = picker(two, 9, 1, 2);
    const others = Int32Array.of(0, 1, 8, 9, 16, 17, 24, 32); // bus bars 0, 0, 1, 1, 2, 2, 3, 4
    const busbars = new Set<number>();
    for (let k = 0; k < 500; k++) {
      const h = p.pick(others, others.length);
      expect(h).toBeGreaterThanOrEqual(24);
      expect(others).not.toContain(h);
      busbars.add(fleet.busbarOfHost(h));
    }
    expect(busbars.size).toBe(3);
    down(24, 48); // bus bars 3, 4 and 5: the only ones with room
    expect(p.pick(others, others.length)).toBe(-1);
  });

  it("keeps to bus bars when the caller asks for any number of copies (Infinity)", () => {
    const { p } = picker(all, Number.POSITIVE_INFINITY);
    expect(p.domainsUp).toBe(12);
  });
});
