import { describe, expect, it } from "vitest";
import type { Fleet } from "../fleet/fleet.js";
import { HostState } from "../fleet/state.js";
import { formatIssues } from "../base/issues.js";
import { loadScenarioText } from "../scenario/load.js";
import { BUSBAR, PDU, UTILITY, busbarModel, pduModel, utilityModel } from "./power.js";
import { rackModel } from "./rack.js";
import { startFaultLayer } from "./layer.js";
import { DAY, faultHarness, HOUR, MINUTE, parseSettings, withinPoisson, YEAR } from "./testing.js";

/** Indices of the hosts that are DOWN now. */
function downHosts(fleet: Fleet): number[] {
  const out: number[] = [];
  for (let h = 0; h < fleet.hostCount; h++) if (fleet.state[h] === HostState.DOWN) out.push(h);
  return out;
}

/** Host indices of the racks at these 1-based positions of a row (1-based), written out by hand. */
function hostsAt(fleet: Fleet, row: number, rackPositions: number[]): number[] {
  const out: number[] = [];
  for (const p of rackPositions) {
    const rack = fleet.resolve(`dc1/row${String(row).padStart(2, "0")}/rack${String(p).padStart(2, "0")}`)!;
    const r = fleet.hostsOfRack(rack.index);
    for (let h = r.start; h < r.end; h++) out.push(h);
  }
  return out.sort((a, b) => a - b);
}

describe("power settings", () => {
  it("fills documented defaults and reads units", () => {
    expect(parseSettings(busbarModel, "{}")).toEqual({ mtbfSec: 3 * YEAR, repairSec: 6 * HOUR, warningSec: 10 * MINUTE });
    expect(parseSettings(busbarModel, "{ mtbf: off, warning: 0s }")).toEqual({ mtbfSec: Infinity, repairSec: 6 * HOUR, warningSec: 0 });
    expect(parseSettings(pduModel, "{ repair: 2h }")).toEqual({ mtbfSec: 2 * YEAR, repairSec: 2 * HOUR });
    expect(parseSettings(utilityModel, "{ masked: 90% }")).toEqual({ mtbfSec: YEAR, maskedFraction: 0.9, repairSec: 4 * HOUR });
    expect(() => parseSettings(busbarModel, "{ mbtf: 3y }")).toThrow(/unknown key "mbtf"/);
  });
});

describe("a bus bar failure takes down exactly the racks it feeds, for the repair time", () => {
  // 4 rows x 10 racks x 3 hosts, 2 bus bars per row. Bus bar a of row 2 feeds racks 1-5
  // (contiguous) or racks 1, 3, 5, 7, 9 (interleaved): written out here, not read from
  // the fleet's own power tables.
  for (const [assign, racks] of [
    ["contiguous", [1, 2, 3, 4, 5]],
    ["interleaved", [1, 3, 5, 7, 9]],
  ] as const) {
    it(`with ${assign} power assignment`, () => {
      const h = faultHarness({ rows: 4, racksPerRow: 10, hostsPerRack: 3, power: { busbarsPerRow: 2, assign } });
      const fed = hostsAt(h.fleet, 2, [...racks]);
      expect(fed.length).toBe(15);
      h.fire(busbarModel, "dc1/row02/busbar-a", { repair: 8 * HOUR }, 30 * HOUR);
      h.sim.run({ until: 30 * HOUR - 1 });
      expect(downHosts(h.fleet)).toEqual([]);
      h.sim.run({ until: 30 * HOUR });
      expect(downHosts(h.fleet)).toEqual(fed);
      h.sim.run({ until: 38 * HOUR - 1 });
      expect(downHosts(h.fleet)).toEqual(fed);
      h.sim.run({ until: 38 * HOUR });
      expect(downHosts(h.fleet)).toEqual([]);
      expect(h.events).toMatchObject([{ kind: BUSBAR, at: 30 * HOUR, untilSec: 38 * HOUR, detail: { cause: "incident" } }]);
      expect(h.trace.correlated).toEqual([{ at: 30 * HOUR, kind: BUSBAR, target: "dc1/row02/busbar-a", untilSec: 38 * HOUR, hosts: 15 }]);
      expect(h.trace.hostDownSeconds).toBe(15 * 8 * HOUR);
    });
  }

  it("for every bus bar an injector fails: down at the failure, up at the repair", () => {
    const h = faultHarness({ rows: 6, racksPerRow: 6, hostsPerRack: 2, power: { busbarsPerRow: 3, assign: "interleaved" } }, 3);
    const s = parseSettings(busbarModel, "{ mtbf: 30d, repair: 6h, warning: 0s }");
    h.start(busbarModel.create(s), "faults.busbar", 60 * DAY);
    let checked = 0;
    // Stop right after each failure and each repair; compare with the bus bars in force.
    const active: { busbar: number; until: number }[] = [];
    h.trace.addListener({
      onFault: (e) => {
        if (e.kind.name === "power.busbar") active.push({ busbar: e.ref!.index, until: e.untilSec });
      },
    });
    while (h.sim.step()) {
      const now = h.sim.now;
      const want = new Set<number>();
      for (const a of active) {
        if (a.until > now)
          for (const rack of h.fleet.racksOfBusbar(a.busbar)) for (let x = h.fleet.hostsOfRack(rack).start; x < h.fleet.hostsOfRack(rack).end; x++) want.add(x);
      }
      expect(downHosts(h.fleet)).toEqual([...want].sort((a, b) => a - b));
      checked++;
    }
    expect(active.length).toBeGreaterThan(20);
    expect(checked).toBe(2 * active.length);
  });
});

