// The host crash process beyond a constant rate (src/faults/host.ts): a hazard by host age,
// crashes in bursts, hosts that crash again, and hosts that crash more than others. Each
// option is run on a 10,000-host fleet and measured with the statistics `fleet fit`
// compares logs on (src/field/stats.ts); each check is also run against a parameter 2x
// wrong, which must fail it.
import { describe, expect, it } from "vitest";
import { failureStats, type FailurePoint } from "../field/stats.js";
import type { Rng } from "../sim/rng.js";
import { expectedCrashesPerHost, type HostCrashSettings, hostCrashModel } from "./host.js";
import { DAY, faultHarness, parseSettings, withinPoisson, YEAR } from "./testing.js";

/** 10,000 hosts: 25 rows x 25 racks x 16 hosts. */
const big = { rows: 25, racksPerRow: 25, hostsPerRack: 16 };
const N = 10_000;

function run(settings: string, horizonSec: number, seed = 5, shape: object = big) {
  const h = faultHarness(shape, seed);
  const s = parseSettings(hostCrashModel, settings);
  const inj = h.start(hostCrashModel.create(s), "faults.host", horizonSec);
  h.sim.run({ until: horizonSec });
  const crashes = h.events.filter((e) => e.kind.name === "host.crash");
  const points: FailurePoint[] = crashes.map((e) => ({ timeSec: e.at, host: e.host, disk: -1 }));
  return { h, s, inj, crashes, expected: inj.expected!(h.fleet, horizonSec)["host.crash"]!, stats: failureStats(points, h.fleet, 0, horizonSec) };
}

/** The crash process as it was before hazard, bursts, repeat and places: its draws, in order. */
function plainCrashes(rng: Rng, hosts: number, s: HostCrashSettings, horizonSec: number) {
  const out: { at: number; host: number; untilSec: number; cause: string }[] = [];
  let now = 0;
  for (;;) {
    const dt = rng.exp(s.mtbfSec / hosts);
    if (now + dt > horizonSec) return out;
    now += dt;
    const host = rng.int(hosts);
    const repair = rng.next() < s.repairFraction;
    out.push({ at: now, host, untilSec: now + (repair ? s.repairSec : s.rebootSec), cause: repair ? "repair" : "reboot" });
  }
}

describe("without the new keys", () => {
  const horizon = 120 * DAY;
  for (const settings of [
    "{}",
    "{ mtbf: 1y, reboot: 10m, repairFraction: 20%, repair: 2d }",
    // The new keys at their off values, and ages (read only by a hazard), change nothing.
    "{ mtbf: 1y, repairFraction: 20%, ageAtStart: 2y, ageSpread: 5y, bursts: { size: 1 }, repeat: { chance: 0% }, places: { variation: 0 } }",
  ]) {
    it(`draws exactly what the plain Poisson process drew: ${settings}`, () => {
      const r = run(settings, horizon, 4);
      // The same seed's `faults.host` stream, drawn as the plain process drew it.
      const want = plainCrashes(faultHarness(big, 4).sim.streams.get("faults.host"), N, r.s, horizon);
      expect(want.length).toBeGreaterThan(1000);
      expect(r.crashes.map((e) => ({ at: e.at, host: e.host, untilSec: e.untilSec, cause: e.detail.cause }))).toEqual(want);
      expect(r.expected).toBe((N * horizon) / r.s.mtbfSec);
      expect(r.inj.hostLossRatePerSec!(r.h.fleet, { start: 3, end: 77 })).toBe(74 / r.s.mtbfSec);
    });
  }
});

