// Datacenter overheating against Dean's figure (LADIS 2009 keynote, "typical first year
// for a new cluster": "~0.5 overheating (power down most machines in <5 mins, ~1-2 days
// to recover)"): its rate per datacenter-year, the spread of the shutdowns, the recovery,
// and the warning before it.
import { describe, expect, it } from "vitest";
import { formatIssues } from "../base/issues.js";
import type { Fleet } from "../fleet/fleet.js";
import { HostState } from "../fleet/state.js";
import { loadScenarioText } from "../scenario/load.js";
import { startFaultLayer } from "./layer.js";
import { OVERHEAT, overheatModel } from "./overheat.js";
import { DAY, faultHarness, HOUR, MINUTE, parseSettings, withinPoisson, YEAR } from "./testing.js";

function downCount(fleet: Fleet): number {
  let n = 0;
  for (let h = 0; h < fleet.hostCount; h++) if (fleet.state[h] === HostState.DOWN) n++;
  return n;
}

describe("overheat settings", () => {
  it("default to Dean's figures", () => {
    expect(parseSettings(overheatModel, "{}")).toEqual({
      mtbfSec: 2 * YEAR,
      fraction: 0.9,
      spreadSec: 5 * MINUTE,
      repairFromSec: DAY,
      repairSec: 2 * DAY,
      warningSec: 10 * MINUTE,
    });
    expect(parseSettings(overheatModel, "{ mtbf: off, fraction: 80%, warning: 0s }")).toMatchObject({ mtbfSec: Infinity, fraction: 0.8, warningSec: 0 });
  });
});

describe("an overheating at its defaults", () => {
  // 5 rows x 10 racks x 4 hosts = 50 racks: 45 of them (90%) shut down.
  const h = faultHarness({ rows: 5, racksPerRow: 10, hostsPerRack: 4 });
  h.fire(overheatModel, "dc1", {}, DAY);

  it("powers down most machines within 5 minutes and none before", () => {
    h.sim.run({ until: DAY - 1 });
    expect(downCount(h.fleet)).toBe(0);
    h.sim.run({ until: DAY + 5 * MINUTE });
    expect(downCount(h.fleet)).toBe(45 * 4);
    const racks = h.events.filter((e) => e.kind === OVERHEAT);
    expect(racks.length).toBe(45);
    expect(new Set(racks.map((e) => e.ref!.index)).size).toBe(45);
    expect(Math.min(...racks.map((e) => e.at))).toBeGreaterThanOrEqual(DAY);
    expect(Math.max(...racks.map((e) => e.at))).toBeLessThanOrEqual(DAY + 5 * MINUTE);
    // Spread over the window, not all at once.
    expect(Math.max(...racks.map((e) => e.at)) - Math.min(...racks.map((e) => e.at))).toBeGreaterThan(3 * MINUTE);
  });

  it("brings every rack back 1-2 days after it went down", () => {
    for (const e of h.events.filter((x) => x.kind === OVERHEAT)) {
      expect(e.untilSec - e.at).toBeGreaterThanOrEqual(DAY);
      expect(e.untilSec - e.at).toBeLessThanOrEqual(2 * DAY);
    }
    h.sim.run({ until: 2 * DAY - 1 });
    expect(downCount(h.fleet)).toBe(45 * 4);
    h.sim.run({ until: 3 * DAY + 5 * MINUTE });
    expect(downCount(h.fleet)).toBe(0);
  });
});

