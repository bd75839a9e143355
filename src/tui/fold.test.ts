import { describe, expect, it } from "vitest";
import { buildFleet } from "../fleet/build.js";
import { fleetSpec } from "../fleet/testing.js";
import { effectsOf } from "./effects.js";
import { CellState, FleetFold, footprintWindowSec, recentWindowSec } from "./fold.js";

// dc1: 2 rows x 4 racks x 4 hosts; 2 bus bars per row, each feeding 2 contiguous racks.
const fleet = buildFleet(fleetSpec());
const resolve = (id: string) => fleet.resolve(id);
const HOUR = 3600;

function fold(records: [string, number, Record<string, unknown>][], recentSec = HOUR, footprintSec = 2 * HOUR): FleetFold {
  const f = new FleetFold(fleet, recentSec, footprintSec);
  for (const [t, at, fields] of records) for (const e of effectsOf(t, at, fields, resolve)) f.apply(e, at);
  return f;
}

describe("what a record does to the map", () => {
  it("a bus bar loss is a down interval for every host it feeds, and a correlated incident's footprint", () => {
    const e = effectsOf("fault", 10, { kind: "power.busbar", target: "dc1/row01/busbar-a", until: 100, repair: 90, hosts: 8 }, resolve);
    expect(e).toEqual([
      { kind: "down", ref: { kind: "busbar", index: 0 }, untilSec: 100 },
      { kind: "footprint", ref: { kind: "busbar", index: 0 }, untilSec: 100 },
    ]);
  });

  it("a burst's footprint is the racks facing it, within width/2 + edge, until it ends; a host crash has none", () => {
    expect(effectsOf("fault", 10, { kind: "cosmic.burst", until: 1210, direction: 90, width: 90, edge: 15, racks: 4, duration: 1200 }, resolve)).toEqual([
      { kind: "burst", directionDeg: 90, halfWidthDeg: 60, untilSec: 1210 },
    ]);
    expect(effectsOf("fault", 0, { kind: "host.crash", target: "dc1/row02/rack04/host03", until: 600, repair: 600, hosts: 1 }, resolve)).toHaveLength(1);
  });

  it("an upset is an error, a defective core's result is silent corruption, a missed error too", () => {
    expect(effectsOf("fault", 1, { kind: "cosmic.upset", target: "dc1/row02/rack03/host01" }, resolve)[0].kind).toBe("errors");
    expect(effectsOf("fault", 1, { kind: "mercurial.corrupt", target: "dc1/row02/rack03/host01" }, resolve)[0].kind).toBe("corrupt");
    expect(effectsOf("detection", 1, { host: "dc1/row01/rack01/host01", outcome: "silent", code: "secded(72,64)" }, resolve)[0].kind).toBe("corrupt");
  });

  it("a detected uncorrectable error is a machine check: the host is down for its repair", () => {
    const e = effectsOf("detection", 50, { host: "dc1/row01/rack01/host02", outcome: "detected", repair: 600 }, resolve);
    expect(e).toEqual([{ kind: "down", ref: { kind: "host", index: 1 }, untilSec: 650 }]);
  });

  it("a drain is placed only when it names its hosts; a count alone is not", () => {
    expect(effectsOf("recovery", 1, { action: "drain", hosts: 1, job: "pretrain" }, resolve)).toEqual([]);
    expect(effectsOf("recovery", 1, { action: "drain", targets: ["dc1/row01/rack02/host01"] }, resolve)).toEqual([
      { kind: "draining", ref: { kind: "host", index: 4 } },
    ]);
  });

  it("records naming nothing on the map, or an id that is not in the fleet, change nothing", () => {
    expect(effectsOf("fault", 1, { kind: "cosmic.burst", until: 100 }, resolve)).toEqual([]);
    expect(effectsOf("fault", 1, { kind: "straggler", target: "dc1/row01/rack01/host01", factor: 3 }, resolve)).toEqual([]);
    expect(effectsOf("fault", 1, { kind: "cosmic.upset", target: "dc9/row01/rack01/host01" }, resolve)).toEqual([]);
    expect(effectsOf("milestone", 1, { event: "checkpoint" }, resolve)).toEqual([]);
  });
});