describe("a hazard by host age", () => {
  it("gives early-life crashes: new hosts crash at the first piece's rate for 90 days, then less", () => {
    const r = run("{ ageAtStart: 0s, ageSpread: 0s, hazard: [{ until: 90d, afr: 150% }, { afr: 50% }] }", YEAR);
    expect(r.s.hazard).toEqual([
      { untilSec: 90 * DAY, afrPerYear: 1.5 },
      { untilSec: Number.POSITIVE_INFINITY, afrPerYear: 0.5 },
    ]);
    const early = r.crashes.filter((e) => e.at < 90 * DAY).length;
    const later = r.crashes.length - early;
    const wantEarly = (N * 1.5 * 90) / 365; // 3,699
    const wantLater = (N * 0.5 * 275) / 365; // 3,767
    expect(withinPoisson(early, wantEarly)).toBe(true);
    expect(withinPoisson(later, wantLater)).toBe(true);
    expect(withinPoisson(early, 2 * wantEarly)).toBe(false);
    expect(withinPoisson(later, 2 * wantLater)).toBe(false);
    expect(r.expected).toBeCloseTo(wantEarly + wantLater, 6);
  });

  it("counts hosts of spread ages per period as the integral says", () => {
    const r = run("{ ageAtStart: 0s, ageSpread: 1y, hazard: [{ until: 90d, afr: 150% }, { until: 2y, afr: 40% }, { afr: 80% }] }", 2 * YEAR);
    const firstYear = r.crashes.filter((e) => e.at < YEAR).length;
    const wantFirst = N * expectedCrashesPerHost(r.s, YEAR);
    // Ages 0..1y: a quarter of the hosts start in early life; in year two all are 1..2y old.
    expect(wantFirst).toBeCloseTo(N * (0.4 + (1.1 * (90 / 365) ** 2) / 2), 6);
    expect(withinPoisson(firstYear, wantFirst)).toBe(true);
    expect(withinPoisson(r.crashes.length - firstYear, r.expected - wantFirst)).toBe(true);
    expect(withinPoisson(r.crashes.length, 1.3 * r.expected)).toBe(false);
  });

  it("does not make a repaired host new: hosts past early life stay at the later rate", () => {
    // Every crash a repair, quickly done: were a repaired host new, each crash would start
    // 90 days at 150% and the count would rise well above 50% a year.
    const r = run("{ ageAtStart: 1y, ageSpread: 0s, repairFraction: 100%, repair: 1h, hazard: [{ until: 90d, afr: 150% }, { afr: 50% }] }", YEAR);
    expect(withinPoisson(r.crashes.length, N * 0.5)).toBe(true);
    expect(withinPoisson(r.crashes.length, N * 0.5 * 1.2)).toBe(false);
  });

  it("sets the host-loss rate at the start of the run, averaged over the ages", () => {
    const r = run("{ ageAtStart: 0s, ageSpread: 1y, hazard: [{ until: 90d, afr: 150% }, { afr: 50% }] }", DAY);
    const perHost = (1.5 * 90 + 0.5 * 275) / 365 / YEAR;
    expect(r.inj.hostLossRatePerSec!(r.h.fleet, { start: 10, end: 110 })).toBeCloseTo(100 * perHost, 15);
  });

  it("reads afr above 100% and rejects what is not a rate", () => {
    expect(parseSettings(hostCrashModel, "{ hazard: [{ afr: 2.5 }] }").hazard[0].afrPerYear).toBe(2.5);
    expect(() => parseSettings(hostCrashModel, "{ hazard: [{ afr: fast }] }")).toThrow(/failures per host-year/);
    expect(() => parseSettings(hostCrashModel, "{ hazard: [{ afr: -5% }] }")).toThrow(/failures per host-year/);
    expect(() => parseSettings(hostCrashModel, "{ hazard: [{ until: 1y, afr: 50% }] }")).toThrow(/last piece/);
  });
});

describe("bursts", () => {
  const horizon = 4 * YEAR;
  const bursts = (d: number) => `{ mtbf: 2y, bursts: { size: 5, dispersion: ${d}, spread: 10m, sameRack: 50% } }`;

  it("give weekly counts whose variance / mean is the dispersion asked for, at the same rate", () => {
    const r = run(bursts(30), horizon);
    expect(r.stats.weeks).toBe(208);
    expect(Math.abs(r.stats.weeklyDispersion / 30 - 1)).toBeLessThan(0.3);
    // Poisson weeks would give 1; half the dispersion is outside the band.
    const half = run(bursts(15), horizon);
    expect(Math.abs(half.stats.weeklyDispersion / 30 - 1)).toBeGreaterThan(0.3);
    // The hazard is the rate of all crashes: a compound Poisson count, variance D x mean.
    expect(r.expected).toBeCloseTo((N * horizon) / (2 * YEAR), 6);
    expect(withinPoisson(r.crashes.length, r.expected, 4 * Math.sqrt(30))).toBe(true);
    expect(withinPoisson(r.crashes.length, 2 * r.expected, 4 * Math.sqrt(30))).toBe(false);
  });

  it("put a burst's crashes in its first crash's rack, or anywhere in its datacenter", () => {
    const racksPerBurst = (sameRack: string) => {
      const r = run(`{ mtbf: 5y, bursts: { size: 4, dispersion: 8, spread: 0s, sameRack: ${sameRack} } }`, YEAR);
      const byTime = new Map<number, Set<number>>();
      for (const e of r.crashes) byTime.set(e.at, (byTime.get(e.at) ?? new Set()).add(r.h.fleet.rackOfHost(e.host)));
      return [...byTime.values()].filter((racks) => racks.size > 1).length;
    };
    expect(racksPerBurst("100%")).toBe(0);
    expect(racksPerBurst("0%")).toBeGreaterThan(300);
  });

  it("make a share `together` of a burst's other crashes fall with its first, the rest `spread` later", () => {
    const together = (share: string) => {
      const r = run(`{ mtbf: 2y, bursts: { size: 4, dispersion: 8, spread: 1h, together: ${share} } }`, YEAR);
      const times = new Set(r.crashes.map((e) => e.at));
      return 1 - times.size / r.crashes.length; // crashes that share a time with an earlier one
    };
    // Size 4: 3 others per burst of 4 on average, so 75% of crashes are others.
    expect(together("0%")).toBe(0);
    expect(Math.abs(together("100%") - 0.75)).toBeLessThan(0.03);
    expect(Math.abs(together("50%") - 0.375)).toBeLessThan(0.03);
  });
});

