import { describe, expect, it } from "vitest";
import { DAY, HOUR, faultHarness, parseSettings, withinPoisson } from "./testing.js";
import type { FleetSpecOverrides } from "../fleet/testing.js";
import { cosmicModel } from "./cosmic.js";
import { altitudeFactor, burstGain, multiBitWidth } from "./cosmic-rates.js";
import { dimmGeometry } from "./memory.js";
import type { FaultEvent } from "./trace.js";

const GiB = 2 ** 30;

const settings = parseSettings;

const world = (o: FleetSpecOverrides = {}, seed = 1) => faultHarness(o, seed);

function run(w: ReturnType<typeof world>, yaml: string, horizonSec: number) {
  const injector = w.start(cosmicModel.create(settings(cosmicModel.schema, yaml)), "faults.cosmic", horizonSec);
  w.sim.run({ until: horizonSec });
  return injector;
}

/** |obs - exp| < 4 sqrt(exp): the statistical check of every rate test here. */
const close = (obs: number, exp: number): boolean => withinPoisson(obs, exp);

const upsets = (w: ReturnType<typeof world>) => w.events.filter((e) => e.kind.name === "cosmic.upset");

describe("cosmic settings", () => {
  it("reads the scenario form and fills documented defaults", () => {
    const s = settings(
      cosmicModel.schema,
      "{ rate: 25000 FIT/Mbit, multiBit: 2%, bursts: { every: 12h, duration: 10m, direction: east, width: 90deg, x: 40 } }",
    );
    expect(s).toEqual({
      fitPerMbit: 25000,
      multiBitFraction: 0.02,
      altitudeScaleM: 1197,
      aggregateAbove: 20_000_000,
      bursts: { everySecMean: 12 * HOUR, atSec: [], durationSec: 600, directionDeg: 90, widthDeg: 90, edgeDeg: 15, gain: 40 },
    });
    expect(settings(cosmicModel.schema, "{}").fitPerMbit).toBe(0.02);
    expect(settings(cosmicModel.schema, "{ bursts: { at: [30h], direction: random } }").bursts!.directionDeg).toBe("random");
  });

  it("rejects a bad unit, a zero width and a typo", () => {
    expect(() => settings(cosmicModel.schema, "{ rate: 25000 }")).toThrow(/FIT\/Mbit/);
    expect(() => settings(cosmicModel.schema, "{ bursts: { width: 0deg } }")).toThrow(/width/);
    expect(() => settings(cosmicModel.schema, "{ multibit: 2% }")).toThrow(/did you mean "multiBit"/);
  });
});

describe("cosmic upset rate", () => {
  // 32 hosts x 512 GiB at sea level, 100 FIT/Mbit, 30 days: 4,194,304 Mbit per host,
  // 0.4194 upsets per host-hour, 9,664 expected upsets.
  it("matches rate x Mbit x time, and a 2x rate would fail the same check", () => {
    const w = world({ rows: 2, racksPerRow: 4, hostsPerRack: 4 });
    const inj = run(w, "{ rate: 100 FIT/Mbit }", 30 * DAY);
    const mbit = (16 * 32 * GiB * 8) / 2 ** 20;
    const exp = ((100 * mbit * 32) / 1e9) * 30 * 24;
    expect(inj.expected!(w.fleet, 30 * DAY)["cosmic.upset"]).toBeCloseTo(exp, 6);
    const obs = w.trace.counts.get("cosmic.upset")!.events;
    expect(close(obs, exp)).toBe(true);
    expect(close(obs, 2 * exp)).toBe(false);
    expect(close(obs, exp / 2)).toBe(false);
  });

  it("scales with altitude: a 1,500 m datacenter sees ~3.5x a sea-level one", () => {
    expect(altitudeFactor(1500)).toBeCloseTo(3.5, 2);
    const w = world({ rows: 2, racksPerRow: 4, hostsPerRack: 4, datacenters: [{ altitudeM: 0 }, { altitudeM: 1500 }] });
    run(w, "{ rate: 30 FIT/Mbit }", 30 * DAY);
    const per = [0, 0];
    for (const e of upsets(w)) per[w.fleet.dcOfHost(e.host)]++;
    // Expected at sea level: 2,899; ratio sd ~ 3.5 x sqrt(1/2899 + 1/10150) = 0.074.
    const ratio = per[1] / per[0];
    expect(Math.abs(ratio - 3.5)).toBeLessThan(4 * 0.074);
    expect(Math.abs(ratio - 7)).toBeGreaterThan(4 * 0.15); // twice the altitude effect fails
  });
});