describe("the fold: every rack's state at a time", () => {
  it("a bus bar blacks out exactly its racks while it is down; back up, they stay marked hit for the footprint window", () => {
    const f = fold([["fault", 100, { kind: "power.busbar", target: "dc1/row01/busbar-a", until: 500, repair: 400, hosts: 8 }]]);
    const { down: D, hit: H, healthy: o } = CellState;
    expect([...f.rackStates(200)]).toEqual([D, D, o, o, o, o, o, o]);
    expect([...f.rackStates(500)]).toEqual([H, H, o, o, o, o, o, o]);
    expect([...f.rackStates(500 + 2 * HOUR - 1)]).toEqual([H, H, o, o, o, o, o, o]);
    expect([...f.rackStates(500 + 2 * HOUR)]).toEqual([o, o, o, o, o, o, o, o]);
  });

  it("a burst marks the racks facing it from its start to the end of the window after it, under any error it causes", () => {
    // dc1's row01 faces east, row02 west: a burst from the east lights row01's 4 racks.
    const f = fold([
      ["fault", 100, { kind: "cosmic.burst", until: 1300, direction: 90, width: 90, edge: 15, racks: 4, duration: 1200 }],
      ["fault", 200, { kind: "cosmic.upset", target: "dc1/row01/rack02/host01", bits: [5] }],
    ]);
    const { errors: E, hit: H, healthy: o } = CellState;
    expect([...f.rackStates(300)]).toEqual([H, E, H, H, o, o, o, o]);
    expect([...f.rackStates(1300 + 2 * HOUR - 1)]).toEqual([H, H, H, H, o, o, o, o]);
    expect([...f.rackStates(1300 + 2 * HOUR)].every((s) => s === o)).toBe(true);
    expect([...f.rackStates(300)].filter((s) => s !== o)).toHaveLength(4); // the burst record's own `racks`
  });

  it("an aggregated count of a correlated kind and a single host's crash leave no footprint", () => {
    const f = fold([
      ["fault", 0, { kind: "host.crash", target: "dc1/row02/rack04/host03", until: 600, repair: 600, hosts: 1 }],
      ["fault", 0, { kind: "rack.fail", target: "dc1/row01/rack01", aggregated: true, count: 2 }],
    ]);
    expect(f.rackState(7, 601)).toBe(CellState.healthy);
    expect(f.rackState(0, 601)).toBe(CellState.healthy);
  });

  it("one host down of four is 'some down', not down", () => {
    const f = fold([["fault", 0, { kind: "host.crash", target: "dc1/row02/rack04/host03", until: 600, repair: 600, hosts: 1 }]]);
    expect(f.rackState(7, 300)).toBe(CellState.partial);
    expect(f.hostsDown(7, 300)).toBe(1);
  });

  it("an error colours its rack for the recent window, then fades", () => {
    const f = fold([["fault", 1000, { kind: "cosmic.upset", target: "dc1/row01/rack03/host02" }]]);
    expect(f.rackState(2, 1000 + HOUR)).toBe(CellState.errors);
    expect(f.rackState(2, 1001 + HOUR)).toBe(CellState.healthy);
  });

  it("the worst state wins: down over corrupt over some-down over draining over errors", () => {
    const f = fold([
      ["fault", 0, { kind: "cosmic.upset", target: "dc1/row01/rack01/host01" }],
      ["fault", 0, { kind: "mercurial.corrupt", target: "dc1/row01/rack01/host02" }],
      ["fault", 0, { kind: "host.crash", target: "dc1/row01/rack01/host03", until: 100, repair: 100, hosts: 1 }],
    ]);
    expect(f.rackState(0, 50)).toBe(CellState.corrupt);
    const g = fold([
      ["fault", 0, { kind: "cosmic.upset", target: "dc1/row01/rack01/host01" }],
      ["fault", 0, { kind: "host.crash", target: "dc1/row01/rack01/host03", until: 100, repair: 100, hosts: 1 }],
    ]);
    expect(g.rackState(0, 50)).toBe(CellState.partial);
    const h = fold([
      ["fault", 0, { kind: "mercurial.corrupt", target: "dc1/row01/rack01/host02" }],
      ["fault", 0, { kind: "rack.fail", target: "dc1/row01/rack01", until: 100, repair: 100, hosts: 4 }],
    ]);
    expect(h.rackState(0, 50)).toBe(CellState.down);
  });

  it("overlapping downs keep a host down until the later repair", () => {
    const f = fold([
      ["fault", 0, { kind: "power.busbar", target: "dc1/row01/busbar-a", until: 100, repair: 100, hosts: 8 }],
      ["fault", 10, { kind: "rack.fail", target: "dc1/row01/rack01", until: 50, repair: 40, hosts: 4 }],
    ]);
    expect(f.rackState(0, 60)).toBe(CellState.down);
    expect(f.rackState(0, 100)).toBe(CellState.hit);
    expect(f.rackState(0, 100 + 2 * HOUR)).toBe(CellState.healthy);
  });

  it("reset forgets everything", () => {
    const f = fold([["fault", 0, { kind: "rack.fail", target: "dc1/row01/rack01", until: 100, repair: 100, hosts: 4 }]]);
    f.reset();
    expect([...f.rackStates(50)].every((s) => s === CellState.healthy)).toBe(true);
  });

  it("the recent window is 1/72 of the run, between 10 minutes and a day", () => {
    expect(recentWindowSec(72 * HOUR)).toBe(HOUR);
    expect(recentWindowSec(HOUR)).toBe(600);
    expect(recentWindowSec(10 * 365 * 86_400)).toBe(86_400);
  });

  it("an incident's footprint stays 1/12 of the run after it ends, between 30 minutes and 3 days", () => {
    expect(footprintWindowSec(12 * HOUR)).toBe(HOUR);
    expect(footprintWindowSec(HOUR)).toBe(1800);
    expect(footprintWindowSec(10 * 365 * 86_400)).toBe(3 * 86_400);
  });
});
