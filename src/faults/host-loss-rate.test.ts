// Injector.hostLossRatePerSec: the rate at which a fault model takes down at least one host
// of a range, from its settings alone. Each model runs for simulated decades on a small
// fleet; the faults that took down a host of the range are counted and compared with the
// analytic rate x horizon (Poisson, 4 sigma). A training job's Young/Daly interval starts
// from the sum of these rates (src/recovery/training.ts).
import { describe, expect, it } from "vitest";
import type { FaultModel, Injector } from "./injector.js";
import { hostCrashModel } from "./host.js";
import { hostLossRatePerSec } from "./layer.js";
import { busbarModel, pduModel, utilityModel } from "./power.js";
import { rackModel } from "./rack.js";
import { faultHarness, parseSettings, withinPoisson, YEAR } from "./testing.js";

/** One datacenter of 8 rows x 10 racks x 8 hosts (640 hosts), a PDU per row (2 bus bars). */
const shape = { rows: 8, racksPerRow: 10, hostsPerRack: 8, power: { busbarsPerPdu: 2 } };

function countLosses(model: FaultModel<never>, settings: string, range: { start: number; end: number }, horizonSec: number, seed: number) {
  const h = faultHarness(shape, seed, { record: false });
  const inj: Injector = h.start(model.create(parseSettings(model, settings) as never), undefined, horizonSec);
  let losses = 0;
  h.trace.addListener({
    onFault: (e) => {
      if (e.kind.effect.class !== "down" || e.kind.effect.on !== "hosts" || !e.ref) return;
      let hit = false;
      h.fleet.forEachHostRange(e.ref, (s, t) => {
        if (s < range.end && t > range.start && h.fleet.downUntil[Math.max(s, range.start)] > e.at) hit = true;
      });
      if (hit) losses++;
    },
  });
  h.sim.run({ until: horizonSec });
  return { losses, expected: inj.hostLossRatePerSec!(h.fleet, range) * horizonSec, fleet: h.fleet };
}

describe("host-loss rate over a range of hosts, from each model's settings", () => {
  // Rows 2..5 minus a few hosts at each end: partial racks, PDUs and bus bars count whole.
  const range = { start: 2 * 80 + 3, end: 6 * 80 - 5 };
  const horizon = 40 * YEAR;
  const cases: [string, FaultModel<never>, string][] = [
    ["host crashes", hostCrashModel as FaultModel<never>, "{ mtbf: 20y }"],
    ["rack failures", rackModel as FaultModel<never>, "{ mtbf: 2y, wonkyMtbf: off }"],
    ["bus bars", busbarModel as FaultModel<never>, "{ mtbf: 3y, warning: 0s }"],
    ["PDUs", pduModel as FaultModel<never>, "{ mtbf: 2y }"],
    ["utility losses, some masked", utilityModel as FaultModel<never>, "{ mtbf: 90d, masked: 60% }"],
  ];
  for (const [name, model, settings] of cases) {
    it(`${name}: losses counted over ${horizon / YEAR} years match the rate`, () => {
      const { losses, expected } = countLosses(model, settings, range, horizon, 11);
      expect(expected).toBeGreaterThan(20);
      expect(withinPoisson(losses, expected)).toBe(true);
    });
  }

  it("sums over a layer's injectors, and an empty range loses nothing", () => {
    const h = faultHarness(shape, 3, { record: false });
    const crash = h.start(hostCrashModel.create(parseSettings(hostCrashModel, "{ mtbf: 10y }")));
    const rack = h.start(rackModel.create(parseSettings(rackModel, "{ mtbf: 5y }")));
    const r = { start: 0, end: 16 };
    expect(hostLossRatePerSec({ fleet: h.fleet, injectors: [crash, rack] }, r)).toBeCloseTo(16 / (10 * YEAR) + 2 / (5 * YEAR), 15);
    expect(rack.hostLossRatePerSec!(h.fleet, { start: 5, end: 5 })).toBe(0);
  });
});