describe("cosmic upset positions", () => {
  // 10% multi-bit, ~18,000 upsets in all.
  const w = world({ rows: 2, racksPerRow: 4, hostsPerRack: 4, host: { dimms: 4, dimmBytes: 8 * GiB } });
  run(w, "{ rate: 3000 FIT/Mbit, multiBit: 10% }", 30 * DAY);
  const all = upsets(w);
  const g = dimmGeometry(8 * GiB);

  it("puts every upset on a real host, word, DIMM and bits 0..71", () => {
    const words = (4 * 8 * GiB) / 8;
    const hit = new Set<number>();
    const bad: FaultEvent[] = [];
    for (const e of all) {
      const { word, bits, dimm } = e.detail as { word: number; bits: number[]; dimm: number };
      const ok =
        e.ref?.kind === "host" &&
        e.ref.index === e.host &&
        Number.isInteger(word) &&
        word >= 0 &&
        word < words &&
        dimm === Math.floor(word / g.words) &&
        bits.every((b) => Number.isInteger(b) && b >= 0 && b < 72);
      if (!ok) bad.push(e);
      for (const b of bits) hit.add(b);
    }
    expect(bad).toEqual([]);
    expect(all.length).toBeGreaterThan(15000);
    expect(hit.size).toBe(72); // check bits and both ends are hit too
  });

  it("makes the configured fraction multi-bit, in adjacent bits, 2-4 wide as documented", () => {
    const multi = all.filter((e) => (e.detail.bits as number[]).length > 1);
    expect(close(multi.length, all.length * 0.1)).toBe(true);
    expect(close(multi.length, all.length * 0.2)).toBe(false);
    const widths = [0, 0, 0, 0, 0];
    let gaps = 0;
    for (const e of multi) {
      const bits = e.detail.bits as number[];
      widths[bits.length]++;
      for (let i = 1; i < bits.length; i++) if (bits[i] !== bits[i - 1] + 1) gaps++;
    }
    expect(gaps).toBe(0);
    expect(close(widths[2], multi.length * 0.7)).toBe(true);
    expect(close(widths[3], multi.length * 0.2)).toBe(true);
    expect(close(widths[4], multi.length * 0.1)).toBe(true);
    expect([multiBitWidth(0), multiBitWidth(0.69), multiBitWidth(0.7), multiBitWidth(0.95)]).toEqual([2, 2, 3, 4]);
  });
});

describe("cosmic bursts", () => {
  it("tapers from full gain to none over the edge with a raised cosine", () => {
    expect(burstGain(0, 90, 15, 40)).toBe(40);
    expect(burstGain(45, 90, 15, 40)).toBe(40);
    expect(burstGain(52.5, 90, 15, 40)).toBeCloseTo(20.5, 9);
    expect(burstGain(60, 90, 15, 40)).toBe(1);
    expect(burstGain(180, 90, 15, 40)).toBe(1);
    expect(burstGain(46, 90, 0, 40)).toBe(1);
  });

  it("hits the racks facing its direction and not the other side of the same aisles", () => {
    // 8 rows (4 aisles), alternate facing: odd rows face east, even rows west. A burst from
    // the east, 10h to 12h, x40. At 500 FIT/Mbit a row (16 hosts) expects 67 upsets in 2 h
    // without a burst, 2,684 with it.
    const w = world({ rows: 8, racksPerRow: 4, hostsPerRack: 4, facing: "alternate", aisleAzimuthDeg: 90 });
    run(w, "{ rate: 500 FIT/Mbit, bursts: { at: [10h], duration: 2h, direction: east, width: 90deg, x: 40 } }", 24 * HOUR);
    const inBurst = upsets(w).filter((e) => e.at >= 10 * HOUR && e.at < 12 * HOUR);
    const byRow = new Array(8).fill(0);
    for (const e of inBurst) byRow[w.fleet.rowOfHost(e.host)]++;
    const perRowBase = ((500 * ((16 * 32 * GiB * 8) / 2 ** 20) * 16) / 1e9) * 2; // 16 hosts, 2 h
    for (let aisle = 0; aisle < 4; aisle++) {
      const east = byRow[2 * aisle]; // row01, row03, ...: facing east
      const west = byRow[2 * aisle + 1];
      expect(w.fleet.rackFacingDeg[w.fleet.racksOfRow(2 * aisle).start]).toBe(90);
      expect(w.fleet.rackFacingDeg[w.fleet.racksOfRow(2 * aisle + 1).start]).toBe(270);
      expect(close(east, 40 * perRowBase)).toBe(true);
      expect(close(west, perRowBase)).toBe(true);
      expect(close(west, 40 * perRowBase)).toBe(false);
    }
    // Outside the burst both sides see the base rate again.
    const after = upsets(w).filter((e) => e.at >= 12 * HOUR);
    const eastAfter = after.filter((e) => w.fleet.rowOfHost(e.host) % 2 === 0).length;
    expect(close(eastAfter, 4 * perRowBase * 6)).toBe(true);
    const burst = w.events.find((e) => e.kind.name === "cosmic.burst")!;
    expect(burst.detail).toMatchObject({ direction: 90, width: 90, gain: 40, duration: 7200, racks: 16, hosts: 64 });
    expect(w.trace.correlated.map((c) => c.kind.name)).toEqual(["cosmic.burst"]);
    // `fleet faults` lists it with the hosts it reached (it has no single target: "fleet").
    expect(w.trace.correlated[0]).toMatchObject({ target: "fleet", hosts: 64 });
  });

  it("starts scheduled bursts at their exact times and random ones at the configured mean interval", () => {
    const w = world({});
    run(w, "{ rate: 1 FIT/Mbit, bursts: { at: [30h, 50h], duration: 10m } }", 60 * HOUR);
    expect(w.events.filter((e) => e.kind.name === "cosmic.burst").map((e) => e.at)).toEqual([30 * HOUR, 50 * HOUR]);

    const r = world({});
    const inj = run(r, "{ rate: 0 FIT/Mbit, bursts: { every: 1h, duration: 10m, direction: random } }", 60 * DAY);
    const n = r.events.filter((e) => e.kind.name === "cosmic.burst").length;
    expect(inj.expected!(r.fleet, 60 * DAY)["cosmic.burst"]).toBe(1440);
    expect(close(n, 1440)).toBe(true);
    expect(close(n, 720)).toBe(false);
  });
});

