import { describe, expect, it } from "vitest";
import { HostState } from "../fleet/state.js";
import { LINK_CUT, LINK_LATENCY, linkModel } from "./network.js";
import { DAY, faultHarness, HOUR, MINUTE, parseSettings, withinPoisson, YEAR } from "./testing.js";

/** Three datacenters joined by three links. */
const threeDcs = {
  rows: 1,
  racksPerRow: 2,
  hostsPerRack: 2,
  datacenters: [{}, {}, {}],
  links: [
    { a: "dc1", b: "dc2", latencySec: 0.01, bandwidthBitsPerSec: 1e11 },
    { a: "dc2", b: "dc3", latencySec: 0.02, bandwidthBitsPerSec: 1e11 },
    { a: "dc1", b: "dc3", latencySec: 0.03, bandwidthBitsPerSec: 1e11 },
  ],
};

describe("link settings", () => {
  it("fills documented defaults", () => {
    expect(parseSettings(linkModel, "{}")).toEqual({
      mtbfSec: 180 * DAY,
      repairSec: 6 * HOUR,
      latencyMtbfSec: 7 * DAY,
      extraLatencySec: 0.05,
      latencySec: 30 * MINUTE,
    });
    expect(parseSettings(linkModel, "{ latency: 80ms, latencyMtbf: off }")).toMatchObject({ extraLatencySec: 0.08, latencyMtbfSec: Infinity });
  });
});

describe("link cuts and latency spikes", () => {
  it("happen at the configured rates per link (a 2x rate would fail)", () => {
    const h = faultHarness(threeDcs, 6);
    const horizon = YEAR;
    const inj = h.start(
      linkModel.create(parseSettings(linkModel, "{ mtbf: 2d, repair: 1h, latencyMtbf: 1d, latency: 50ms, latencyFor: 10m }")),
      "faults.link",
      horizon,
    );
    h.sim.run({ until: horizon });
    const exp = inj.expected!(h.fleet, horizon);
    expect(exp["link.cut"]).toBeCloseTo(3 * 182.5, 6);
    expect(exp["link.latency"]).toBeCloseTo(3 * 365, 6);
    const cuts = h.events.filter((e) => e.kind.name === "link.cut");
    const spikes = h.events.filter((e) => e.kind.name === "link.latency");
    expect(withinPoisson(cuts.length, exp["link.cut"]!)).toBe(true);
    expect(withinPoisson(cuts.length, 2 * exp["link.cut"]!)).toBe(false);
    expect(withinPoisson(spikes.length, exp["link.latency"]!)).toBe(true);
    expect(withinPoisson(spikes.length, 2 * exp["link.latency"]!)).toBe(false);
    // Every link is hit, records carry their end and extra latency, and no host goes down.
    expect(new Set(cuts.map((e) => h.fleet.idOf(e.ref!)))).toEqual(new Set(["link/dc1-dc2", "link/dc2-dc3", "link/dc1-dc3"]));
    expect(cuts.every((e) => e.untilSec === e.at + HOUR)).toBe(true);
    expect(spikes.every((e) => e.detail.extraSec === 0.05 && e.untilSec === e.at + 10 * MINUTE)).toBe(true);
    expect(h.fleet.state.every((s) => s === HostState.UP)).toBe(true);
    expect(h.trace.correlated.length).toBe(cuts.length + spikes.length);
  });

  it("do nothing on a fleet with one datacenter, and expect nothing", () => {
    const h = faultHarness({}, 1);
    const inj = h.start(linkModel.create(parseSettings(linkModel, "{ mtbf: 1h, latencyMtbf: 1h }")), "faults.link", 30 * DAY);
    h.sim.run({ until: 30 * DAY });
    expect(h.events).toEqual([]);
    expect(inj.expected!(h.fleet, 30 * DAY)).toEqual({ "link.cut": 0, "link.latency": 0 });
  });
});

describe("scheduled link incidents", () => {
  it("cut a link or raise its latency at the exact time", () => {
    const h = faultHarness(threeDcs);
    h.fire(linkModel, "link/dc2-dc3", { repair: 2 * HOUR }, 5 * HOUR);
    h.fire(linkModel, "link/dc1-dc2", { latency: 0.08, duration: 30 * MINUTE }, 6 * HOUR);
    h.sim.run({ until: DAY });
    expect(h.trace.correlated).toEqual([
      { at: 5 * HOUR, kind: LINK_CUT, target: "link/dc2-dc3", untilSec: 7 * HOUR, hosts: 0 },
      { at: 6 * HOUR, kind: LINK_LATENCY, target: "link/dc1-dc2", untilSec: 6.5 * HOUR, hosts: 0 },
    ]);
    expect(h.events[1].detail).toEqual({ extraSec: 0.08, cause: "incident" });
  });
});
