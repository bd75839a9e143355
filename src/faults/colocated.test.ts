import { describe, expect, it } from "vitest";
import { COLOCATED_LOAD, colocatedModel, colocatedShare } from "./colocated.js";
import { STRAGGLER } from "./straggler.js";
import { DAY, faultHarness, HOUR, parseSettings, withinPoisson } from "./testing.js";

describe("a co-located batch job", () => {
  it("is off by default (no field fraction), reads its illustrative shape and refuses a share of 100%", () => {
    expect(parseSettings(colocatedModel, "{}")).toEqual({
      hostsFraction: 0,
      firstHost: 0,
      count: Infinity,
      peakShare: 0.4,
      troughShare: 0.1,
      peakAtSec: 14 * HOUR,
      stepSec: HOUR,
    });
    expect(() => parseSettings(colocatedModel, "{ peak: 100% }")).toThrow(/below 100%/);
    expect(() => parseSettings(colocatedModel, "{ peak: 20%, trough: 30% }")).toThrow(/at most the peak/);
  });

  it("takes its peak share at peakAt and its trough twelve hours later, every day", () => {
    const s = parseSettings(colocatedModel, "{ peak: 40%, trough: 10%, peakAt: 14h }");
    expect(colocatedShare(s, 14 * HOUR)).toBeCloseTo(0.4, 12);
    expect(colocatedShare(s, 2 * HOUR)).toBeCloseTo(0.1, 12);
    expect(colocatedShare(s, 8 * HOUR)).toBeCloseTo(0.25, 12);
    expect(colocatedShare(s, 3 * DAY + 14 * HOUR)).toBeCloseTo(0.4, 12);
  });

  const h = faultHarness({ rows: 4, racksPerRow: 10, hostsPerRack: 25 }, 5); // 1,000 hosts
  const inj = h.start(colocatedModel.create(parseSettings(colocatedModel, "{ hosts: 10%, peak: 50%, trough: 0%, peakAt: 12h, step: 1h }")), undefined, 2 * DAY);

  it("runs on about the given fraction of hosts, and slows them all together by 1 / (1 - share)", () => {
    h.sim.run({ until: 1 });
    const mine = new Set(h.events.filter((e) => e.kind === COLOCATED_LOAD).map((e) => e.host));
    expect(withinPoisson(mine.size, 100)).toBe(true);
    h.sim.run({ until: 12 * HOUR + 1 });
    const factors = [...mine].map((x) => h.fleet.slowdown[x]);
    // the share at the middle of the 12h step: 50% x (1 + cos(2 pi 0.5h / 24h)) / 2
    const share = colocatedShare(parseSettings(colocatedModel, "{ peak: 50%, trough: 0%, peakAt: 12h }"), 12.5 * HOUR);
    for (const f of factors) expect(f).toBeCloseTo(1 / (1 - share), 6); // fleet.slowdown is float32
    const others = [...Array(h.fleet.hostCount).keys()].filter((x) => !mine.has(x));
    expect(others.every((x) => h.fleet.slowdown[x] <= 1)).toBe(true);
    h.sim.run({ until: DAY + 30 * 60 }); // 00:30 of day 1: the trough, share ~0
    for (const x of mine) expect(h.fleet.slowdown[x]).toBeLessThan(1.01);
    expect(inj.expected!(h.fleet, 2 * DAY)["colocated.load"]).toBeCloseTo(1000 * 0.1 * 48, 9);
  });

  it("draws its machines from the range it is given only", () => {
    const w = faultHarness({ rows: 2, racksPerRow: 10, hostsPerRack: 10 }, 3); // 200 hosts
    w.start(colocatedModel.create(parseSettings(colocatedModel, "{ hosts: 50%, firstHost: 50, count: 40 }")), undefined, DAY);
    w.sim.run({ until: 1 });
    const hit = new Set(w.events.map((e) => e.host));
    expect(hit.size).toBeGreaterThan(10);
    expect([...hit].every((x) => x >= 50 && x < 90)).toBe(true);
  });

  it("combines with a straggler episode: the host runs at the larger factor", () => {
    const w = faultHarness({ rows: 1, racksPerRow: 2, hostsPerRack: 4 }, 2);
    w.start(colocatedModel.create(parseSettings(colocatedModel, "{ hosts: 100%, peak: 50%, trough: 50% }")), undefined, DAY);
    w.sim.run({ until: HOUR });
    expect(w.fleet.slowdown[3]).toBeCloseTo(2, 6);
    w.trace.slow(STRAGGLER, 3, 5, 2 * HOUR);
    expect(w.fleet.slowdown[3]).toBe(5);
    w.sim.run({ until: 3 * HOUR });
    expect(w.fleet.slowdown[3]).toBeCloseTo(2, 6);
  });
});