describe("cosmic aggregated mode", () => {
  it("counts single-bit upsets per rack and window, keeps multi-bit ones individual", () => {
    const w = world({ rows: 2, racksPerRow: 4, hostsPerRack: 4 });
    const inj = run(w, "{ rate: 100 FIT/Mbit, multiBit: 5%, aggregateAbove: 1000, bursts: { at: [100h], duration: 90m, x: 10 } }", 30 * DAY);
    const exp = inj.expected!(w.fleet, 30 * DAY);
    const single = w.trace.counts.get("cosmic.upsets")!.events;
    const multi = w.trace.counts.get("cosmic.upset")!.events;
    expect(close(single, exp["cosmic.upsets"]!)).toBe(true);
    expect(close(multi, exp["cosmic.upset"]!)).toBe(true);
    expect(upsets(w).filter((e) => (e.detail.bits as number[]).length < 2)).toEqual([]);
    // Listener events carry the counts; they sum to the kind's count.
    const rackEvents = w.events.filter((e) => e.kind.name === "cosmic.upsets");
    expect(rackEvents.every((e) => e.ref!.kind === "rack")).toBe(true);
    expect(rackEvents.reduce((a, e) => a + (e.detail.count as number), 0)).toBe(single);
    // Windows are cut at the burst's start and end: 720 hourly windows + 2 cuts.
    const windows = new Set(rackEvents.map((e) => (e.detail.window as number[]).join("-")));
    expect(windows.has(`${100 * HOUR}-${101 * HOUR}`)).toBe(true);
    expect(windows.has(`${101 * HOUR}-${101.5 * HOUR}`)).toBe(true);
    expect(windows.has(`${101.5 * HOUR}-${102 * HOUR}`)).toBe(true);
  });
});

describe("cosmic determinism", () => {
  it("gives the same trace for the same seed and another for another seed", () => {
    const yaml = "{ rate: 2 FIT/Mbit, bursts: { every: 12h, direction: random } }";
    const digest = (seed: number) => {
      const w = world({}, seed);
      run(w, yaml, 10 * DAY);
      return w.trace.digestHex();
    };
    expect(digest(7)).toBe(digest(7));
    expect(digest(7)).not.toBe(digest(8));
  });

  it("fires a scheduled upset of the asked width on the target host", () => {
    const w = world({});
    const env = { ...w, horizonSec: DAY, rng: w.sim.streams.get("faults.timeline") };
    cosmicModel.incident!.fire(env, { kind: "host", index: 5 }, { bits: 3 });
    const e = upsets(w)[0];
    expect(e.host).toBe(5);
    const bits = e.detail.bits as number[];
    expect(bits.length).toBe(3);
    expect(bits[2] - bits[0]).toBe(2);
  });
});
