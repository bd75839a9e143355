// Machine checks as a host-loss rate (cosmic.ts and dram.ts hostLossRatePerSec). A memory
// error takes a host down only through the detection layer, so each case runs the real one
// (src/checksums/detect.ts) for simulated years on a small fleet, counts the machine checks
// on a range of hosts and compares them with the analytic rate x horizon, scored with the
// lane's odds (src/run/lane.ts memoryOdds): Poisson, 4 sigma. The rates are raised far
// above the field's so that hundreds of machine checks happen.
import { describe, expect, it } from "vitest";
import { MemoryDetector } from "../checksums/detect.js";
import type { EccMode } from "../fleet/spec.js";
import { memoryOdds } from "../run/lane.js";
import { MACHINE_CHECK } from "./consequences.js";
import { machineCheckPerUpset } from "./cosmic-rates.js";
import { cosmicModel } from "./cosmic.js";
import { defaultDramSettings, dramModel } from "./dram.js";
import { machineChecksPerDeviceSec } from "./dram-rates.js";
import type { FaultModel, Injector } from "./injector.js";
import { hostLossRatePerSec } from "./layer.js";
import { hostCrashModel } from "./host.js";
import { faultHarness, parseSettings, withinPoisson, YEAR } from "./testing.js";

/** 2 datacenters (sea level, 1,500 m) of 2 rows x 4 racks x 4 hosts: 64 hosts, rows facing east and west. */
const shape = { rows: 2, racksPerRow: 4, hostsPerRack: 4, datacenters: [{ altitudeM: 0 }, { altitudeM: 1500 }] };
/** Partial racks at both ends, across the two datacenters. */
const range = { start: 22, end: 51 };

function machineChecksOn(model: FaultModel<never>, settings: string, ecc: EccMode, horizonSec: number, seed: number) {
  const h = faultHarness(shape, seed, { record: false });
  const inj: Injector = h.start(model.create(parseSettings(model, settings) as never), undefined, horizonSec);
  h.trace.addListener(new MemoryDetector(h.sim, h.fleet, h.trace, { horizonSec, ecc }));
  let checks = 0;
  h.trace.addListener({
    onFault: (e) => {
      if (e.kind === MACHINE_CHECK && e.host >= range.start && e.host < range.end) checks++;
    },
  });
  h.sim.run({ until: horizonSec });
  return { checks, expected: inj.hostLossRatePerSec!(h.fleet, range, memoryOdds(ecc)) * horizonSec, inj, fleet: h.fleet };
}

describe("machine checks from memory errors, as a host-loss rate", () => {
  // 1 FIT/Mbit (50x the default), a fifth of upsets multi-bit, and a 2-hour burst x20 from
  // the east every 2 days: about 16,000 upsets over 10 years.
  const cosmic = "{ rate: 1 FIT/Mbit, multiBit: 20%, bursts: { every: 2d, duration: 2h, direction: east, x: 20 } }";
  for (const ecc of ["secded", "chipkill"] as const) {
    it(`cosmic upsets under ${ecc}: the machine checks on the range over 10 years match the rate`, () => {
      const { checks, expected } = machineChecksOn(cosmicModel as FaultModel<never>, cosmic, ecc, 10 * YEAR, 5);
      expect(expected).toBeGreaterThan(ecc === "secded" ? 800 : 200);
      expect(withinPoisson(checks, expected)).toBe(true);
    });
  }

  // 10x the field's fault rates. A wide or grown fault errs every 2 hours: its machine checks
  // repeat on one host, and the errors that fall while the host reboots are not read.
  const dram = "{ scale: 10x }";
  it("DRAM faults under SECDED: a wide or grown fault's errors take its host down again and again; they match the rate over 10 years", () => {
    const { checks, expected } = machineChecksOn(dramModel as FaultModel<never>, dram, "secded", 10 * YEAR, 9);
    expect(expected).toBeGreaterThan(400);
    expect(withinPoisson(checks, expected)).toBe(true);
  });

  it("DRAM faults under chipkill: every error stays inside one device, so none takes a host down", () => {
    const { checks, expected } = machineChecksOn(dramModel as FaultModel<never>, dram, "chipkill", YEAR, 9);
    expect(expected).toBe(0);
    expect(checks).toBe(0);
  });

  it("follows the codes: SECDED detects every 2-bit upset, chipkill only those across two devices, a lone bit never", () => {
    const secded = memoryOdds("secded");
    const chipkill = memoryOdds("chipkill");
    expect(secded.machineCheck("secded", [5])).toBe(0);
    expect(secded.machineCheck("secded", [5, 6])).toBe(1);
    expect(chipkill.machineCheck("chipkill", [5, 6])).toBe(0); // one x4 device: corrected
    expect(chipkill.machineCheck("chipkill", [7, 8])).toBe(1); // devices 1 and 2: detected
    expect(memoryOdds(undefined).machineCheck("parity", [70])).toBe(0); // a check bit parity has not: clean
    // Per upset at 2% multi-bit: 2% x (the 2-4 bit shares SECDED detects).
    const p = machineCheckPerUpset("secded", 0.02, secded);
    expect(p).toBeGreaterThan(0.02 * 0.7);
    expect(p).toBeLessThan(0.02);
    // A whole-device error under SECDED: of the 15 nibble values, the 4 single bits are corrected.
    expect(machineChecksPerDeviceSec(defaultDramSettings(), "secded", secded)).toBeGreaterThan(0);
    expect(machineChecksPerDeviceSec(defaultDramSettings(), "chipkill", chipkill)).toBe(0);
  });

  it("without a detection layer no memory error takes a host down; with one, the layer sums them with the rest", () => {
    const h = faultHarness(shape, 3, { record: false });
    const up = h.start(cosmicModel.create(parseSettings(cosmicModel, "{}")));
    const dram = h.start(dramModel.create(parseSettings(dramModel, "{}")));
    const crash = h.start(hostCrashModel.create(parseSettings(hostCrashModel, "{ mtbf: 10y }")));
    const layer = { fleet: h.fleet, injectors: [up, dram, crash] };
    const crashes = (range.end - range.start) / (10 * YEAR);
    expect(up.hostLossRatePerSec!(h.fleet, range)).toBe(0);
    expect(dram.hostLossRatePerSec!(h.fleet, range)).toBe(0);
    expect(hostLossRatePerSec(layer, range)).toBeCloseTo(crashes, 20);
    const odds = memoryOdds(undefined);
    const memory = up.hostLossRatePerSec!(h.fleet, range, odds) + dram.hostLossRatePerSec!(h.fleet, range, odds);
    expect(memory).toBeGreaterThan(0);
    expect(hostLossRatePerSec(layer, range, odds)).toBeCloseTo(crashes + memory, 20);
    // the lane's ecc what-if replaces each host's code
    expect(up.hostLossRatePerSec!(h.fleet, range, memoryOdds("chipkill"))).toBeLessThan(up.hostLossRatePerSec!(h.fleet, range, odds));
    expect(up.hostLossRatePerSec!(h.fleet, { start: 5, end: 5 }, odds)).toBe(0);
  });
});
