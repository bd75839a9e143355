// The trace's counts per failure domain (what `fleet faults` prints by row and by
// datacenter): a fault counts under the narrowest of row and datacenter that holds all it
// hits, so a PDU that feeds bus bars of several rows counts under its datacenter.
import { describe, expect, it } from "vitest";
import { PDU } from "./power.js";
import { faultHarness, HOUR } from "./testing.js";

describe("faults by domain", () => {
  it("counts a PDU that feeds several rows under its datacenter, not under one of its rows", () => {
    // 3 rows x 4 racks x 4 hosts, 2 bus bars a row, 3 bus bars a PDU: pdu1 feeds row01 a
    // and b and row02 a, pdu2 feeds row02 b and row03 a and b.
    const h = faultHarness({ rows: 3, racksPerRow: 4, hostsPerRack: 4, power: { busbarsPerRow: 2, busbarsPerPdu: 3 } });
    const pdu1 = h.fleet.resolve(h.fleet.pduId(0))!;
    expect([...h.fleet.racksOfPdu(0)].map((r) => h.fleet.rackId(r))).toEqual([
      "dc1/row01/rack01",
      "dc1/row01/rack02",
      "dc1/row01/rack03",
      "dc1/row01/rack04",
      "dc1/row02/rack01",
      "dc1/row02/rack02",
    ]);
    h.trace.down(PDU, pdu1, { repairSec: 6 * HOUR });
    expect(h.trace.byDomain).toEqual(new Map([["dc1", new Map([["power.pdu", 1]])]]));
  });

  it("counts a PDU that feeds one row under that row", () => {
    // One PDU a row: pdu2 feeds row02 a and b.
    const h = faultHarness({ rows: 3, racksPerRow: 4, hostsPerRack: 4, power: { busbarsPerRow: 2, busbarsPerPdu: 2 } });
    h.trace.down(PDU, { kind: "pdu", index: 1 }, { repairSec: 6 * HOUR });
    expect(h.trace.byDomain).toEqual(new Map([["dc1/row02", new Map([["power.pdu", 1]])]]));
  });
});
