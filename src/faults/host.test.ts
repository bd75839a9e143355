import { describe, expect, it } from "vitest";
import { HostState } from "../fleet/state.js";
import { NO_BURSTS, NO_REPEATS } from "./disk-process.js";
import { HOST_CRASH, hostCrashModel } from "./host.js";
import { DAY, faultHarness, HOUR, MINUTE, parseSettings, withinPoisson, YEAR } from "./testing.js";

/** 10,000 hosts: 25 rows x 25 racks x 16 hosts. */
const big = { rows: 25, racksPerRow: 25, hostsPerRack: 16 };

describe("host crash settings", () => {
  it("fills documented defaults", () => {
    expect(parseSettings(hostCrashModel, "{}")).toEqual({
      mtbfSec: 1.8 * YEAR,
      rebootSec: 10 * MINUTE,
      repairFraction: 0.1,
      repairSec: 2 * DAY,
      hazard: [],
      ageAtStartSec: 0,
      ageSpreadSec: 3 * YEAR,
      bursts: NO_BURSTS,
      repeat: NO_REPEATS,
      places: { variation: 0, height: 1, row: 1 },
    });
    expect(parseSettings(hostCrashModel, "{ mtbf: 180d, reboot: 5m }")).toMatchObject({ mtbfSec: 180 * DAY, rebootSec: 5 * MINUTE });
  });
});

describe("host crashes", () => {
  const horizon = 90 * DAY;
  const h = faultHarness(big, 4);
  const inj = h.start(
    hostCrashModel.create(parseSettings(hostCrashModel, "{ mtbf: 1y, reboot: 10m, repairFraction: 20%, repair: 2d }")),
    "faults.host",
    horizon,
  );
  h.sim.run({ until: horizon });
  const crashes = h.events.filter((e) => e.kind.name === "host.crash");

  it("happen at the configured per-host rate (a 2x rate would fail)", () => {
    const expected = inj.expected!(h.fleet, horizon)["host.crash"]!;
    expect(expected).toBeCloseTo((10_000 * 90) / 365, 6); // 2466
    expect(withinPoisson(crashes.length, expected)).toBe(true);
    expect(withinPoisson(crashes.length, 2 * expected)).toBe(false);
    expect(withinPoisson(crashes.length, expected / 2)).toBe(false);
  });

  it("send the configured fraction to repair, the rest to a reboot", () => {
    const repairs = crashes.filter((e) => e.detail.cause === "repair");
    const n = crashes.length;
    expect(Math.abs(repairs.length - 0.2 * n)).toBeLessThan(4 * Math.sqrt(n * 0.2 * 0.8));
    for (const e of crashes) expect(e.untilSec - e.at).toBeCloseTo(e.detail.cause === "repair" ? 2 * DAY : 10 * MINUTE, 6);
  });

  it("pick hosts uniformly (crashes per row within 4 sd of the mean)", () => {
    const perRow = new Array(25).fill(0);
    for (const e of crashes) perRow[h.fleet.rowOfHost(e.host)]++;
    const mean = crashes.length / 25;
    for (const c of perRow) expect(Math.abs(c - mean)).toBeLessThan(4 * Math.sqrt(mean));
  });

  it("leave every host up once all repairs are done, and repeat with the same seed", () => {
    h.sim.run();
    expect(h.fleet.state.every((s) => s === HostState.UP)).toBe(true);
    const again = faultHarness(big, 4);
    again.start(hostCrashModel.create(parseSettings(hostCrashModel, "{ mtbf: 1y, reboot: 10m, repairFraction: 20%, repair: 2d }")), "faults.host", horizon);
    again.sim.run({ until: horizon });
    expect(again.trace.digestHex()).toBe(h.trace.digestHex());
  });
});

describe("a scheduled host crash", () => {
  it("takes exactly that host down at its time, for its repair", () => {
    const h = faultHarness();
    const host = h.fleet.resolve("dc1/row02/rack03/host04")!.index;
    h.fire(hostCrashModel, "dc1/row02/rack03/host04", {}, 2 * HOUR); // default repair: 10m
    h.sim.run({ until: 2 * HOUR - 1 });
    expect(h.fleet.state[host]).toBe(HostState.UP);
    h.sim.run({ until: 2 * HOUR });
    expect([...h.fleet.state.keys()].filter((x) => h.fleet.state[x] === HostState.DOWN)).toEqual([host]);
    h.sim.run({ until: 2 * HOUR + 10 * MINUTE - 1 });
    expect(h.fleet.state[host]).toBe(HostState.DOWN);
    h.sim.run({ until: 2 * HOUR + 10 * MINUTE });
    expect(h.fleet.state[host]).toBe(HostState.UP);
    expect(h.events).toMatchObject([{ kind: HOST_CRASH, at: 2 * HOUR, host, detail: { cause: "incident" } }]);
  });

  it("with mtbf off, nothing happens", () => {
    const h = faultHarness(big);
    const inj = h.start(hostCrashModel.create(parseSettings(hostCrashModel, "{ mtbf: off }")), "faults.host", YEAR);
    h.sim.run({ until: YEAR });
    expect(h.events).toEqual([]);
    expect(inj.expected!(h.fleet, YEAR)["host.crash"]).toBe(0);
  });
});
