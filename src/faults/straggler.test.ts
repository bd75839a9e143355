import { describe, expect, it } from "vitest";
import { STRAGGLER } from "./straggler.js";
import { parseSettings, withinPoisson } from "./testing.js";
import { buildFleet } from "../fleet/build.js";
import { HostFlag } from "../fleet/state.js";
import { fleetSpec } from "../fleet/testing.js";
import { Sim } from "../sim/sim.js";
import type { FaultEvent } from "./trace.js";
import { FaultTrace } from "./trace.js";
import { stragglerModel, type StragglerSettings, sampleDistinct } from "./straggler.js";

const HOUR = 3600;
const DAY = 86400;

const settings = parseSettings;

/** 10,000 hosts: 25 rows x 25 racks x 16 hosts. */
function world(seed = 1) {
  const fleet = buildFleet(fleetSpec({ rows: 25, racksPerRow: 25, hostsPerRack: 16 }));
  const sim = new Sim({ seed });
  const trace = new FaultTrace(sim, fleet);
  const events: FaultEvent[] = [];
  trace.addListener({ onFault: (e) => void events.push(e) });
  return { fleet, sim, trace, events };
}

function start(w: ReturnType<typeof world>, s: StragglerSettings, horizonSec: number) {
  const injector = stragglerModel.create(s);
  injector.start({ ...w, horizonSec, rng: w.sim.streams.get("faults.straggler") });
  return injector;
}

describe("straggler settings", () => {
  it("reads units and fills documented defaults", () => {
    expect(settings(stragglerModel.schema, "{ hosts: 2%, slowdown: 3x, duration: 1h }")).toEqual({
      hostsFraction: 0.02,
      slowdownMedian: 3,
      slowdownSpread: 0.5,
      durationSecMean: 3600,
      throttledFraction: 0,
      throttleFactor: 1.5,
      aggregateAbove: 1e6,
    });
    // Off unless a scenario says how many hosts straggle: no field study gives a fraction.
    expect(settings(stragglerModel.schema, "{}")).toMatchObject({ hostsFraction: 0, throttledFraction: 0 });
  });

  it("rejects a typo with a did-you-mean, and a speed-up", () => {
    expect(() => settings(stragglerModel.schema, "{ slowdwn: 3x }")).toThrow(/did you mean "slowdown"/);
    expect(() => settings(stragglerModel.schema, "{ slowdown: 0.5x }")).toThrow(/at least 1x/);
  });
});

describe("straggler episodes", () => {
  // 10,000 hosts, 1% slow, 20m episodes: 1/12 episodes per second, ~216,000 in 30 days.
  const s = settings(stragglerModel.schema, "{ hosts: 1%, slowdown: 5x, duration: 20m, throttled: 0 }");
  const horizon = 30 * DAY;
  const w = world(7);
  const injector = start(w, s, horizon);
  const slowAtStart = countFlag(w.fleet.flags, HostFlag.STRAGGLER);
  const samples: number[] = [];
  w.sim.every(HOUR, () => void samples.push(countFlag(w.fleet.flags, HostFlag.STRAGGLER)));
  w.sim.run({ until: horizon });

  it("counts episodes at the configured rate (a 2x rate would fail)", () => {
    const expected = injector.expected!(w.fleet, horizon).straggler!;
    expect(expected).toBeCloseTo(100 + (100 / 1200) * horizon, 6);
    const observed = w.trace.counts.get("straggler")!.events;
    expect(Math.abs(observed - expected)).toBeLessThan(4 * Math.sqrt(expected));
    expect(Math.abs(observed - 2 * expected)).toBeGreaterThan(4 * Math.sqrt(2 * expected));
  });

  it("keeps the configured fraction of hosts slow, from the first second on", () => {
    // Mean distinct slow hosts: N (1 - e^-p) = 99.5; the hourly samples are nearly
    // independent (episodes last 20m), so their mean has sd ~ 10/sqrt(720) = 0.37.
    // Twice the duration at the same rate (or twice the rate) would give ~199.
    expect(slowAtStart).toBeGreaterThan(100 - 4 * 10);
    expect(slowAtStart).toBeLessThan(100 + 4 * 10);
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    expect(samples.length).toBe(720);
    expect(Math.abs(mean - 99.5)).toBeLessThan(2);
  });

  it("draws exponential durations of the configured mean and factors around the median", () => {
    const eps = w.events.filter((e) => e.detail.cause === "episode");
    const durations = eps.map((e) => e.untilSec - e.at);
    const mean = durations.reduce((a, b) => a + b, 0) / durations.length;
    // sd of the mean: 1200 / sqrt(n) ~ 2.6 s.
    expect(Math.abs(mean - 1200)).toBeLessThan(4 * (1200 / Math.sqrt(durations.length)));
    const factors = eps.map((e) => e.detail.factor as number).sort((a, b) => a - b);
    expect(factors[0]).toBeGreaterThan(1);
    expect(Math.abs(factors[factors.length >> 1] - 5)).toBeLessThan(0.05);
  });

  it("touches only hosts that are in an episode and leaves none slow when they end", () => {
    const [a, b] = [world(9), world(9)];
    for (const x of [a, b]) {
      start(x, s, 3 * DAY);
      x.sim.run({ until: 3 * DAY });
    }
    expect(a.trace.digestHex()).toBe(b.trace.digestHex()); // same seed, same trace
    a.sim.run(); // let every episode end
    expect(countFlag(a.fleet.flags, HostFlag.STRAGGLER)).toBe(0);
    expect(a.fleet.slowdown.every((x) => x === 1)).toBe(true);
  });
});

