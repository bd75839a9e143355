import { describe, expect, it } from "vitest";
import { ACCELERATOR_MODES, acceleratorModel, DEFAULT_ACCELERATOR_MTBF_SEC, LLAMA3_GPU_INTERRUPTIONS } from "./accelerator.js";
import { DAY, faultHarness, parseSettings, withinPoisson, YEAR } from "./testing.js";

describe("accelerator failures", () => {
  it("default to Llama 3's rate: 262 GPU interruptions in 54 days on 16,384 GPUs", () => {
    expect(DEFAULT_ACCELERATOR_MTBF_SEC / DAY).toBeCloseTo((16384 * 54) / 262, 9);
    expect(DEFAULT_ACCELERATOR_MTBF_SEC / YEAR).toBeCloseTo(9.25, 2);
    expect(parseSettings(acceleratorModel, "{}")).toEqual({
      mtbfSec: DEFAULT_ACCELERATOR_MTBF_SEC,
      repairSec: DAY,
      places: { variation: 0, height: 1, row: 1 },
    });
  });

  // Llama 3's cluster: 2,048 hosts of 8 GPUs, 54 days. With the default rate the GPU
  // failures and their mix by component match table 5 within Poisson noise.
  const horizon = 54 * DAY;
  const h = faultHarness({ rows: 8, racksPerRow: 16, hostsPerRack: 16, host: { accelerators: 8 } }, 7);
  const inj = h.start(acceleratorModel.create(parseSettings(acceleratorModel, "{}")), "faults.accelerator", horizon);
  h.sim.run({ until: horizon });
  const fails = h.events.filter((e) => e.kind.name === "accelerator.fail");

  it("reproduce the report's 262 GPU interruptions on its cluster, and its mix by component", () => {
    expect(h.fleet.hostCount * 8).toBe(16384);
    expect(inj.expected!(h.fleet, horizon)["accelerator.fail"]).toBeCloseTo(262, 6);
    expect(withinPoisson(fails.length, 262, 3)).toBe(true);
    expect(withinPoisson(fails.length, 2 * 262, 3)).toBe(false);
    for (const m of ACCELERATOR_MODES) {
      const n = fails.filter((e) => e.detail.mode === m).length;
      expect({ m, ok: withinPoisson(n, (fails.length * LLAMA3_GPU_INTERRUPTIONS[m]) / 262, 3) }).toEqual({ m, ok: true });
    }
    for (const e of fails) expect(e.untilSec - e.at).toBeCloseTo(DAY, 6);
  });

  it("give the rate of losing one of a range of hosts from their accelerators", () => {
    expect(inj.hostLossRatePerSec!(h.fleet, { start: 0, end: 100 })).toBeCloseTo(800 / DEFAULT_ACCELERATOR_MTBF_SEC, 20);
  });

  it("never strike hosts without accelerators", () => {
    const cpu = faultHarness({ rows: 2, racksPerRow: 4, hostsPerRack: 4, host: { accelerators: 0 } }, 1);
    cpu.start(acceleratorModel.create(parseSettings(acceleratorModel, "{ mtbf: 1d }")), "faults.accelerator", 30 * DAY);
    cpu.sim.run({ until: 30 * DAY });
    expect(cpu.events).toEqual([]);
  });

  it("fail more at the top of a rack with places.height, at the same fleet rate (a flat fleet would fail the test)", () => {
    // 4,096 hosts of 8 GPUs, 16 per rack, one year at a 1-year MTBF: ~32,800 failures. With
    // height 3x the top host fails 3x as often as the bottom one, linearly between.
    const fleet = { rows: 16, racksPerRow: 16, hostsPerRack: 16, host: { accelerators: 8 } };
    const byHeight = (text: string) => {
      const hh = faultHarness(fleet, 3);
      const injector = hh.start(acceleratorModel.create(parseSettings(acceleratorModel, text)), "faults.accelerator", YEAR);
      hh.sim.run({ until: YEAR });
      const counts = new Array(16).fill(0);
      for (const e of hh.events) counts[hh.fleet.hostPositionInRack(e.host)]++;
      return { counts, total: hh.events.length, injector, fleet: hh.fleet };
    };
    const flat = byHeight("{ mtbf: 1y }");
    const hot = byHeight("{ mtbf: 1y, places: { height: 3x } }");
    const expected = 4096 * 8;
    expect(withinPoisson(hot.total, expected)).toBe(true);
    expect(withinPoisson(flat.total, expected)).toBe(true);
    // Bottom (position 0) and top (15): 1x and 3x of a mean of 2x: 0.5 and 1.5 of a flat share.
    const share = expected / 16;
    expect(withinPoisson(hot.counts[0], share * 0.5)).toBe(true);
    expect(withinPoisson(hot.counts[15], share * 1.5)).toBe(true);
    expect(withinPoisson(flat.counts[15], share * 1.5)).toBe(false);
    // A training job on the top hosts of every rack sees the higher rate.
    const tops = { start: 15, end: 16 };
    expect(hot.injector.hostLossRatePerSec!(hot.fleet, tops) / flat.injector.hostLossRatePerSec!(flat.fleet, tops)).toBeCloseTo(1.5, 5);
  });
});