describe("repeats", () => {
  const horizon = 4 * YEAR;
  /** Share of crashes within 30 days of one on the same host: the repeats, and chance coincidences. */
  const share = (chance: number, perHostYear: number) => chance + (1 - chance) * (1 - Math.exp(-perHostYear * (30 / 365)));

  it("make a share `chance` of crashes fall again on the same host, at the same rate", () => {
    const r = run("{ mtbf: 10y, repeat: { chance: 20%, after: 2d } }", horizon);
    const n = r.stats.events;
    const sd = Math.sqrt((0.2 * 0.8) / n);
    expect(Math.abs(r.stats.repeatShare - share(0.2, 0.1))).toBeLessThan(4 * sd);
    expect(Math.abs(r.stats.repeatShare - share(0.4, 0.1))).toBeGreaterThan(4 * sd);
    expect(Math.abs(r.stats.repeatShare - share(0.1, 0.1))).toBeGreaterThan(4 * sd);
    // Chains of repeats: geometric clusters, variance (1 + c) / (1 - c) = 1.5 x the mean.
    expect(withinPoisson(n, r.expected, 4 * Math.sqrt(1.5))).toBe(true);
    expect(withinPoisson(n, r.expected * 1.25, 4 * Math.sqrt(1.5))).toBe(false);
  });
});

describe("places", () => {
  it("make some hosts crash more: host dispersion 1 + mean x variation, at the same rate", () => {
    const horizon = 4 * YEAR;
    const r = run("{ mtbf: 1y, places: { variation: 0.5 } }", horizon);
    const mean = r.stats.events / N; // ~4 crashes per host
    const want = 1 + mean * 0.5;
    expect(Math.abs(r.stats.hostDispersion / want - 1)).toBeLessThan(0.1);
    expect(Math.abs(r.stats.hostDispersion / (1 + mean * 1) - 1)).toBeGreaterThan(0.1);
    expect(Math.abs(r.stats.hostDispersion / (1 + mean * 0.25) - 1)).toBeGreaterThan(0.1);
    expect(withinPoisson(r.stats.events, r.expected)).toBe(true);
    expect(withinPoisson(r.stats.events, 1.2 * r.expected)).toBe(false);
  });
});

describe("host-loss rate with bursts and repeats", () => {
  // One datacenter of 8 rows x 10 racks x 8 hosts; the range is rows 2..5 less a few hosts.
  const shape = { rows: 8, racksPerRow: 10, hostsPerRack: 8 };
  const range = { start: 2 * 80 + 3, end: 6 * 80 - 5 };
  const horizon = 100 * YEAR;
  const cases = [
    "{ mtbf: 20y, bursts: { size: 5, dispersion: 6, spread: 0s, sameRack: 0% }, repeat: { chance: 20%, after: 2d } }",
    "{ mtbf: 20y, bursts: { size: 5, dispersion: 30, spread: 0s, sameRack: 50% }, repeat: { chance: 20%, after: 2d } }",
  ];
  for (const settings of cases) {
    it(`counts a burst that hits the range once, each repeat once: ${settings}`, () => {
      const r = run(settings, horizon, 11, shape);
      // With spread 0s a burst's crashes share its first one's time: one interruption each.
      const times = new Set(r.crashes.filter((e) => e.host >= range.start && e.host < range.end).map((e) => e.at));
      const rate = r.inj.hostLossRatePerSec!(r.h.fleet, range);
      const k = 4 * Math.sqrt(1.5); // repeat chains
      expect(withinPoisson(times.size, rate * horizon, k)).toBe(true);
      // Every crash counted (the rate without bursts) is far off; so is leaving out the
      // bursts that start outside the range and reach into it.
      const every = ((range.end - range.start) * horizon) / r.s.mtbfSec;
      expect(withinPoisson(times.size, every, k)).toBe(false);
      const insideOnly = (((range.end - range.start) * (0.8 / 5 + 0.2)) / r.s.mtbfSec) * horizon;
      if (settings.includes("sameRack: 0%")) expect(withinPoisson(times.size, insideOnly, k)).toBe(false);
      expect(r.inj.hostLossRatePerSec!(r.h.fleet, { start: 40, end: 40 })).toBe(0);
    });
  }
});

it("with mtbf off and no hazard, nothing happens whatever else is on", () => {
  const r = run("{ mtbf: off, bursts: { size: 3, dispersion: 5 }, repeat: { chance: 10% }, places: { variation: 1 } }", 30 * DAY);
  expect(r.crashes).toEqual([]);
  expect(r.expected).toBe(0);
  expect(r.inj.hostLossRatePerSec!(r.h.fleet, { start: 0, end: 100 })).toBe(0);
});