describe("overlapping faults", () => {
  it("a host down from a rack failure and its bus bar comes back only when both are repaired", () => {
    const h = faultHarness({ rows: 2, racksPerRow: 4, hostsPerRack: 4, power: { busbarsPerRow: 2 } });
    const rack = hostsAt(h.fleet, 1, [2]); // on busbar-a with rack 1
    const other = hostsAt(h.fleet, 1, [1]);
    h.fire(rackModel, "dc1/row01/rack02", { repair: 5 * HOUR }, HOUR); // down 1h .. 6h
    h.fire(busbarModel, "dc1/row01/busbar-a", { repair: 2 * HOUR }, 2 * HOUR); // down 2h .. 4h
    h.sim.run({ until: 4 * HOUR });
    expect(downHosts(h.fleet)).toEqual(rack); // rack 1 is back, rack 2 still down
    h.sim.run({ until: 6 * HOUR - 1 });
    expect(downHosts(h.fleet)).toEqual(rack);
    h.sim.run({ until: 6 * HOUR });
    expect(downHosts(h.fleet)).toEqual([]);
    expect(other.length).toBe(4);
    // The reverse: the bus bar outlasts the rack failure.
    h.fire(busbarModel, "dc1/row01/busbar-a", { repair: 5 * HOUR }, 10 * HOUR); // 10h .. 15h
    h.fire(rackModel, "dc1/row01/rack02", { repair: HOUR }, 11 * HOUR); // 11h .. 12h
    h.sim.run({ until: 12 * HOUR });
    expect(downHosts(h.fleet)).toEqual([...other, ...rack].sort((a, b) => a - b));
    h.sim.run({ until: 15 * HOUR });
    expect(downHosts(h.fleet)).toEqual([]);
  });
});

describe("bus bar rates and warnings", () => {
  // 10 rows x 4 bus bars = 40 bus bars, mtbf 30d, 1 year: 486.7 failures expected.
  const h = faultHarness({ rows: 10, racksPerRow: 8, hostsPerRack: 2, power: { busbarsPerRow: 4 } }, 11);
  const s = parseSettings(busbarModel, "{ mtbf: 30d, repair: 6h, warning: 10m }");
  const inj = h.start(busbarModel.create(s), "faults.busbar", YEAR);
  h.sim.run({ until: YEAR });
  const fails = h.events.filter((e) => e.kind.name === "power.busbar");
  const warns = h.events.filter((e) => e.kind.name === "power.warning");

  it("fails at the configured rate (a 2x rate would fail)", () => {
    const expected = inj.expected!(h.fleet, YEAR);
    expect(expected["power.busbar"]).toBeCloseTo((40 * 365) / 30, 6);
    expect(withinPoisson(fails.length, expected["power.busbar"]!)).toBe(true);
    expect(withinPoisson(fails.length, 2 * expected["power.busbar"]!)).toBe(false);
    expect(withinPoisson(warns.length, expected["power.warning"]!)).toBe(true);
  });

  it("spreads failures over the bus bars", () => {
    const hit = new Set(fails.map((e) => e.ref!.index));
    expect(hit.size).toBe(40); // each bus bar expects ~12 failures
  });

  it("warns exactly `warning` before each failure, on the same bus bar", () => {
    const early = fails.filter((e) => e.at < 10 * MINUTE).length;
    expect(warns.length).toBe(fails.length - early);
    for (const w of warns) {
      const f = fails.find((x) => x.at === w.at + 10 * MINUTE && x.ref!.index === w.ref!.index);
      expect(f, `failure after warning at ${w.at}`).toBeDefined();
      expect(w.untilSec).toBe(w.at + 10 * MINUTE);
    }
  });
});

