import { describe, expect, it } from "vitest";
import { KeyedHash } from "../sim/hash.js";
import { parseSettings } from "./testing.js";
import { buildFleet } from "../fleet/build.js";
import { HostFlag, HostState } from "../fleet/state.js";
import { fleetSpec } from "../fleet/testing.js";
import { Sim } from "../sim/sim.js";
import { MERCURIAL_CORE, cleanValue, mercurialModel, setFloat32Bit, type MercurialSettings } from "./mercurial.js";
import { FaultTrace, type FaultEvent } from "./trace.js";

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

function run(s: MercurialSettings, horizonSec: number, seed = 1) {
  const w = world(seed);
  const injector = mercurialModel.create(s);
  injector.start({ ...w, horizonSec, rng: w.sim.streams.get("faults.mercurialCore") });
  w.sim.run({ until: horizonSec });
  return { ...w, injector };
}

/** The IEEE-754 bits of a float32. */
function bits(x: number): number {
  const v = new DataView(new ArrayBuffer(4));
  v.setFloat32(0, x);
  return v.getUint32(0);
}

describe("mercurialCore settings", () => {
  it("reads units and fills documented defaults", () => {
    expect(settings(mercurialModel.schema, "{}")).toEqual({ hostsFraction: 0.0005, bit: 30, ratePerSec: 1 / 3600 });
    expect(settings(mercurialModel.schema, "{ hosts: 0.1%, bit: 31, rate: 6/h }")).toEqual({ hostsFraction: 0.001, bit: 31, ratePerSec: 6 / 3600 });
  });

  it("refuses a bit outside a float32", () => {
    expect(() => settings(mercurialModel.schema, "{ bit: 32 }")).toThrow(/at most 31/);
  });
});

describe("float32 corruption", () => {
  it("sets the real bit: bit 30 multiplies a gradient-sized value by 2^128", () => {
    const x = Math.fround(0.0123);
    const y = setFloat32Bit(x, 30);
    expect(y).toBe(x * 2 ** 128);
    expect(bits(y)).toBe((bits(x) | (1 << 30)) >>> 0);
    expect(setFloat32Bit(x, 31)).toBe(-x); // the sign bit
    expect(setFloat32Bit(-x, 31)).toBe(-x); // already set: no change
  });

  it("derives the clean value from (seed, host, count) alone: gradient-like float32s of either sign", () => {
    const v = new KeyedHash(1, "faults.mercurial.value");
    expect(cleanValue(v, 17, 3)).toBe(cleanValue(v, 17, 3));
    expect(cleanValue(new KeyedHash(2, "faults.mercurial.value"), 17, 3)).not.toBe(cleanValue(v, 17, 3));
    const values = Array.from({ length: 2000 }, (_, n) => cleanValue(v, 123, n + 1));
    expect(new Set(values).size).toBe(2000);
    for (const v of values) {
      expect(Math.fround(v)).toBe(v);
      expect(Math.abs(v)).toBeGreaterThanOrEqual(Math.fround(1e-5) * 0.999);
      expect(Math.abs(v)).toBeLessThan(0.1);
      expect(Number.isFinite(setFloat32Bit(v, 30))).toBe(true);
    }
    const negatives = values.filter((v) => v < 0).length;
    expect(Math.abs(negatives - 1000)).toBeLessThan(4 * Math.sqrt(500));
  });
});

