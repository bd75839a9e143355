import { describe, expect, it } from "vitest";
import { HostState } from "../fleet/state.js";
import { RACK_FAIL, RACK_WONKY, rackModel } from "./rack.js";
import { DAY, faultHarness, HOUR, parseSettings, withinPoisson, YEAR } from "./testing.js";

/** 1,000 racks: 20 rows x 50 racks x 4 hosts. */
const many = { rows: 20, racksPerRow: 50, hostsPerRack: 4 };

describe("rack settings", () => {
  it("fills documented defaults and reads a repair range", () => {
    expect(parseSettings(rackModel, "{}")).toEqual({
      mtbfSec: 2 * YEAR,
      repairSecMin: HOUR,
      repairSecMax: 6 * HOUR,
      wonkyMtbfSec: 8 * YEAR,
      lossFraction: 0.5,
      wonkySec: 4 * HOUR,
    });
    expect(parseSettings(rackModel, "{ repair: 2h, wonkyMtbf: off }")).toMatchObject({
      repairSecMin: 2 * HOUR,
      repairSecMax: 2 * HOUR,
      wonkyMtbfSec: Infinity,
    });
    expect(parseSettings(rackModel, "{ repair: 30m..90m }")).toMatchObject({ repairSecMin: 1800, repairSecMax: 5400 });
    expect(() => parseSettings(rackModel, "{ repair: 6h..1h }")).toThrow(/low\.\.high/);
    expect(() => parseSettings(rackModel, "{ repair: 1h..6 }")).toThrow(/needs a unit/);
  });
});

describe("rack failures and wonky racks", () => {
  const horizon = YEAR;
  const h = faultHarness(many, 8);
  const inj = h.start(
    rackModel.create(parseSettings(rackModel, "{ mtbf: 2y, repair: 1h..6h, wonkyMtbf: 4y, loss: 50%, wonkyFor: 4h }")),
    "faults.rack",
    horizon,
  );
  const wonkyDownHosts: number[] = [];
  h.trace.addListener({
    onFault: (e) => {
      if (e.kind.name !== "rack.wonky") return;
      const r = h.fleet.hostsOfRack(e.ref!.index);
      // A wonky rack's hosts stay up (unless a failure of the same rack holds them down).
      for (let x = r.start; x < r.end; x++) if (h.fleet.state[x] === HostState.DOWN) wonkyDownHosts.push(x);
    },
  });
  h.sim.run({ until: horizon });
  const fails = h.events.filter((e) => e.kind.name === "rack.fail");
  const wonky = h.events.filter((e) => e.kind.name === "rack.wonky");

  it("fail and go wonky at the configured rates (a 2x rate would fail)", () => {
    const exp = inj.expected!(h.fleet, horizon);
    expect(exp["rack.fail"]).toBeCloseTo(500, 6);
    expect(exp["rack.wonky"]).toBeCloseTo(250, 6);
    expect(withinPoisson(fails.length, exp["rack.fail"]!)).toBe(true);
    expect(withinPoisson(fails.length, 2 * exp["rack.fail"]!)).toBe(false);
    expect(withinPoisson(wonky.length, exp["rack.wonky"]!)).toBe(true);
    expect(withinPoisson(wonky.length, 2 * exp["rack.wonky"]!)).toBe(false);
  });

  it("draw repair times uniformly over 1h..6h", () => {
    const repairs = fails.map((e) => e.untilSec - e.at);
    expect(Math.min(...repairs)).toBeGreaterThanOrEqual(HOUR);
    expect(Math.max(...repairs)).toBeLessThanOrEqual(6 * HOUR);
    const mean = repairs.reduce((a, b) => a + b, 0) / repairs.length;
    // Uniform: mean 3.5h, sd 5h / sqrt(12); sd of the mean / sqrt(n).
    expect(Math.abs(mean - 3.5 * HOUR)).toBeLessThan((4 * (5 * HOUR)) / Math.sqrt(12 * repairs.length));
  });

  it("take a failed rack's hosts down; keep a wonky rack's hosts up, recording loss and duration", () => {
    expect(fails.every((e) => e.ref!.kind === "rack")).toBe(true);
    expect(h.trace.counts.get("rack.fail")!.hostsHit).toBe(4 * fails.length);
    expect(wonky.every((e) => e.detail.loss === 0.5 && e.untilSec === e.at + 4 * HOUR)).toBe(true);
    expect(h.trace.counts.get("rack.wonky")!.hostsHit).toBe(0);
    expect(wonkyDownHosts.length).toBeLessThan(4 * 3); // only if the same rack happened to be failed
    expect(h.trace.correlated.filter((c) => c.kind.name === "rack.wonky").length).toBe(wonky.length);
  });
});

describe("scheduled rack incidents", () => {
  it("fail a rack at its time for its repair, or make it wonky without taking it down", () => {
    const h = faultHarness({ rows: 2, racksPerRow: 4, hostsPerRack: 4 });
    const rack = h.fleet.resolve("dc1/row02/rack03")!;
    const r = h.fleet.hostsOfRack(rack.index);
    h.fire(rackModel, "dc1/row02/rack03", { repair: 3 * HOUR }, 5 * HOUR);
    h.fire(rackModel, "dc1/row01/rack01", { wonky: 0.5, duration: 2 * HOUR }, 5 * HOUR);
    const down = () => [...h.fleet.state.keys()].filter((x) => h.fleet.state[x] === HostState.DOWN);
    h.sim.run({ until: 5 * HOUR - 1 });
    expect(down()).toEqual([]);
    h.sim.run({ until: 5 * HOUR });
    expect(down()).toEqual([r.start, r.start + 1, r.start + 2, r.start + 3]);
    h.sim.run({ until: 8 * HOUR - 1 });
    expect(down().length).toBe(4);
    h.sim.run({ until: 8 * HOUR });
    expect(down()).toEqual([]);
    expect(h.trace.correlated).toEqual([
      { at: 5 * HOUR, kind: RACK_FAIL, target: "dc1/row02/rack03", untilSec: 8 * HOUR, hosts: 4 },
      { at: 5 * HOUR, kind: RACK_WONKY, target: "dc1/row01/rack01", untilSec: 7 * HOUR, hosts: 4 },
    ]);
    expect(h.events[1].detail).toEqual({ loss: 0.5, cause: "incident" });
  });

  it("with both processes off, nothing happens", () => {
    const h = faultHarness(many);
    h.start(rackModel.create(parseSettings(rackModel, "{ mtbf: off, wonkyMtbf: off }")), "faults.rack", 30 * DAY);
    h.sim.run({ until: 30 * DAY });
    expect(h.events).toEqual([]);
  });
});