describe("aggregated episodes", () => {
  it("aggregated: one summary per hour, episodes simulated on watched hosts only, the rest counted", () => {
    const s = settings(stragglerModel.schema, "{ hosts: 1%, duration: 20m, throttled: 0.1%, aggregateAbove: 1000 }");
    const sink: { kind: string; fields: Record<string, unknown> }[] = [];
    const w = world(2); // 10,000 hosts; a workload runs on the first 5,000
    // A journal that keeps the records: only record() is called by the trace.
    const trace = new FaultTrace(w.sim, w.fleet, {
      record: (_t: string, _at: number, f: Record<string, unknown>) => void sink.push({ kind: f.kind as string, fields: f }),
    } as never);
    const events: FaultEvent[] = [];
    trace.addListener({ onFault: (e) => void events.push(e) });
    const watched = [{ start: 0, end: 5000 }];
    stragglerModel.create(s).start({ ...w, trace, horizonSec: DAY, rng: w.sim.streams.get("faults.straggler"), watched });
    w.sim.run({ until: DAY });
    const simulated = events.filter((e) => e.detail.cause === "episode");
    const throttled = events.filter((e) => e.detail.cause === "throttle").length;
    expect(simulated.every((e) => e.host < 5000)).toBe(true);
    const all = trace.counts.get("straggler")!.events - throttled;
    const summaries = sink.filter((r) => r.fields.aggregated);
    expect(summaries).toHaveLength(24);
    expect(summaries.reduce((a, r) => a + (r.fields.episodes as number), 0)).toBe(all);
    // every episode, simulated or counted, at the configured rate: 1% of 10,000 hosts in
    // 20-minute episodes, plus those under way at the start (a 2x rate fails this)
    const expected = 0.01 * 10_000 * (1 + DAY / 1200);
    expect(withinPoisson(all, expected)).toBe(true);
    expect(withinPoisson(2 * all, expected)).toBe(false);
    // about half of them simulated, on the watched half of the fleet
    expect(withinPoisson(simulated.length, expected / 2)).toBe(true);
    expect(summaries.every((r) => (r.fields.slowWatchedHosts as number) > 20 && (r.fields.slowWatchedHosts as number) < 90)).toBe(true);
    expect(trace.records).toBe(24 + throttled); // throttled hosts are always journaled
  });
});