describe("PDU failures", () => {
  it("take down exactly the racks of every bus bar the PDU feeds, across rows", () => {
    // 3 rows x 2 bus bars = 6 bus bars, 3 to a PDU: pdu02 feeds busbar-b of row 2 (racks
    // 5-8) and both bus bars of row 3.
    const h = faultHarness({ rows: 3, racksPerRow: 8, hostsPerRack: 2, power: { busbarsPerRow: 2, busbarsPerPdu: 3 } });
    h.fire(pduModel, "dc1/pdu02", { repair: 3 * HOUR }, HOUR);
    h.sim.run({ until: HOUR });
    expect(downHosts(h.fleet)).toEqual([...hostsAt(h.fleet, 2, [5, 6, 7, 8]), ...hostsAt(h.fleet, 3, [1, 2, 3, 4, 5, 6, 7, 8])]);
    h.sim.run({ until: 4 * HOUR });
    expect(downHosts(h.fleet)).toEqual([]);
  });

  it("happen at the configured rate (a 2x rate would fail)", () => {
    const h = faultHarness({ rows: 10, racksPerRow: 8, hostsPerRack: 2, power: { busbarsPerRow: 2, busbarsPerPdu: 1 } }, 5);
    const inj = h.start(pduModel.create(parseSettings(pduModel, "{ mtbf: 30d }")), "faults.pdu", YEAR);
    h.sim.run({ until: YEAR });
    const expected = inj.expected!(h.fleet, YEAR)["power.pdu"]!;
    expect(expected).toBeCloseTo((20 * 365) / 30, 6);
    const observed = h.trace.counts.get("power.pdu")!.events;
    expect(withinPoisson(observed, expected)).toBe(true);
    expect(withinPoisson(observed, 2 * expected)).toBe(false);
  });
});

describe("utility losses", () => {
  const twoDcs = { rows: 2, racksPerRow: 4, hostsPerRack: 4, datacenters: [{}, {}] };

  it("a masked loss is recorded and takes nothing down", () => {
    const h = faultHarness(twoDcs, 2);
    const inj = h.start(utilityModel.create(parseSettings(utilityModel, "{ mtbf: 1d, masked: 100% }")), "faults.utility", 200 * DAY);
    let everDown = 0;
    h.trace.addListener({ onFault: () => void (everDown += downHosts(h.fleet).length) });
    h.sim.run({ until: 200 * DAY });
    const losses = h.events.filter((e) => e.kind.name === "power.utility");
    expect(withinPoisson(losses.length, inj.expected!(h.fleet, 200 * DAY)["power.utility"]!)).toBe(true); // 400 expected
    expect(losses.every((e) => e.detail.masked === true)).toBe(true);
    expect(everDown).toBe(0);
    expect(h.trace.hostDownSeconds).toBe(0);
    expect(h.trace.correlated.length).toBe(losses.length);
  });

  it("an unmasked loss takes down every host of its datacenter and none of the other", () => {
    const h = faultHarness(twoDcs);
    h.fire(utilityModel, "dc2/utility", { repair: 2 * HOUR }, HOUR);
    h.fire(utilityModel, "dc1", { masked: true }, HOUR);
    h.sim.run({ until: HOUR });
    const dc2 = h.fleet.hostsOfDc(1);
    expect(downHosts(h.fleet)).toEqual(Array.from({ length: dc2.end - dc2.start }, (_, i) => dc2.start + i));
    h.sim.run({ until: 3 * HOUR });
    expect(downHosts(h.fleet)).toEqual([]);
    expect(h.events.map((e) => [e.kind.name, e.detail.masked])).toEqual([
      ["power.utility", false],
      ["power.utility", true],
    ]);
  });

  it("masks the configured fraction", () => {
    const h = faultHarness(twoDcs, 9);
    h.start(utilityModel.create(parseSettings(utilityModel, "{ mtbf: 1d, masked: 75%, repair: 1h }")), "faults.utility", YEAR);
    h.sim.run({ until: YEAR });
    const losses = h.events.filter((e) => e.kind.name === "power.utility");
    const unmasked = losses.filter((e) => e.detail.masked === false).length;
    // Binomial(n, 25%): sd = sqrt(n x 0.25 x 0.75).
    expect(Math.abs(unmasked - 0.25 * losses.length)).toBeLessThan(4 * Math.sqrt(losses.length * 0.1875));
    expect(h.trace.counts.get("power.utility")!.hostsHit).toBe(unmasked * 32); // 2 rows x 4 racks x 4 hosts per datacenter
  });
});