describe("mercurial cores in a fleet", () => {
  // 10,000 hosts, 0.5% defective (~50), 1 corruption per hour each, 30 days: ~36,000.
  const s = settings(mercurialModel.schema, "{ hosts: 0.5%, bit: 30, rate: 1/h }");
  const horizon = 30 * DAY;
  const w = run(s, horizon, 11);
  const cores = w.events.filter((e) => e.kind.name === "mercurial.core");
  const corrupt = w.events.filter((e) => e.kind.name === "mercurial.corrupt");
  const values = w.sim.streams.hash("faults.mercurial.value");

  it("picks a binomial number of distinct hosts at start, flagged and journaled", () => {
    // Binomial(10000, 0.5%): mean 50, sd 7.05.
    expect(w.injector.expected!(w.fleet, horizon)["mercurial.core"]).toBeCloseTo(50, 9);
    expect(Math.abs(cores.length - 50)).toBeLessThan(4 * 7.05);
    expect(cores.every((e) => e.at === 0)).toBe(true);
    const hosts = new Set(cores.map((e) => e.host));
    expect(hosts.size).toBe(cores.length);
    let flagged = 0;
    for (let h = 0; h < w.fleet.hostCount; h++) if (w.fleet.flags[h] & HostFlag.MERCURIAL) flagged++;
    expect(flagged).toBe(cores.length);
    expect(w.trace.records).toBe(cores.length + corrupt.length);
  });

  it("corrupts at the per-host rate, superposed over the defective hosts (a 2x rate would fail)", () => {
    // Given the hosts actually picked, as `fleet faults` compares it.
    const expected = w.injector.expected!(w.fleet, horizon)["mercurial.corrupt"]!;
    expect(expected).toBeCloseTo(cores.length * (1 / 3600) * horizon, 6);
    expect(Math.abs(corrupt.length - expected)).toBeLessThan(4 * Math.sqrt(expected));
    expect(Math.abs(corrupt.length - 2 * expected)).toBeGreaterThan(4 * Math.sqrt(2 * expected));
    const perHost = new Map<number, number>();
    for (const e of corrupt) perHost.set(e.host, (perHost.get(e.host) ?? 0) + 1);
    expect([...perHost.keys()].every((h) => w.fleet.flags[h] & HostFlag.MERCURIAL)).toBe(true);
    // Each host: Poisson(720), sd 26.8.
    for (const n of perHost.values()) expect(Math.abs(n - 720)).toBeLessThan(5 * 26.8);
  });

  it("records the real float32 before and after, with the count of that host's corruptions", () => {
    const seen = new Map<number, number>();
    const wrong = corrupt.filter((e) => {
      const n = (seen.get(e.host) ?? 0) + 1;
      seen.set(e.host, n);
      const before = cleanValue(values, e.host, n);
      const d = e.detail;
      return d.bit !== 30 || d.n !== n || d.before !== before || d.after !== setFloat32Bit(before, 30) || !(Math.abs(d.after) > 1e30);
    });
    expect(wrong).toEqual([]);
    expect(corrupt[0].detail).toEqual({
      bit: 30,
      before: cleanValue(values, corrupt[0].host, 1),
      after: setFloat32Bit(cleanValue(values, corrupt[0].host, 1), 30),
      n: 1,
    });
  });

  it("takes nothing down: only the data shows it", () => {
    expect(w.fleet.state.every((x) => x === HostState.UP)).toBe(true);
    expect(w.trace.hostDownSeconds).toBe(0);
  });

  it("gives the same trace for the same seed and another for another seed", () => {
    const short = (seed: number) => run(s, DAY, seed).trace.digestHex();
    expect(short(11)).toBe(short(11));
    expect(short(11)).not.toBe(short(12));
  });
});

describe("mercurialCore incident", () => {
  it("makes the target host mercurial from that time, corrupting at its rate", () => {
    const w = world(4);
    const env = { ...w, horizonSec: 105 * HOUR, rng: w.sim.streams.get("faults.timeline") };
    const host = w.fleet.resolve("dc1/row01/rack02/host03")!;
    w.sim.at(5 * HOUR, () => mercurialModel.incident!.fire(env, host, { bit: 29, rate: 10 / HOUR }));
    w.sim.run({ until: 5 * HOUR - 1 });
    expect(w.fleet.flags[host.index]).toBe(0);
    w.sim.run({ until: 105 * HOUR });
    expect(w.fleet.flags[host.index] & HostFlag.MERCURIAL).toBeTruthy();
    expect(w.events[0]).toMatchObject({ kind: MERCURIAL_CORE, at: 5 * HOUR, host: host.index, detail: { bit: 29, ratePerHour: 10 } });
    const corrupt = w.events.slice(1);
    expect(corrupt.every((e) => e.kind.name === "mercurial.corrupt" && e.host === host.index && e.at > 5 * HOUR && e.detail.bit === 29)).toBe(true);
    // 100 hours at 10/h: Poisson(1000), sd 31.6.
    expect(Math.abs(corrupt.length - 1000)).toBeLessThan(4 * 31.6);
  });
});
