// "Did you mean": the nearest existing id to a wrong one.
import { describe, expect, it } from "vitest";
import { buildFleet } from "./build.js";
import { fleetSpec } from "./testing.js";

// dc1: 12 rows x 25 racks x 16 hosts, bus bars a-b, PDUs pdu01-06 of two rows each; dc2: 2 x 4 x 4.
const f = buildFleet(
  fleetSpec({
    datacenters: [{ rows: 12, racksPerRow: 25, hostsPerRack: 16 }, {}],
    links: [{ a: "dc1", b: "dc2", latencySec: 0.01, bandwidthBitsPerSec: 1e11 }],
  }),
);

describe("closestId", () => {
  it.each([
    ["dc1/row07/rack12/host03", "dc1/row07/rack12/host03"], // already valid
    ["dc1/row07/rack99", "dc1/row07/rack25"], // clamp high
    ["dc1/row00", "dc1/row01"], // clamp low
    ["dc1/row7/rack3", "dc1/row07/rack03"], // missing padding
    ["dc1/row007/rack3/host17", "dc1/row07/rack03/host16"],
    ["dc1/rwo07", "dc1/row07"], // typo in the prefix
    ["dc1/row07/rak12", "dc1/row07/rack12"],
    ["dc1/row07/busbar-c", "dc1/row07/busbar-b"], // letter out of range
    ["dc1/row07/busbar-A/pdu9", "dc1/row07/busbar-a"], // an id of the old tree: its bus bar
    ["dc1/pdu9", "dc1/pdu06"],
    ["dc1/pdu3", "dc1/pdu03"],
    ["pdu02", "dc1/pdu02"],
    ["dc1/row07/bussbar-a", "dc1/row07/busbar-a"],
    ["dc1/row07/busbar3", "dc1/row07/busbar-b"],
    ["dc1/row07/busbar", "dc1/row07/busbar-a"],
    ["dc1/utilty", "dc1/utility"],
    ["dc3/row01", "dc1/row01"], // unknown datacenter: nearest name, first on a tie
    ["DC2/row02", "dc2/row02"],
    ["dc2/row05/rack01/host01", "dc2/row02/rack01/host01"], // limits of the other shape
    ["row07/rack12", "dc1/row07/rack12"], // datacenter left out
    ["dc1/row07/rack12/host03/cpu0", "dc1/row07/rack12/host03"], // too deep
    ["dc1/", "dc1"],
    ["", "dc1"],
    ["link/dc2-dc1", "link/dc1-dc2"],
    ["links/dc1-dc2", "link/dc1-dc2"],
  ])("%j -> %j", (wrong, right) => {
    const got = f.closestId(wrong);
    expect(got).toBe(right);
    expect(f.resolve(got)).toBeDefined();
  });
});