describe("scheduled power incidents from a scenario", () => {
  it("fire at their exact times on the named targets", () => {
    const r = loadScenarioText(
      `name: t
duration: 3d
fleet:
  datacenters:
    - { name: dc1, rows: 4, racksPerRow: 10, hostsPerRack: 16, power: { busbarsPerRow: 2 } }
faults:
  - at: 30h
    busbar: dc1/row02/busbar-a
    repair: 8h
  - { at: 31h, pdu: dc1/pdu01 }
  - { at: 32h, utility: dc1, masked: true }
`,
      "s.yaml",
    );
    if (!r.ok) throw new Error(formatIssues("s.yaml", r.issues));
    const layer = startFaultLayer(r.value, { seed: 1, horizonSec: 3 * DAY });
    layer.sim.run({ until: 3 * DAY });
    expect(layer.trace.correlated).toEqual([
      { at: 30 * HOUR, kind: BUSBAR, target: "dc1/row02/busbar-a", untilSec: 38 * HOUR, hosts: 80 },
      { at: 31 * HOUR, kind: PDU, target: "dc1/pdu01", untilSec: 37 * HOUR, hosts: 640 }, // 640 hosts: one PDU (auto)
      { at: 32 * HOUR, kind: UTILITY, target: "dc1/utility", untilSec: 32 * HOUR, hosts: 640 },
    ]);
    expect(downHosts(layer.fleet)).toEqual([]);
  });
});

describe("scheduled power incidents with a warning", () => {
  const scenario = (faults: string) => {
    const r = loadScenarioText(
      `name: t
duration: 1d
fleet:
  datacenters:
    - { name: dc1, rows: 4, racksPerRow: 10, hostsPerRack: 16, power: { busbarsPerRow: 2 } }
faults:
${faults}`,
      "s.yaml",
    );
    if (!r.ok) throw new Error(formatIssues("s.yaml", r.issues));
    const layer = startFaultLayer(r.value, { seed: 1, horizonSec: DAY });
    const seen: { kind: string; at: number; target: string; failsAt?: unknown; up: number }[] = [];
    layer.trace.addListener({
      onFault: (e) =>
        seen.push({
          kind: e.kind.name,
          at: e.at,
          target: layer.fleet.idOf(e.ref!),
          failsAt: e.detail.failsAt,
          up: layer.fleet.hostCount - downHosts(layer.fleet).length,
        }),
    });
    layer.sim.run({ until: DAY });
    return seen;
  };

  it("emit power.warning `warning` before the trip, on the same target, while its hosts are still up", () => {
    expect(
      scenario("  - { at: 20h, busbar: dc1/row02/busbar-a, repair: 6h, warning: 10m }\n  - { at: 21h, pdu: dc1/pdu01, repair: 1h, warning: 2m }\n"),
    ).toEqual([
      { kind: "power.warning", at: 20 * HOUR - 10 * MINUTE, target: "dc1/row02/busbar-a", failsAt: 20 * HOUR, up: 640 },
      { kind: "power.busbar", at: 20 * HOUR, target: "dc1/row02/busbar-a", failsAt: undefined, up: 560 },
      { kind: "power.warning", at: 21 * HOUR - 2 * MINUTE, target: "dc1/pdu01", failsAt: 21 * HOUR, up: 560 },
      { kind: "power.pdu", at: 21 * HOUR, target: "dc1/pdu01", failsAt: undefined, up: 0 },
    ]);
  });

  it("without `warning`, or when the warning would fall before the run, come unannounced", () => {
    expect(
      scenario("  - { at: 20h, busbar: dc1/row02/busbar-a }\n  - { at: 5m, busbar: dc1/row01/busbar-a, warning: 10m }\n").map((e) => [e.kind, e.at]),
    ).toEqual([
      ["power.busbar", 5 * MINUTE],
      ["power.busbar", 20 * HOUR],
    ]);
  });
});