describe("throttled hosts", () => {
  it("throttles a binomial number of distinct hosts for the whole run, under any episode", () => {
    const s = settings(stragglerModel.schema, "{ hosts: 5%, duration: 1h, throttled: 5%, throttle: 1.5x }");
    const w = world(3);
    start(w, s, 2 * DAY);
    const throttled = [...w.fleet.flags.keys()].filter((h) => w.fleet.flags[h] & HostFlag.THROTTLED);
    // Binomial(10000, 5%): mean 500, sd 21.8.
    expect(Math.abs(throttled.length - 500)).toBeLessThan(4 * 21.8);
    let checks = 0;
    const wrong: string[] = [];
    w.sim.every(HOUR, () => {
      for (let h = 0; h < w.fleet.hostCount; h++) {
        const f = w.fleet.flags[h];
        const x = w.fleet.slowdown[h];
        const ok = f & HostFlag.STRAGGLER ? x > (f & HostFlag.THROTTLED ? 1.5 : 1) || x === 1.5 : x === (f & HostFlag.THROTTLED ? 1.5 : 1);
        if (!ok) wrong.push(`host ${h} flags ${f} slowdown ${x} at ${w.sim.now}`);
        checks++;
      }
    });
    w.sim.run({ until: 2 * DAY });
    expect(checks).toBe(48 * 10_000);
    expect(wrong).toEqual([]);
    expect(throttled.every((h) => w.fleet.flags[h] & HostFlag.THROTTLED)).toBe(true);
  });

  it("samples distinct hosts, uniformly", () => {
    const w = world(5);
    const rng = w.sim.streams.get("t");
    const hits = new Uint32Array(10);
    for (let i = 0; i < 20_000; i++) {
      const k = sampleDistinct(rng, 10, 3);
      expect(new Set(k).size).toBe(3);
      for (const x of k) hits[x]++;
    }
    // Each value is chosen with probability 3/10: 6000 of 20,000, sd 64.8.
    for (const h of hits) expect(Math.abs(h - 6000)).toBeLessThan(4 * 64.8);
  });
});

describe("trace.slow with overlapping episodes", () => {
  it("returns to the largest factor still in force, and a throttled host stays throttled", () => {
    const w = world();
    const h = 42;
    w.trace.slow(STRAGGLER, h, 1.5, Infinity);
    w.trace.slow(STRAGGLER, h, 3, 100);
    w.trace.slow(STRAGGLER, h, 8, 50);
    expect(w.fleet.slowdown[h]).toBe(8);
    w.sim.run({ until: 60 });
    expect(w.fleet.slowdown[h]).toBe(3);
    expect(w.fleet.flags[h] & HostFlag.STRAGGLER).toBeTruthy();
    w.sim.run({ until: 101 });
    expect(w.fleet.slowdown[h]).toBe(1.5);
    expect(w.fleet.flags[h] & HostFlag.STRAGGLER).toBe(0);
    expect(w.fleet.flags[h] & HostFlag.THROTTLED).toBeTruthy();
  });

  it("keeps a host slow until its longest episode ends, whatever the order they started", () => {
    const w = world();
    w.trace.slow(STRAGGLER, 7, 2, 500);
    w.trace.slow(STRAGGLER, 7, 4, 100);
    w.sim.run({ until: 200 });
    expect(w.fleet.slowdown[7]).toBe(2);
    w.sim.run({ until: 600 });
    expect(w.fleet.slowdown[7]).toBe(1);
    expect(w.fleet.flags[7]).toBe(0);
  });
});

describe("straggler incident", () => {
  it("slows the target host by the factor for the duration, at the time it fires", () => {
    const w = world();
    const incident = stragglerModel.incident!;
    const env = { ...w, horizonSec: DAY, rng: w.sim.streams.get("faults.timeline") };
    const host = w.fleet.resolve("dc1/row01/rack02/host03")!;
    w.sim.at(3 * HOUR, () => incident.fire(env, host, { slowdown: 10, duration: HOUR }));
    w.sim.run({ until: 3 * HOUR - 1 });
    expect(w.fleet.slowdown[host.index]).toBe(1);
    w.sim.run({ until: 3 * HOUR });
    expect(w.fleet.slowdown[host.index]).toBe(10);
    expect(w.events).toMatchObject([{ kind: STRAGGLER, at: 3 * HOUR, host: host.index, untilSec: 4 * HOUR, detail: { factor: 10, cause: "incident" } }]);
    w.sim.run({ until: 4 * HOUR });
    expect(w.fleet.slowdown[host.index]).toBe(1);
  });
});

function countFlag(flags: Uint8Array, flag: number): number {
  let n = 0;
  for (let i = 0; i < flags.length; i++) if (flags[i] & flag) n++;
  return n;
}