describe("overheating rate", () => {
  // 20 small datacenters over 100 years: Dean's ~0.5 per cluster-year is ~1,000 events.
  const dcs = Array.from({ length: 20 }, () => ({ rows: 1, racksPerRow: 10, hostsPerRack: 1 }));
  const horizon = 100 * YEAR;
  const h = faultHarness({ datacenters: dcs }, 3, { horizonSec: horizon });
  const inj = h.start(overheatModel.create(parseSettings(overheatModel, "{}")), "faults.overheat", horizon);
  h.sim.run({ until: horizon });
  const warnings = h.events.filter((e) => e.kind.name === "power.warning");
  const racks = h.events.filter((e) => e.kind === OVERHEAT);

  it("is about 0.5 per datacenter-year (a 2x rate would fail)", () => {
    const expected = inj.expected!(h.fleet, horizon)["power.warning"]!;
    expect(expected / (20 * 100)).toBeCloseTo(0.5, 3);
    expect(withinPoisson(warnings.length, expected)).toBe(true);
    expect(withinPoisson(warnings.length, 2 * expected)).toBe(false);
    expect(withinPoisson(racks.length / 9, inj.expected!(h.fleet, horizon)[OVERHEAT.name]! / 9)).toBe(true);
  });

  it("warns on the datacenter 10 minutes before its first shutdown, and the rest follow within 5 minutes", () => {
    for (const w of warnings) {
      const dc = w.ref!.index;
      expect(w.ref!.kind).toBe("dc");
      expect(w.detail.failsAt).toBe(w.at + 10 * MINUTE);
      const mine = racks.filter((e) => h.fleet.dcOfRack(e.ref!.index) === dc && e.at >= w.at && e.at <= w.at + 15 * MINUTE);
      expect(mine.length).toBe(9); // 90% of 10 racks
      for (const e of mine) expect(e.at).toBeGreaterThanOrEqual(w.at + 10 * MINUTE);
    }
  });

  it("takes a range of hosts down at the rate of the racks it may hit", () => {
    const m = overheatModel.create(parseSettings(overheatModel, "{}"));
    const one = h.fleet.hostsOfRack(0);
    expect(m.hostLossRatePerSec!(h.fleet, one)).toBeCloseTo(0.9 / (2 * YEAR), 15); // 9 of 10 racks
    expect(m.hostLossRatePerSec!(h.fleet, h.fleet.hostsOfDc(0))).toBeCloseTo(1 / (2 * YEAR), 15);
    expect(m.hostLossRatePerSec!(h.fleet, { start: 0, end: h.fleet.hostCount })).toBeCloseTo(20 / (2 * YEAR), 15);
  });
});

describe("a scheduled overheating", () => {
  it("warns `warning` before `at`, shuts most racks down within the spread after it, and counts as expected", () => {
    const r = loadScenarioText(
      `name: t
duration: 3d
fleet:
  datacenters:
    - { name: dc1, rows: 2, racksPerRow: 10, hostsPerRack: 4 }
faults:
  - { at: 20h, overheat: dc1, fraction: 50%, warning: 15m }
`,
      "s.yaml",
    );
    if (!r.ok) throw new Error(formatIssues("s.yaml", r.issues));
    const layer = startFaultLayer(r.value, { seed: 1, horizonSec: 3 * DAY });
    const seen: { kind: string; at: number }[] = [];
    layer.trace.addListener({ onFault: (e) => void seen.push({ kind: e.kind.name, at: e.at }) });
    layer.sim.run({ until: 20 * HOUR + 5 * MINUTE });
    expect(seen[0]).toEqual({ kind: "power.warning", at: 20 * HOUR - 15 * MINUTE });
    const racks = seen.filter((e) => e.kind === OVERHEAT.name);
    expect(racks.length).toBe(10);
    expect(racks.every((e) => e.at >= 20 * HOUR && e.at <= 20 * HOUR + 5 * MINUTE)).toBe(true);
    layer.sim.run({ until: 3 * DAY });
    const expected: Record<string, number> = {};
    for (const inj of layer.injectors)
      for (const [k, v] of Object.entries(inj.expected?.(layer.fleet, 3 * DAY) ?? {})) expected[k] = (expected[k] ?? 0) + (v ?? 0);
    expect(expected).toEqual({ "power.warning": 1, [OVERHEAT.name]: 10 });
  });
});
